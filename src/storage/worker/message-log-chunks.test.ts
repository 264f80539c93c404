import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { decodeFrames, encodeFrame, type LoggedFrameRecord } from './message-log-chunks.ts';

const frameArb = fc.record({
  id: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  at: fc.integer({ min: 0, max: 8.64e15 }),
  direction: fc.constantFrom('in' as const, 'out' as const),
  messageType: fc.constantFrom('CALL', 'CALLRESULT', 'CALLERROR', 'INVALID'),
  // Any text, separators and control characters included: a hostile charger chooses it.
  messageId: fc.string({ unit: 'binary' }),
  action: fc.option(fc.string({ unit: 'binary' }), { nil: null }),
  payload: fc.string({ unit: 'binary', maxLength: 300 }),
});

it('a chunk gives back every frame exactly, whatever its text holds', () => {
  fc.assert(
    fc.property(fc.array(frameArb, { minLength: 1, maxLength: 16 }), (frames: LoggedFrameRecord[]) => {
      const decoded = decodeFrames('CP-1', frames.map(encodeFrame).join(''));
      assert.deepEqual(decoded, frames.map((f) => ({ ...f, stationId: 'CP-1', at: new Date(f.at).toISOString() })));
    }),
    { numRuns: 300 },
  );
});

it('a chunk cut short gives back the frames before the cut', () => {
  const frames = [1, 2, 3].map((id) => encodeFrame({ id, at: 0, direction: 'in', messageType: 'CALL', messageId: `m${id}`, action: '-:9', payload: '12:[2,"x"]' }));
  const text = frames.join('');
  assert.deepEqual(decodeFrames('CP-1', text.slice(0, -3)).map((f) => f.messageId), ['m1', 'm2']);
  assert.deepEqual(decodeFrames('CP-1', `${frames[0]}garbage`).map((f) => f.messageId), ['m1']);
  assert.deepEqual(decodeFrames('CP-1', text).map((f) => [f.action, f.payload]), [['-:9', '12:[2,"x"]'], ['-:9', '12:[2,"x"]'], ['-:9', '12:[2,"x"]']]);
});
