import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
});
