/**
 * The benchmark's baseline: a bare `ws` server that answers every CALL at once with a minimal
 * schema-valid CALLRESULT for its action and stores nothing. It is the ceiling for a Node OCPP
 * server on this machine; Ampyard's figures are reported relative to it.
 *
 *   node scripts/bench/baseline-server.ts [--port 0]     prints "Baseline ready on ws://127.0.0.1:<port>/ocpp"
 */
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';
import { minimalAnswer, SUBPROTOCOLS } from './minimal-answers.ts';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } } });

const wss = new WebSocketServer({
  host: values.host,
  port: Number(values.port),
  perMessageDeflate: false,
  clientTracking: false,
  maxPayload: 4 * 1024 * 1024,
  handleProtocols: (offered) => {
    for (const p of offered) if (SUBPROTOCOLS.includes(p)) return p;
    return false;
  },
});

wss.on('connection', (ws) => {
  const version = ws.protocol;
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (!Array.isArray(msg) || msg[0] !== 2 || typeof msg[1] !== 'string' || typeof msg[2] !== 'string') return;
    ws.send(JSON.stringify([3, msg[1], minimalAnswer(version, msg[2])]));
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
