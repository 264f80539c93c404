import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../log/logger.ts';
import type { OcppVersion } from '../versions.ts';
import { RpcConnection } from './connection.ts';
import { CallErrorResponse, CallTimeoutError, ConnectionClosedError, OutgoingSchemaError, RpcError } from './errors.ts';
import type { Payload } from './frames.ts';
import { SchemaRegistry } from './schemas.ts';

const schemas = new SchemaRegistry();
const log = createLogger('silent');

function harness(version: OcppVersion, handleCall: (action: string, payload: Payload) => Payload | Promise<Payload> = () => ({ currentTime: new Date().toISOString() }), callTimeoutMs = 1000) {
  const sent: unknown[][] = [];
  const rpc = new RpcConnection({ send: (text) => sent.push(JSON.parse(text)) }, { version, schemas, callTimeoutMs, handleCall, log });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
  return { rpc, sent, settle };
}

const boot16 = { chargePointVendor: 'V', chargePointModel: 'M' };

async function errorFor(version: OcppVersion, text: string, handleCall?: (action: string, payload: Payload) => Payload | Promise<Payload>) {
  const { rpc, sent, settle } = harness(version, handleCall);
  rpc.receive(text);
  await settle();
  assert.equal(sent.length, 1, `expected exactly one answer to ${text}`);
  const frame = sent[0]!;
  assert.equal(frame[0], 4, `expected a CALLERROR, got ${JSON.stringify(frame)}`);
  assert.equal(frame.length, 5);
  assert.equal(typeof frame[3], 'string');
  assert.equal(typeof frame[4], 'object');
  return { id: frame[1], code: frame[2] };
}

describe('RPC layer: CALLERROR for each kind of bad message', () => {
  const cases: Array<{ name: string; text: string; text201?: string; id: string; v16: string; v201: string }> = [
    { name: 'not JSON', text: '[2,"a1","Heartbeat",{', id: '-1', v16: 'FormationViolation', v201: 'RpcFrameworkError' },
    { name: 'JSON but not an array', text: '{"hello":1}', id: '-1', v16: 'FormationViolation', v201: 'RpcFrameworkError' },
    { name: 'message id missing', text: '[2]', id: '-1', v16: 'FormationViolation', v201: 'RpcFrameworkError' },
    { name: 'message id not a string', text: '[2,17,"Heartbeat",{}]', id: '-1', v16: 'FormationViolation', v201: 'RpcFrameworkError' },
    { name: 'CALL with too few elements', text: '[2,"a2","Heartbeat"]', id: 'a2', v16: 'FormationViolation', v201: 'RpcFrameworkError' },
    { name: 'action not a string', text: '[2,"a3",5,{}]', id: 'a3', v16: 'FormationViolation', v201: 'RpcFrameworkError' },
    { name: 'payload not an object', text: '[2,"a4","Heartbeat",[1]]', id: 'a4', v16: 'FormationViolation', v201: 'FormatViolation' },
    { name: 'unknown message type', text: '[9,"a5","Heartbeat",{}]', id: 'a5', v16: 'FormationViolation', v201: 'MessageTypeNotSupported' },
    { name: 'unknown action', text: '[2,"a6","MakeCoffee",{}]', id: 'a6', v16: 'NotImplemented', v201: 'NotImplemented' },
    { name: 'required field missing', text: '[2,"a7","StatusNotification",{}]', id: 'a7', v16: 'OccurenceConstraintViolation', v201: 'OccurrenceConstraintViolation' },
    {
      name: 'wrong type',
      text: '[2,"a8","StatusNotification",{"connectorId":"one","errorCode":"NoError","status":"Available"}]',
      text201: '[2,"a8","StatusNotification",{"timestamp":"2026-01-01T00:00:00Z","connectorStatus":"Available","evseId":"one","connectorId":1}]',
      id: 'a8', v16: 'TypeConstraintViolation', v201: 'TypeConstraintViolation',
    },
    {
      name: 'value not in enum',
      text: '[2,"a9","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Sleeping"}]',
      text201: '[2,"a9","BootNotification",{"reason":"Bored","chargingStation":{"model":"M","vendorName":"V"}}]',
      id: 'a9', v16: 'PropertyConstraintViolation', v201: 'PropertyConstraintViolation',
    },
    { name: 'unknown property', text: '[2,"a10","Heartbeat",{"extra":1}]', id: 'a10', v16: 'FormationViolation', v201: 'FormatViolation' },
  ];
  for (const c of cases) {
    it(`${c.name} → 1.6 ${c.v16}, 2.0.1 ${c.v201}`, async () => {
      const v16 = await errorFor('1.6', c.text);
      assert.deepEqual(v16, { id: c.id, code: c.v16 });
      const v201 = await errorFor('2.0.1', c.text201 ?? c.text);
      assert.deepEqual(v201, { id: c.id, code: c.v201 });
    });
  }

  it('string too long → PropertyConstraintViolation', async () => {
    const text = JSON.stringify([2, 'b1', 'BootNotification', { chargePointVendor: 'V'.repeat(21), chargePointModel: 'M' }]);
    assert.deepEqual(await errorFor('1.6', text), { id: 'b1', code: 'PropertyConstraintViolation' });
  });

  it('action known but not handled → NotSupported; handler RpcError kinds are spelled per version', async () => {
    const notSupported = () => {
      throw new RpcError('NotSupported', 'no');
    };
    assert.deepEqual(await errorFor('1.6', '[2,"c1","Heartbeat",{}]', notSupported), { id: 'c1', code: 'NotSupported' });
    const security = () => {
      throw new RpcError('SecurityError', 'pending');
    };
    assert.deepEqual(await errorFor('2.0.1', '[2,"c2","Heartbeat",{}]', security), { id: 'c2', code: 'SecurityError' });
  });

  it('a handler that crashes → InternalError, and the connection keeps working', async () => {
    let first = true;
    const { rpc, sent, settle } = harness('1.6', () => {
      if (first) {
        first = false;
        throw new TypeError('boom');
      }
      return { currentTime: '2026-01-01T00:00:00.000Z' };
    });
    rpc.receive('[2,"d1","Heartbeat",{}]');
    rpc.receive('[2,"d2","Heartbeat",{}]');
    await settle();
    assert.deepEqual(sent[0]!.slice(0, 3), [4, 'd1', 'InternalError']);
    assert.deepEqual(sent[1], [3, 'd2', { currentTime: '2026-01-01T00:00:00.000Z' }]);
  });

  it('a response of ours that breaks the schema is never sent; InternalError instead', async () => {
    assert.deepEqual(await errorFor('2.0.1', '[2,"e1","Heartbeat",{}]', () => ({ currentTime: 42 })), { id: 'e1', code: 'InternalError' });
  });

  it('binary frames → CALLERROR with id -1', () => {
    for (const [version, code] of [['1.6', 'FormationViolation'], ['2.0.1', 'RpcFrameworkError']] as const) {
      const { rpc, sent } = harness(version);
      rpc.receiveBinary();
      assert.deepEqual(sent[0]!.slice(0, 3), [4, '-1', code]);
    }
  });

  it('malformed CALLRESULT/CALLERROR and answers to unknown ids are ignored, not answered', async () => {
    const { rpc, sent, settle } = harness('2.0.1');
    rpc.receive('[3,"never-sent",{}]');
    rpc.receive('[4,"never-sent","GenericError","",{}]');
    rpc.receive('[3,"x"]');
    rpc.receive('[4,"x",7]');
    await settle();
    assert.deepEqual(sent, []);
  });

  it('OCPP 2.1 SEND (type 6) is delivered without an answer; 2.0.1 refuses type 6', async () => {
    const delivered: string[] = [];
    const sent: unknown[][] = [];
    const rpc = new RpcConnection({ send: (t) => sent.push(JSON.parse(t)) }, {
      version: '2.1', schemas, callTimeoutMs: 1000, log, handleCall: () => ({}), handleSend: (action) => delivered.push(action),
    });
    rpc.receive(JSON.stringify([6, 's1', 'NotifyPeriodicEventStream', { id: 1, pending: 0, basetime: '2026-01-01T00:00:00Z', data: [{ t: 0, v: '1' }] }]));
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(delivered, ['NotifyPeriodicEventStream']);
    assert.deepEqual(sent, []);
    assert.deepEqual(await errorFor('2.0.1', '[6,"s2","NotifyPeriodicEventStream",{}]'), { id: 's2', code: 'MessageTypeNotSupported' });
  });
});

describe('RPC layer: calls to the station', () => {
  it('answers CALLs in order even when handlers finish out of order', async () => {
    const { rpc, sent, settle } = harness('1.6', async (_a, p) => {
      await new Promise((r) => setTimeout(r, p['connectorId'] === 1 ? 30 : 0));
      return {};
    });
    const status = (id: number) => JSON.stringify([2, `s${id}`, 'StatusNotification', { connectorId: id, errorCode: 'NoError', status: 'Available' }]);
    rpc.receive(status(1));
    rpc.receive(status(2));
    await new Promise((r) => setTimeout(r, 60));
    await settle();
    assert.deepEqual(sent.map((f) => f[1]), ['s1', 's2']);
  });

  it('keeps one CALL outstanding, queues the rest, correlates by id', async () => {
    const { rpc, sent } = harness('1.6');
    const first = rpc.call('Reset', { type: 'Soft' });
    const second = rpc.call('ClearCache', {});
    assert.equal(sent.length, 1, 'second CALL must wait for the first answer');
    const [, id1, action1] = sent[0]!;
    assert.equal(action1, 'Reset');
    rpc.receive(JSON.stringify([3, id1, { status: 'Accepted' }]));
    assert.deepEqual(await first, { status: 'Accepted' });
    assert.equal(sent.length, 2);
    const [, id2, action2] = sent[1]!;
    assert.equal(action2, 'ClearCache');
    assert.notEqual(id1, id2);
    rpc.receive(JSON.stringify([4, id2, 'NotSupported', 'nope', {}]));
    await assert.rejects(second, (e: unknown) => e instanceof CallErrorResponse && e.code === 'NotSupported');
  });

  it('times out, then sends the next queued CALL', async () => {
    const { rpc, sent } = harness('1.6', undefined, 30);
    const first = rpc.call('ClearCache', {});
    const second = rpc.call('ClearCache', {});
    await assert.rejects(first, CallTimeoutError);
    assert.equal(sent.length, 2);
    rpc.receive(JSON.stringify([3, sent[1]![1], { status: 'Accepted' }]));
    assert.deepEqual(await second, { status: 'Accepted' });
  });

  it('a late answer to a timed-out CALL does not resolve the next one', async () => {
    const { rpc, sent } = harness('1.6', undefined, 20);
    const first = rpc.call('ClearCache', {});
    await assert.rejects(first, CallTimeoutError);
    const second = rpc.call('ClearCache', {});
    rpc.receive(JSON.stringify([3, sent[0]![1], { status: 'Rejected' }]));
    rpc.receive(JSON.stringify([3, sent[1]![1], { status: 'Accepted' }]));
    assert.deepEqual(await second, { status: 'Accepted' });
  });

  it('refuses to send a CALL that breaks the schema, and rejects a station answer that breaks it', async () => {
    const { rpc, sent } = harness('2.0.1');
    await assert.rejects(rpc.call('Reset', { type: 'Sideways' }), OutgoingSchemaError);
    assert.equal(sent.length, 0);
    const call = rpc.call('Reset', { type: 'Immediate' });
    rpc.receive(JSON.stringify([3, sent[0]![1], { status: 'Maybe' }]));
    await assert.rejects(call, (e: unknown) => e instanceof CallErrorResponse && e.code === 'PropertyConstraintViolation');
  });

  it('closing fails pending and queued calls, and later calls', async () => {
    const { rpc } = harness('1.6');
    const a = rpc.call('ClearCache', {});
    const b = rpc.call('ClearCache', {});
    rpc.close();
    await assert.rejects(a, ConnectionClosedError);
    await assert.rejects(b, ConnectionClosedError);
    await assert.rejects(rpc.call('ClearCache', {}), ConnectionClosedError);
  });
});

describe('RPC layer: tolerance of real chargers', () => {
  it('accepts a timestamp without zone and numbers sent as strings, repaired, and reports the repair', async () => {
    const seen: Payload[] = [];
    const repairs: string[][] = [];
    const sent: unknown[][] = [];
    const rpc = new RpcConnection({ send: (t) => sent.push(JSON.parse(t)) }, {
      version: '1.6', schemas, callTimeoutMs: 1000, log,
      handleCall: (_a, p) => {
        seen.push(p);
        return {};
      },
      onRepair: (_a, r) => repairs.push(r),
    });
    rpc.receive('[2,"r1","StatusNotification",{"connectorId":"2","errorCode":"NoError","status":"Available","timestamp":"2026-03-01 08:30:00.123456"}]');
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(sent, [[3, 'r1', {}]]);
    assert.deepEqual(seen, [{ connectorId: 2, errorCode: 'NoError', status: 'Available', timestamp: '2026-03-01T08:30:00.123Z' }]);
    assert.equal(repairs[0]!.length, 2);
  });

  it('does not repair what cannot be read safely', async () => {
    assert.deepEqual(await errorFor('1.6', '[2,"r2","StatusNotification",{"connectorId":"1.5","errorCode":"NoError","status":"Available"}]'), { id: 'r2', code: 'TypeConstraintViolation' });
    assert.deepEqual(await errorFor('1.6', '[2,"r3","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Available","timestamp":"yesterday"}]'), { id: 'r3', code: 'PropertyConstraintViolation' });
  });
});
