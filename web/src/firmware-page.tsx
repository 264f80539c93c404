// Firmware: the library of images, and updating stations with them (one or many), followed live.
import { fetchStations } from './api.ts';
import { ErrorBanner } from './error-banner.tsx';
import { fetchFirmware, fetchFirmwareStates } from './firmware-api.ts';
import { FirmwareLibrary } from './firmware/firmware-library.tsx';
import { FirmwareRollout } from './firmware/firmware-rollout.tsx';
import { useSession } from './session.tsx';
import { useEventRefresh } from './use-event-refresh.ts';
import { usePoll } from './use-poll.ts';

export function FirmwarePage() {
  // Viewers may look but not upload or update (src/auth/access-rules.ts).
  const canEdit = useSession().user.role !== 'viewer';
  const library = usePoll(fetchFirmware, [], 0);
  const stations = usePoll(fetchStations, [], 30_000);
  const states = usePoll(fetchFirmwareStates, [], 30_000);
  useEventRefresh(['station.job.updated', 'station.firmware.updated'], states.reload);
  useEventRefresh(['station.updated'], stations.reload);
  const error = library.error ?? stations.error ?? states.error;

  return (
    <main class="page" data-testid="firmware-page">
      {error && <ErrorBanner testId="firmware-load-error" title="Could not load firmware." message={error} />}
      <FirmwareLibrary files={library.data?.items} maxBytes={library.data?.maxBytes} canEdit={canEdit} onChanged={library.reload} />
      <FirmwareRollout files={library.data?.items ?? []} stations={stations.data?.items ?? []} states={states.data?.items ?? []} canEdit={canEdit} onStarted={states.reload} />
    </main>
  );
}
