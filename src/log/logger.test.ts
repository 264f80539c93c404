import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from './logger.ts';

describe('logger', () => {
  it('writes one line per message at or above its level, with the fields of its parents and its own', () => {
    const lines: string[] = [];
    const log = createLogger('info', { app: 'ampyard' }, (line) => lines.push(line));
    const station = log.child({ station: 'CP 1' });
    log.debug('not written');
    station.info('connected', { version: '1.6' });
    station.warn('slow', { error: new Error('no answer') });
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^\d{4}-\d\d-\d\dT\S+Z INFO  connected app=ampyard station="CP 1" version=1\.6$/);
    assert.match(lines[1]!, / WARN  slow app=ampyard station="CP 1" error="no answer"$/);
    createLogger('silent', {}, (line) => lines.push(line)).error('never');
    assert.equal(lines.length, 2);
  });
});
