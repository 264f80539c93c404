import { Socket } from 'node:net';
import Modbus from 'jsmodbus';
import type { PerPhase } from '../core/index.ts';
import type { ModbusSource } from '../site/model.ts';
import { blockOf, decodeField, METER_PRESETS, type RegisterMap } from './register-maps.ts';

export interface PollResult {
  currentA: PerPhase;
  powerW: PerPhase | null;
}

export function registerMapOf(source: ModbusSource): RegisterMap {
  const map = source.registers ?? (source.preset ? METER_PRESETS[source.preset] : undefined);
  if (!map) throw new Error(`no register map: unknown preset ${source.preset ?? '(none)'}`);
  return map;
}

/**
 * Polls one Modbus TCP energy meter (npm jsmodbus as the client) every `pollSeconds`: one block read of the
 * registers its map names. The connection is kept open and made again after any failure; a read that takes
 * longer than `timeoutMs` fails. Readings and failures go to the callbacks; silence is judged by the caller.
 */
export class ModbusPoller {
  private readonly source: ModbusSource;
  private readonly map: RegisterMap;
  private readonly onReading: (reading: PollResult, at: number) => void;
  private readonly onError: (message: string) => void;
  private socket: Socket | undefined;
  private client: InstanceType<typeof Modbus.client.TCP> | undefined;
  private connected: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(source: ModbusSource, onReading: (reading: PollResult, at: number) => void, onError: (message: string) => void) {
    this.source = source;
    this.map = registerMapOf(source);
    this.onReading = onReading;
    this.onError = onError;
  }

  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.drop();
  }

  /** One read now (also what each poll does). */
  async poll(): Promise<PollResult> {
    await this.connect();
    const { start, count } = blockOf(this.map);
    const client = this.client!;
    const request = this.map.table === 'input' ? client.readInputRegisters(start, count) : client.readHoldingRegisters(start, count);
    const answer = await request;
    const block = answer.response.body.valuesAsBuffer as Buffer;
    const read = (fields: RegisterMap['currentA']) => fields.map((f) => round(decodeField(block, start, f))) as PerPhase;
    return { currentA: read(this.map.currentA), powerW: this.map.powerW ? read(this.map.powerW) : null };
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.poll()
        .then((reading) => this.onReading(reading, Date.now()))
        .catch((error: unknown) => {
          this.drop();
          this.onError(describe(error));
        })
        .finally(() => this.schedule(this.source.pollSeconds * 1000));
    }, delayMs);
    this.timer.unref();
  }

  private connect(): Promise<void> {
    if (this.connected) return this.connected;
    const socket = new Socket();
    this.socket = socket;
    this.client = new Modbus.client.TCP(socket, this.source.unitId, this.source.timeoutMs);
    this.connected = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no connection to ${this.source.host}:${this.source.port} within ${this.source.timeoutMs} ms`)), this.source.timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    socket.on('close', () => {
      if (this.socket === socket) this.drop();
    });
    socket.on('error', () => undefined);
    socket.connect({ host: this.source.host, port: this.source.port });
    return this.connected;
  }

  private drop(): void {
    this.socket?.destroy();
    this.socket = undefined;
    this.client = undefined;
    this.connected = undefined;
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  // jsmodbus rejects with { err, message } objects (e.g. a timeout, or the meter's exception code).
  const e = error as { err?: string; message?: string; response?: { body?: { code?: number } } };
  return [e.err, e.message, e.response?.body?.code !== undefined ? `exception ${e.response.body.code}` : undefined].filter(Boolean).join(': ') || String(error);
}
