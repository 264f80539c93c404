// The station's recent OCPP messages and warnings, reloaded every few seconds.
import { useState } from 'preact/hooks';
import { fetchMessages, fetchWarnings } from './domain-api.ts';
import { formatDateTime } from './format.ts';
import { usePoll } from './use-poll.ts';

export function StationMessages({ stationId }: { stationId: string }) {
  const messages = usePoll(() => fetchMessages(stationId, 50), [stationId], 3000);
  const [open, setOpen] = useState<number | null>(null);
  return (
    <section class="panel" data-testid="station-messages">
      <header class="panel__header">
        <h2>Recent OCPP messages</h2>
      </header>
      {messages.error && <p class="result result--error">{messages.error}</p>}
      {messages.data?.items.length === 0 && <p class="empty">No messages logged yet.</p>}
      <ul class="message-log">
        {messages.data?.items.map((m) => (
          <li key={m.id} class={`message-log__row message-log__row--${m.direction}`} onClick={() => setOpen(open === m.id ? null : m.id)}>
            <span class="message-log__time">{formatDateTime(m.at)}</span>
            <span class="message-log__dir" title={m.direction === 'in' ? 'from the station' : 'to the station'}>
              {m.direction === 'in' ? '←' : '→'}
            </span>
            <span class="message-log__action" data-testid="message-action">{m.action ?? m.messageType}</span>
            <span class="muted">{m.messageType}</span>
            {open === m.id && <pre class="message-log__payload">{m.payload}</pre>}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function StationWarnings({ stationId }: { stationId: string }) {
  const warnings = usePoll(() => fetchWarnings(stationId), [stationId], 10000);
  if (!warnings.data || warnings.data.items.length === 0) return null;
  return (
    <section class="panel panel--attention" data-testid="station-warnings">
      <header class="panel__header">
        <h2>Warnings <span class="count">{warnings.data.items.length}</span></h2>
      </header>
      <ul class="plain-list">
        {warnings.data.items.map((w) => (
          <li key={w.id}>
            <span class="muted">{formatDateTime(w.at)}</span> <strong>{w.kind}</strong> {w.message}
          </li>
        ))}
      </ul>
    </section>
  );
}
