// Sessions with filters (station, status, date range), pagination and exports of the same filter (sessions as CSV,
// CSV for Excel or JSON; their stations' meter values as CSV).
import { useState } from 'preact/hooks';
import { API_BASE } from './api.ts';
import { fetchTransactions, queryString } from './domain-api.ts';
import { ErrorBanner } from './error-banner.tsx';
import { navigate } from './router.ts';
import { SessionsTable } from './sessions-table.tsx';
import { usePoll } from './use-poll.ts';

const PAGE_SIZE = 25;

/** A local date input (yyyy-mm-dd) as the ISO instant of that day's start (or end) in the browser's zone. */
function dayBoundary(day: string, end: boolean): string | undefined {
  if (!day) return undefined;
  const date = new Date(`${day}T00:00:00`);
  if (end) date.setDate(date.getDate() + 1);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function SessionsPage({ query }: { query: URLSearchParams }) {
  const stationId = query.get('stationId') ?? '';
  const status = query.get('status') ?? '';
  const fromDay = query.get('from') ?? '';
  const toDay = query.get('to') ?? '';
  const offset = Number(query.get('offset') ?? 0) || 0;
  const [stationDraft, setStationDraft] = useState(stationId);

  const filter = { stationId, status, from: dayBoundary(fromDay, false), to: dayBoundary(toDay, true) };
  const list = usePoll(() => fetchTransactions({ ...filter, limit: PAGE_SIZE, offset }), [stationId, status, fromDay, toDay, offset], 5000);

  const go = (changes: Record<string, string | number | undefined>) => {
    const next = { stationId, status, from: fromDay, to: toDay, offset: 0 as number | undefined, ...changes };
    if (next.offset === 0) next.offset = undefined;
    navigate(`#/sessions${queryString(next)}`);
  };
  const total = list.data?.total;
  const count = list.data?.items.length ?? 0;

  return (
    <main class="page" data-testid="sessions-page">
      <section class="panel">
        <header class="panel__header">
          <h2>Sessions {total !== undefined && <span class="count">{total}</span>}</h2>
          <div class="actions__group" aria-label="Export what the filter shows">
            <a class="button" href={`${API_BASE}/exports/sessions.csv${queryString({ stationId, status, from: filter.from, to: filter.to })}`} download data-testid="export-csv">
              Export CSV
            </a>
            <a class="button" href={`${API_BASE}/exports/sessions.csv${queryString({ stationId, status, from: filter.from, to: filter.to, excel: 'true' })}`} download title="CSV that Excel opens as it is" data-testid="export-excel">
              Excel
            </a>
            <a class="button" href={`${API_BASE}/exports/sessions.json${queryString({ stationId, status, from: filter.from, to: filter.to })}`} download data-testid="export-json">
              JSON
            </a>
            <a class="button" href={`${API_BASE}/exports/meter-values.csv${queryString({ stationId, from: filter.from, to: filter.to })}`} download title="The meter values of the stations and days filtered" data-testid="export-meter-values">
              Meter values
            </a>
          </div>
        </header>
        <form
          class="filters"
          onSubmit={(e) => {
            e.preventDefault();
            go({ stationId: stationDraft.trim() });
          }}
        >
          <label>
            Station
            <input value={stationDraft} onInput={(e) => setStationDraft(e.currentTarget.value)} onBlur={() => stationDraft.trim() !== stationId && go({ stationId: stationDraft.trim() })} placeholder="any" data-testid="filter-station" />
          </label>
          <label>
            Status
            <select value={status} onChange={(e) => go({ status: e.currentTarget.value })} data-testid="filter-status">
              <option value="">any</option>
              <option value="active">active</option>
              <option value="ended">ended</option>
            </select>
          </label>
          <label>
            From
            <input type="date" value={fromDay} onChange={(e) => go({ from: e.currentTarget.value })} />
          </label>
          <label>
            To
            <input type="date" value={toDay} onChange={(e) => go({ to: e.currentTarget.value })} />
          </label>
        </form>
        {list.error && <ErrorBanner testId="load-error" title="Could not load sessions." message={list.error} />}
        {list.data && count === 0 ? <p class="empty">No sessions match.</p> : <SessionsTable items={list.data?.items ?? []} />}
        <footer class="pager">
          <button class="button" disabled={offset === 0} onClick={() => go({ offset: Math.max(0, offset - PAGE_SIZE) })}>
            Previous
          </button>
          <span class="muted">
            {count > 0 ? `${offset + 1}–${offset + count}` : '0'}
            {total !== undefined && ` of ${total}`}
          </span>
          <button class="button" disabled={total !== undefined ? offset + count >= total : count < PAGE_SIZE} onClick={() => go({ offset: offset + PAGE_SIZE })}>
            Next
          </button>
        </footer>
      </section>
    </main>
  );
}
