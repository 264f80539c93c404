import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { prng } from '../../testing/prng.ts';
import { isDateTime } from './date-time-format.ts';

// ajv-formats' own check in its full mode, which isDateTime replaces.
const { fullFormats } = createRequire(import.meta.url)('ajv-formats/dist/formats.js') as { fullFormats: Record<string, { validate: (s: string) => boolean }> };
const reference = fullFormats['date-time']!.validate;

describe('the date-time format', () => {
  it('accepts and refuses what ajv-formats does, for typical, edge and broken timestamps', () => {
    const cases = [
      '2026-11-25T01:02:03Z', '2026-11-25T01:02:03.456Z', '2026-11-25t01:02:03z', '2026-11-25 01:02:03Z', '2026-11-25\t01:02:03Z',
      '2026-11-25T01:02:03+01:00', '2026-11-25T01:02:03-0130', '2026-11-25T01:02:03+01', '2026-11-25T01:02:03+01:', '2026-11-25T01:02:03+24:00',
      '2026-11-25T01:02:03+01:60', '2026-11-25T01:02:03', '2026-11-25T24:00:00Z', '2026-11-25T23:60:00Z', '2026-12-31T23:59:60Z',
      '2026-12-31T23:59:60.5Z', '2026-12-31T23:59:61Z', '2027-01-01T00:59:60+01:00', '2026-12-31T22:59:60-01:00', '2026-11-25T12:59:60Z',
      '2024-02-29T00:00:00Z', '2026-02-29T00:00:00Z', '2000-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2026-04-31T00:00:00Z',
      '2026-00-10T00:00:00Z', '2026-13-10T00:00:00Z', '2026-01-00T00:00:00Z', '2026-01-32T00:00:00Z', '2026-11-25TT01:02:03Z',
      '2026-11-25T01:02:03.Z', '2026-11-25T01:02:03.123456789Z', '+02026-11-25T01:02:03Z', '26-11-25T01:02:03Z', '2026-11-25T1:02:03Z',
      '', 'Z', 'yesterday', '2026-11-25', '01:02:03Z', '2026-11-25T01:02:03Z ', ' 2026-11-25T01:02:03Z', '2026-11-25T01:02:03ZZ',
      '2027-01-01T00:00:60+00:01', '2027-01-01T01:00:60+01:01', '2027-01-01T00:00:60-00:01', '２０２６-11-25T01:02:03Z', '2026-11-25\u00a001:02:03Z', '2026-11-25\u200b01:02:03Z',
    ];
    for (const s of cases) assert.equal(isDateTime(s), reference(s), JSON.stringify(s));
  });

  it('agrees with ajv-formats on 200,000 generated near-timestamps', () => {
    const next = prng(3).next;
    const alphabet = '0123456789-:.+TtZz \n';
    let accepted = 0;
    for (let i = 0; i < 200_000; i++) {
      const d = (n: number) => String(Math.floor(next() * n)).padStart(2, '0');
      let s = `${String(Math.floor(next() * 3000)).padStart(4, '0')}-${d(14)}-${d(33)}${'Tt '[Math.floor(next() * 3)]}${d(26)}:${d(62)}:${d(62)}`;
      if (next() < 0.3) s += `.${Math.floor(next() * 1000)}`;
      const zone = next();
      s += zone < 0.4 ? 'Z' : zone < 0.5 ? 'z' : zone < 0.9 ? `${next() < 0.5 ? '+' : '-'}${d(26)}${next() < 0.5 ? ':' : ''}${next() < 0.8 ? d(62) : ''}` : '';
      // Now and then a character changed, dropped or added anywhere.
      if (next() < 0.3) {
        const at = Math.floor(next() * (s.length + 1));
        const c = alphabet[Math.floor(next() * alphabet.length)]!;
        const how = next();
        s = how < 0.33 ? s.slice(0, at) + c + s.slice(at + 1) : how < 0.66 ? s.slice(0, at) + s.slice(at + 1) : s.slice(0, at) + c + s.slice(at);
      }
      const ours = isDateTime(s);
      if (ours !== reference(s)) assert.fail(`${JSON.stringify(s)}: ours ${ours}, ajv-formats ${!ours}`);
      if (ours) accepted++;
    }
    assert.ok(accepted > 20_000 && accepted < 180_000, `${accepted} accepted: both kinds were generated`);
  });
});
