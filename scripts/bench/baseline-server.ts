/**
 * The benchmark's baseline: a bare `ws` server that answers every CALL at once with a minimal
 * schema-valid CALLRESULT for its action and stores nothing. It is the ceiling for a Node OCPP
 * server on this machine; Ampyard's figures are reported relative to it.
 *
 *   node scripts/bench/baseline-server.ts [--port 0]     prints "Baseline ready on ws://127.0.0.1:<port>/ocpp"
 */
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { minimalAnswer, minimalOcppServer, readCall } from './minimal-answers.ts';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } } });

const wss = minimalOcppServer(values.host, Number(values.port));

wss.on('connection', (ws) => {
  const version = ws.protocol;
  ws.on('message', (data, isBinary) => {
    const call = readCall(data, isBinary);
    if (call) ws.send(JSON.stringify([3, call.id, minimalAnswer(version, call.action)]));
  });
  ws.on('error', () => {});
});

wss.on('listening', () => {
  const { port } = wss.address() as AddressInfo;
  process.stdout.write(`Baseline ready on ws://${values.host}:${port}/ocpp\n`);
});

// Nothing to save: stopping is exiting (the connections drop as if the machine restarted).
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
