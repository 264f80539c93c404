// A station's logs: ask it to upload its diagnostics (any OCPP version) or its security log (1.6 security
// extension, 2.x), follow each request's status live, and download what it uploaded.
import { CommandResultLine } from './command-result.tsx';
import { fetchLogJobs, fileHref, firmwareStatusText } from './firmware-api.ts';
import { formatBytes } from './format-bytes.ts';
import { formatDateTime } from './format.ts';
import { useSession } from './session.tsx';
import type { Station } from './station-types.ts';
import { forStation, useEventRefresh } from './use-event-refresh.ts';
import { usePoll } from './use-poll.ts';
import { useStationCommand } from './use-station-command.ts';

export function StationLogs({ station }: { station: Station }) {
  const canAsk = useSession().user.role !== 'viewer';
  const jobs = usePoll(() => fetchLogJobs(station.id), [station.id], 30_000);
  useEventRefresh(['station.job.updated', 'station.file.received'], jobs.reload, forStation(station.id));
  const { busy, result, run } = useStationCommand(station.id);
  const ask = async (label: string, name: string, params: Record<string, unknown>) => {
    if (await run(label, name, params)) jobs.reload();
  };

  return (
    <section class="panel" data-testid="station-logs">
      <header class="panel__header">
        <h2>Logs</h2>
        {canAsk && (
          <div class="actions__group">
            <button class="button" disabled={busy || !station.connected} onClick={() => void ask('Diagnostics', 'getDiagnostics', {})} data-testid="logs-diagnostics">
              Get diagnostics
            </button>
            <button class="button" disabled={busy || !station.connected} onClick={() => void ask('Security log', 'getLog', { logType: 'security' })} data-testid="logs-security">
              Get security log
            </button>
          </div>
        )}
      </header>
      <CommandResultLine result={result} />
      {jobs.error && <p class="result result--error">{jobs.error}</p>}
      {jobs.data && jobs.data.items.length === 0 ? (
        <p class="empty">No log requested yet. The station uploads it to Ampyard; it then appears here to download.</p>
      ) : (
        <ul class="plain-list">
          {jobs.data?.items.map((job) => (
            <li key={job.id} data-testid="log-job" data-state={job.state}>
              <strong>{formatDateTime(job.createdAt)}</strong> {job.kind === 'log' ? 'log' : 'diagnostics'}: {firmwareStatusText(job.status)} ({job.state})
              {job.files.map((f) => (
                <div key={f.id}>
                  <a href={fileHref(station.id, f.id)} download={f.name} data-testid="log-file">
                    {f.name}
                  </a>{' '}
                  <span class="muted">
                    {formatBytes(f.size)}, received {formatDateTime(f.receivedAt)}
                  </span>
                </div>
              ))}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
