import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prng, testSeed } from '../testing/prng.ts';
import { normalizeTimestamp } from './time.ts';

describe("a charger's timestamps", () => {
  const receivedAt = new Date('2026-11-25T12:00:00.000Z');
  it('are kept as ISO 8601 UTC with milliseconds, whatever zone and precision they came in', () => {
    const cases: Array<[unknown, string]> = [
      ['2026-11-25T01:02:03.456Z', '2026-11-25T01:02:03.456Z'],
      ['2026-11-25T01:02:03Z', '2026-11-25T01:02:03.000Z'],
      ['2026-11-25t01:02:03z', '2026-11-25T01:02:03.000Z'],
      [' 2026-11-25T01:02:03.1Z ', '2026-11-25T01:02:03.100Z'],
      ['2026-11-25T01:02:03+01:00', '2026-11-25T00:02:03.000Z'],
      ['2026-11-25T01:02:03-0130', '2026-11-25T02:32:03.000Z'],
      // Without a zone: taken as UTC.
      ['2026-11-25T01:02:03', '2026-11-25T01:02:03.000Z'],
      [' 2026-11-25T01:02:03.25 ', '2026-11-25T01:02:03.250Z'],
    ];
    for (const [sent, kept] of cases) assert.equal(normalizeTimestamp(sent, receivedAt), kept, String(sent));
  });

  it('fall back to the time of receipt when missing or unreadable', () => {
    for (const sent of [undefined, null, '', '   ', 'yesterday', '2026-13-45T99:00:00Z', 1732500000]) {
      assert.equal(normalizeTimestamp(sent, receivedAt), receivedAt.toISOString(), String(sent));
    }
    const before = Date.now();
    const now = Date.parse(normalizeTimestamp('garbage'));
    assert.ok(now >= before && now <= Date.now() + 1, 'the current time when none is given');
  });

  it('in the canonical form are kept as they are only when they are a real time (the same as parsing them)', () => {
    // What normalizeTimestamp did before its shortcut for canonical timestamps: parse and format again.
    const parsed = (text: string) => {
      const trimmed = text.trim();
      const at = Date.parse(/(z|[+-]\d{2}:?\d{2})$/i.test(trimmed) ? trimmed : `${trimmed}Z`);
      return trimmed === '' || Number.isNaN(at) ? receivedAt.toISOString() : new Date(at).toISOString();
    };
    const random = prng(testSeed(11));
    const two = (n: number) => String(n).padStart(2, '0');
    for (let n = 0; n < 20_000; n++) {
      const year = random.pick([1970, 1999, 2000, 2024, 2026, 2100, 2400, 9999, random.int(0, 9999)]);
      let text = `${String(year).padStart(4, '0')}-${two(random.int(0, 13))}-${two(random.int(0, 32))}T${two(random.int(0, 25))}:${two(random.int(0, 61))}:${two(random.int(0, 61))}.${String(random.int(0, 999)).padStart(3, '0')}Z`;
      if (random.chance(0.1)) {
        const at = random.int(0, text.length - 1);
        text = text.slice(0, at) + random.pick(['x', '-', ':', ' ', '/', '9', 'Z', '.']) + text.slice(at + 1);
      }
      assert.equal(normalizeTimestamp(text, receivedAt), parsed(text), text);
    }
    assert.equal(normalizeTimestamp('2024-02-29T23:59:59.999Z', receivedAt), '2024-02-29T23:59:59.999Z');
  });
});
