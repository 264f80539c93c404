// A station's firmware: the version it reports, its latest update status, and its recent update jobs with each
// status the station reported (live); the update itself is started on the Firmware page.
import { fetchFirmwareJobs, firmwareStatusText } from './firmware-api.ts';
import { formatDateTime } from './format.ts';
import { href } from './router.ts';
import { forStation, useEventRefresh } from './use-event-refresh.ts';
import { usePoll } from './use-poll.ts';

export function StationFirmware({ stationId }: { stationId: string }) {
  const jobs = usePoll(() => fetchFirmwareJobs(stationId), [stationId], 30_000);
  useEventRefresh(['station.job.updated', 'station.firmware.updated', 'station.updated'], jobs.reload, forStation(stationId));
  const data = jobs.data;
  return (
    <section class="panel" data-testid="station-firmware">
      <header class="panel__header">
        <h2>Firmware</h2>
        <a class="panel__hint" href={href('firmware')}>
          Update firmware
        </a>
      </header>
      {jobs.error && <p class="result result--error">{jobs.error}</p>}
      {data && (
        <>
          <p class="panel__note" data-testid="station-firmware-current">
            Version {data.firmwareVersion ?? 'not reported'}
            {data.current ? ` · last update status: ${firmwareStatusText(data.current.status)} (${formatDateTime(data.current.at)})` : ''}
          </p>
          {data.items.length === 0 ? (
            <p class="empty">No firmware update started from Ampyard.</p>
          ) : (
            <ul class="plain-list">
              {data.items.map((job) => (
                <li key={job.id} data-testid="firmware-job" data-state={job.state}>
                  <strong>{formatDateTime(job.createdAt)}</strong>: {firmwareStatusText(job.status)} ({job.state})
                  <ol class="job-history">
                    {job.history.map((h, i) => (
                      <li key={i}>
                        {formatDateTime(h.at)} {firmwareStatusText(h.status)}
                        {h.source === 'ampyard' ? ' (Ampyard)' : ''}
                        {h.detail ? `: ${h.detail}` : ''}
                      </li>
                    ))}
                  </ol>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
