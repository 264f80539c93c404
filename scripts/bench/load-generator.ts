/**
 * The load generator process: simulated stations driven by the benchmark runner over IPC, so that the
 * stations never share an event loop with the server being measured. Started by generator-client.ts.
 * Each request is { id, cmd, ...args } and gets { id, ok: true, result } or { id, ok: false, error }.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { OcppCallError, SimStation, type OcppVersion } from '../sim/station.ts';
import { LoadFleet, WindowRecorder, type LoadOptions, type VersionBehaviour } from './load-fleet.ts';

export interface ProbeResult {
  behaviour: Record<string, VersionBehaviour>;
  notes: string[];
}

type Request =
  | { cmd: 'probe'; url: string; versions: OcppVersion[] }
  | { cmd: 'configure'; options: LoadOptions }
  | { cmd: 'grow'; total: number; concurrency: number; timeoutMs: number }
  | { cmd: 'setMeterInterval'; sec: number }
  | { cmd: 'window'; seconds: number }
  | { cmd: 'beginWindow' }
  | { cmd: 'endWindow' }
  | { cmd: 'expectClose' }
  | { cmd: 'closeAll' }
  | { cmd: 'destroyAll' }
  | { cmd: 'storm'; url: string; total: number; timeoutMs: number }
  | { cmd: 'churn'; sessions: number; rounds: number; holdSec: number }
  | { cmd: 'churnStations'; sessions: number }
  | { cmd: 'totals' }
  | { cmd: 'exit' };

let fleet: LoadFleet | undefined;
let recorder = new WindowRecorder();
/** Sessions started by fleets replaced since the last configure. */
let earlierStarts = 0;

function current(): LoadFleet {
  if (!fleet) throw new Error('configure first');
  return fleet;
}

function describeFailure(err: unknown): string {
  if (err instanceof OcppCallError) return `CALLERROR ${err.code}`;
  return (err as Error).message;
}

/** Does the server take what a version's stations would send? Decides the load mix for every server in the run. */
async function probe(url: string, versions: OcppVersion[]): Promise<ProbeResult> {
  const behaviour: Record<string, VersionBehaviour> = {};
  const notes: string[] = [];
  for (const version of versions) {
    const station = new SimStation({ url, id: `BENCH-PROBE-${version.replace(/\./g, '')}`, version, callTimeoutMs: 5000 });
    const b: VersionBehaviour = { transactions: false, meterValues: false };
    try {
      await station.connect();
      await station.runBootSequence({ noHeartbeatLoop: true });
      try {
        if (version === '1.6') {
          const res = await station.startTransaction(1, 'PROBE', 0);
          await station.stopTransaction(res.transactionId as number, 1);
        } else {
          const transactionId = `probe-${Date.now()}`;
          await station.transactionEvent('Started', { transactionId, evseId: 1, seqNo: 0, triggerReason: 'Authorized', energyWh: 0, idToken: 'PROBE', chargingState: 'Charging' });
          await station.transactionEvent('Ended', { transactionId, evseId: 1, seqNo: 1, triggerReason: 'EVDeparted', energyWh: 1, stoppedReason: 'Local' });
        }
        b.transactions = true;
      } catch (err) {
        notes.push(`OCPP ${version} ${version === '1.6' ? 'StartTransaction/StopTransaction' : 'TransactionEvent'}: ${describeFailure(err)}`);
      }
      try {
        await station.meterValues(1, 1);
        b.meterValues = true;
      } catch (err) {
        notes.push(`OCPP ${version} MeterValues: ${describeFailure(err)}`);
      }
      await station.statusNotification(1, 'Available');
    } catch (err) {
      notes.push(`OCPP ${version} probe station could not boot: ${describeFailure(err)}`);
    } finally {
      await station.close().catch(() => undefined);
    }
    behaviour[version] = b;
  }
  return { behaviour, notes };
}

async function handle(req: Request): Promise<unknown> {
  switch (req.cmd) {
    case 'probe':
      return probe(req.url, req.versions);
    case 'configure':
      if (fleet) await fleet.destroyAll();
      recorder = new WindowRecorder();
      earlierStarts = 0;
      fleet = new LoadFleet(req.options, recorder);
      return null;
    case 'grow':
      return current().grow(req.total, req.concurrency, req.timeoutMs);
    case 'setMeterInterval':
      current().setMeterInterval(req.sec);
      return null;
    case 'window': {
      const f = current();
      f.beginWindow();
      await sleep(req.seconds * 1000);
      return f.endWindow();
    }
    case 'beginWindow':
      current().beginWindow();
      return null;
    case 'endWindow':
      return current().endWindow();
    case 'expectClose':
      current().expectClose();
      return null;
    case 'closeAll':
      await current().closeAll();
      return null;
    case 'destroyAll':
      await current().destroyAll();
      return null;
    case 'storm': {
      const old = current();
      await old.destroyAll();
      earlierStarts += old.sessionsStarted();
      fleet = new LoadFleet({ ...old.options, url: req.url }, recorder);
      fleet.beginWindow();
      return fleet.storm(req.total, req.timeoutMs);
    }
    case 'churn':
      return current().churn(req.sessions, req.rounds, req.holdSec);
    case 'churnStations':
      return current().churnStations(req.sessions);
    case 'totals':
      return { ...Object.fromEntries(recorder.totals), sessionsStarted: earlierStarts + current().sessionsStarted() };
    case 'exit':
      if (fleet) await fleet.destroyAll();
      setImmediate(() => process.exit(0));
      return null;
  }
}

process.on('message', (msg: { id: number } & Request) => {
  handle(msg).then(
    (result) => process.send!({ id: msg.id, ok: true, result }),
    (err: Error) => process.send!({ id: msg.id, ok: false, error: err.stack ?? err.message }),
  );
});
process.on('disconnect', () => process.exit(0));
