import type { Station } from './station-types.ts';

/** Headline numbers for the accepted stations: stations by state, connectors by state. */
export function FleetSummary({ stations }: { stations: Station[] }) {
  const connectors = stations.flatMap((s) => s.evses.flatMap((e) => e.connectors));
  const figures = [
    { label: 'Stations', value: stations.length, testId: 'summary-stations' },
    { label: 'Connected', value: stations.filter((s) => s.connected).length, testId: 'summary-connected' },
    { label: 'Offline', value: stations.filter((s) => !s.connected).length, testId: 'summary-offline' },
    { label: 'Available', value: connectors.filter((c) => c.status === 'available').length, testId: 'summary-available' },
    { label: 'Charging', value: connectors.filter((c) => c.status === 'charging').length, testId: 'summary-charging' },
    { label: 'Suspended', value: connectors.filter((c) => c.status === 'suspended_ev' || c.status === 'suspended_evse').length, testId: 'summary-suspended' },
    {
      label: 'Faulted',
      value: connectors.filter((c) => c.status === 'faulted').length + stations.filter((s) => s.status === 'faulted').length,
      testId: 'summary-faulted',
    },
  ];
  return (
    <dl class="summary" data-testid="fleet-summary">
      {figures.map((f) => (
        <div key={f.label} class={`summary__item${f.label === 'Faulted' && f.value > 0 ? ' summary__item--alert' : ''}`}>
          <dt>{f.label}</dt>
          <dd data-testid={f.testId}>{f.value}</dd>
        </div>
      ))}
    </dl>
  );
}
