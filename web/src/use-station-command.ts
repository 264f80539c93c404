// Runs a version-neutral command on a station and keeps what the station answered (or why it could not be asked)
// for a CommandResultLine; `busy` while it runs.
import { useState } from 'preact/hooks';
import { describeError } from './api.ts';
import type { CommandResult } from './command-result.tsx';
import { runCommand } from './domain-api.ts';

export interface StationCommand {
  busy: boolean;
  result: CommandResult | null;
  /** True when the station answered (whatever it answered). */
  run(label: string, name: string, params: Record<string, unknown>): Promise<boolean>;
}

export function useStationCommand(stationId: string): StationCommand {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<CommandResult | null>(null);
  const run = async (label: string, name: string, params: Record<string, unknown>) => {
    setBusy(true);
    setResult(null);
    try {
      const outcome = await runCommand(stationId, name, params);
      setResult({ ok: true, label, status: outcome.status });
      return true;
    } catch (error) {
      setResult({ ok: false, label, message: describeError(error) });
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, result, run };
}
