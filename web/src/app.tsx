import { AppHeader } from './app-header.tsx';
import { DashboardPage } from './dashboard-page.tsx';
import { IdTokensPage } from './id-tokens-page.tsx';
import { FirmwarePage } from './firmware-page.tsx';
import { FleetVehiclesPage } from './fleet-vehicles-page.tsx';
import { LoadManagementPage } from './load-management-page.tsx';
import { NavBar } from './nav-bar.tsx';
import { useRoute } from './router.ts';
import { SessionDetailPage } from './session-detail-page.tsx';
import { SessionsPage } from './sessions-page.tsx';
import { SettingsPage } from './settings-page.tsx';
import { StationDetailPage } from './station-detail-page.tsx';
import { StationsPage } from './stations-page.tsx';
import { useLiveStations } from './use-live-stations.ts';

export function App() {
  const live = useLiveStations();
  const route = useRoute();
  const [section = 'stations', id] = route.parts;

  return (
    <>
      <AppHeader stream={live.stream} />
      <NavBar active={section} />
      {section === 'dashboard' ? (
        <DashboardPage stations={live.stations} loaded={live.loaded} />
      ) : section === 'stations' && id ? (
        <StationDetailPage key={id} stationId={id} />
      ) : section === 'sessions' && id ? (
        <SessionDetailPage key={id} id={Number(id)} />
      ) : section === 'sessions' ? (
        <SessionsPage query={route.query} />
      ) : section === 'id-tokens' ? (
        <IdTokensPage />
      ) : section === 'load-management' ? (
        <LoadManagementPage />
      ) : section === 'vehicles' ? (
        <FleetVehiclesPage />
      ) : section === 'firmware' ? (
        <FirmwarePage />
      ) : section === 'settings' ? (
        <SettingsPage section={id} />
      ) : (
        <StationsPage live={live} />
      )}
    </>
  );
}
