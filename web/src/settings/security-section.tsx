// Security: the site CA chargers must trust, the TLS listener and policy, and each station's profile and password (admins only).
import { DataTable } from '../data-table.tsx';
import { useState } from 'preact/hooks';
import { formatDateTime } from '../format.ts';
import { href } from '../router.ts';
import { usePoll } from '../use-poll.ts';
import { SecretOnce } from './secret-once.tsx';
import { fetchSecurity, fetchStationSecurity, newStationPassword, setStationProfile, type StationSecurityRecord } from './settings-api.ts';
import { useRowAction } from './use-row-action.tsx';

const PROFILES = [
  { value: '', label: 'site policy' },
  { value: '0', label: '0 · no authentication' },
  { value: '1', label: '1 · password' },
  { value: '2', label: '2 · TLS + password' },
  { value: '3', label: '3 · TLS client certificate' },
];

export function SecuritySection() {
  const overview = usePoll(fetchSecurity, [], 0);
  const stations = usePoll(fetchStationSecurity, [], 10000);
  const action = useRowAction(stations.reload);
  const [password, setPassword] = useState<{ station: string; value: string } | null>(null);
  const o = overview.data;
  return (
    <>
      <section class="panel" data-testid="security-section">
        <header class="panel__header">
          <h2>Site CA and TLS</h2>
        </header>
        {o && (
          <dl class="facts">
            <dt>CA</dt>
            <dd>
              {o.ca.subject} {o.ca.imported ? '(imported)' : '(made by Ampyard)'}
            </dd>
            <dt>Fingerprint (SHA-256)</dt>
            <dd class="mono">{o.ca.fingerprintSha256}</dd>
            <dt>Valid until</dt>
            <dd>{formatDateTime(o.ca.notAfter)}</dd>
            <dt>TLS listener</dt>
            <dd>{o.tls.enabled ? `port ${o.tls.port}` : 'off'}</dd>
            <dt>Unconfigured stations need</dt>
            <dd>{o.policy.unconfiguredStationsNeed}</dd>
          </dl>
        )}
      </section>
      <section class="panel">
        <header class="panel__header">
          <h2>Station security</h2>
        </header>
        <p class="panel__note">The lowest profile Ampyard accepts from each station, and the password it expects. Upgrades over OCPP and certificates are on each station's page.</p>
        {action.view}
        {password && <SecretOnce label={`Password for ${password.station} (enter it on the charger).`} secret={password.value} testId="station-password" onDone={() => setPassword(null)} />}
        {stations.data?.items.length === 0 ? (
          <p class="empty">No station has connected yet.</p>
        ) : (
          <DataTable testId="station-security-table" columns={['Station', 'Required profile', 'Last connected with', 'Password', '']}>
            {stations.data?.items.map((s) => (
              <StationSecurityRow key={s.stationId} station={s} run={action.run} onPassword={(value) => setPassword({ station: s.stationId, value })} />
            ))}
          </DataTable>
        )}
      </section>
    </>
  );
}

function StationSecurityRow({ station: s, run, onPassword }: { station: StationSecurityRecord; run: (work: () => Promise<unknown>, done?: string) => void; onPassword: (password: string) => void }) {
  return (
    <tr data-testid="station-security-row">
      <td>
        <a href={href('stations', s.stationId)}>{s.stationId}</a>
      </td>
      <td>
        <select
          aria-label={`Required security profile of ${s.stationId}`}
          value={s.securityProfile === null ? '' : String(s.securityProfile)}
          onChange={(e) => {
            const value = e.currentTarget.value;
            run(() => setStationProfile(s.stationId, value === '' ? null : Number(value)), `Profile of ${s.stationId} saved.`);
          }}
        >
          {PROFILES.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
        {s.pendingProfile !== null && <span class="muted"> (upgrade to {s.pendingProfile} pending)</span>}
      </td>
      <td>{s.lastProfile ?? '—'}</td>
      <td>{s.hasPassword ? `set ${s.passwordSetAt ? formatDateTime(s.passwordSetAt) : ''}` : 'none'}</td>
      <td class="cell-actions">
        <button
          class="button button--quiet"
          onClick={() =>
            confirm(`Generate a new password for ${s.stationId}? Ampyard expects it from now on; enter it on the charger.`) &&
            run(async () => {
              const answer = await newStationPassword(s.stationId);
              if (answer.password) onPassword(answer.password);
            }, 'New password set.')
          }
        >
          New password
        </button>
      </td>
    </tr>
  );
}
