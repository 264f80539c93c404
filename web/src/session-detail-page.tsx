// One session: its figures and the power/energy curves from its meter values.
import { API_BASE } from './api.ts';
import { fetchMeterValues, fetchTransaction, type MeterSample } from './domain-api.ts';
import { ErrorBanner } from './error-banner.tsx';
import { formatDateTime } from './format.ts';
import { href } from './router.ts';
import { TimeChart } from './time-chart.tsx';
import { formatEnergy, formatPower, sessionEnergyWh } from './units.ts';
import { useEventRefresh } from './use-event-refresh.ts';
import { usePoll } from './use-poll.ts';

interface ChartPoint {
  t: number;
  v: number;
}

/** Total (phase-less) samples of one measurand, in W or Wh. */
function series(samples: MeterSample[], measurand: string): ChartPoint[] {
  return samples
    .filter((s) => s.measurand === measurand && s.phase === null && s.value !== null)
    .map((s) => ({ t: Date.parse(s.timestamp), v: (s.value as number) * (s.unit?.startsWith('k') ? 1000 : 1) }))
    .filter((p) => !Number.isNaN(p.t))
    .sort((a, b) => a.t - b.t);
}

/** A meter register as the energy charged since the session's meter start (or the first reading). */
function sinceStart(points: ChartPoint[], meterStartWh: number | null): ChartPoint[] {
  const base = meterStartWh ?? points[0]?.v ?? 0;
  return points.map((p) => ({ t: p.t, v: p.v - base }));
}

export function SessionDetailPage({ id }: { id: number }) {
  const tx = usePoll(() => fetchTransaction(id), [id], 15_000);
  const meter = usePoll(() => fetchMeterValues(id), [id], 15_000);
  const isThis = (data: unknown) => (data as { id?: unknown } | null)?.id === id;
  useEventRefresh(['transaction.updated', 'transaction.ended'], () => {
    tx.reload();
    meter.reload();
  }, isThis);
  const t = tx.data;
  const samples = meter.data?.items ?? [];
  return (
    <main class="page" data-testid="session-detail">
      <p class="breadcrumb">
        <a href={href('sessions')}>Sessions</a> / #{id}
      </p>
      {tx.error && <ErrorBanner testId="load-error" title={`Could not load session ${id}.`} message={tx.error} />}
      {t && (
        <section class="panel">
          <header class="panel__header">
            <h2>
              Session #{t.id} {t.status === 'active' && <span class="tag tag--active">active</span>}
            </h2>
            <a class="button" href={`${API_BASE}/exports/meter-values.csv?transactionId=${t.id}&excel=true`} download data-testid="session-meter-values-csv">
              Meter values (CSV)
            </a>
          </header>
          <dl class="facts">
            <div class="facts__item">
              <dt>Station</dt>
              <dd>
                <a href={href('stations', t.stationId)}>{t.stationId}</a> · EVSE {t.evseId}/{t.connectorId}
              </dd>
            </div>
            <div class="facts__item">
              <dt>ID token</dt>
              <dd class="mono">{t.idToken ?? '—'}</dd>
            </div>
            <div class="facts__item">
              <dt>Started</dt>
              <dd>{formatDateTime(t.startedAt)}</dd>
            </div>
            <div class="facts__item">
              <dt>Ended</dt>
              <dd>{t.endedAt ? `${formatDateTime(t.endedAt)}${t.stopReason ? ` (${t.stopReason})` : ''}` : '—'}</dd>
            </div>
            <div class="facts__item">
              <dt>Power now</dt>
              <dd data-testid="detail-power">{t.status === 'active' ? formatPower(t.lastPowerW) : '—'}</dd>
            </div>
            <div class="facts__item">
              <dt>Energy</dt>
              <dd>{formatEnergy(sessionEnergyWh(t))}</dd>
            </div>
          </dl>
          <div class="charts">
            <SessionChart testId="power-chart" label="Power" points={series(samples, 'Power.Active.Import')} format={formatPower} />
            <SessionChart testId="energy-chart" label="Energy charged" points={sinceStart(series(samples, 'Energy.Active.Import.Register'), t.meterStartWh)} format={formatEnergy} />
          </div>
        </section>
      )}
    </main>
  );
}

function SessionChart({ points, format, label, testId }: { points: ChartPoint[]; format: (v: number) => string; label: string; testId: string }) {
  if (points.length < 2) return <p class="empty">Not enough {label.toLowerCase()} samples for a chart yet.</p>;
  return <TimeChart testId={testId} label={label} t={points.map((p) => p.t / 1000)} series={[{ label, color: '#1f6feb', values: points.map((p) => p.v) }]} format={format} height={200} />;
}
