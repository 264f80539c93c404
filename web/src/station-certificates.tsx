// The station's certificate inventory (as it last reported it) and the certificates the site CA issued to it,
// with expiry warnings from the API.
import { request } from './api.ts';
import { formatDateTime } from './format.ts';
import { usePoll } from './use-poll.ts';

interface InventoryItem {
  certificateType: string;
  serialNumber: string;
  notAfter: string | null;
  expiry: string;
}

interface Certificates {
  items: InventoryItem[];
  warnings: Array<{ certificateType: string; serialNumber: string; notAfter: string | null; expiry: string }>;
  issued: Array<{ serialNumber: string; notAfter: string; validity: string; delivery: string }>;
}

const expiryLabel: Record<string, string> = { valid: 'valid', expiring: 'expiring soon', expired: 'expired', unknown: 'end unknown', 'not-yet-valid': 'not yet valid' };

export function StationCertificates({ stationId }: { stationId: string }) {
  const certs = usePoll(() => request<Certificates>('GET', `/stations/${encodeURIComponent(stationId)}/certificates`), [stationId], 30000);
  // Operators and viewers may not read certificates (admin only): then the panel is simply not shown.
  if (!certs.data) return null;
  const { items, warnings, issued } = certs.data;
  return (
    <section class={`panel${warnings.length ? ' panel--attention' : ''}`} data-testid="station-certificates">
      <header class="panel__header">
        <h2>Certificates</h2>
      </header>
      {warnings.length > 0 && (
        <p class="result result--error" data-testid="certificate-warnings">
          {warnings.map((w) => `${w.certificateType} ${w.serialNumber} ${expiryLabel[w.expiry] ?? w.expiry}${w.notAfter ? ` (${formatDateTime(w.notAfter)})` : ''}`).join('; ')}
        </p>
      )}
      {items.length === 0 && issued.length === 0 ? (
        <p class="muted">None reported yet. Ask the station with the getInstalledCertificateIds command.</p>
      ) : (
        <ul class="plain-list">
          {items.map((i) => (
            <li key={`${i.certificateType}-${i.serialNumber}`}>
              <strong>{i.certificateType}</strong> <span class="muted">serial {i.serialNumber}</span> — {expiryLabel[i.expiry] ?? i.expiry}
              {i.notAfter ? `, until ${formatDateTime(i.notAfter)}` : ''}
            </li>
          ))}
          {issued.map((i) => (
            <li key={`issued-${i.serialNumber}`}>
              <strong>Station certificate from the site CA</strong> <span class="muted">serial {i.serialNumber}</span> — {expiryLabel[i.validity] ?? i.validity}, until{' '}
              {formatDateTime(i.notAfter)} ({i.delivery})
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
