// A small SVG line chart (one series, time on x); enough for a session's power or energy curve.
import { formatTime } from './format-time.ts';

export interface ChartPoint {
  t: number;
  v: number;
}

const W = 640;
const H = 200;
const PAD = { left: 72, right: 12, top: 12, bottom: 28 };

export function LineChart({ points, format, label, testId }: { points: ChartPoint[]; format: (v: number) => string; label: string; testId: string }) {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last || points.length < 2) return <p class="empty">Not enough {label.toLowerCase()} samples for a chart yet.</p>;
  const t0 = first.t;
  const t1 = last.t;
  const vMax = Math.max(...points.map((p) => p.v), 0);
  const vMin = Math.min(...points.map((p) => p.v), 0);
  const span = vMax - vMin || 1;
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0 || 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - ((v - vMin) / span) * (H - PAD.top - PAD.bottom);
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join('');
  const ticks = [vMin, vMin + span / 2, vMax];
  return (
    <figure class="chart" data-testid={testId}>
      <figcaption>{label}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        {ticks.map((v) => (
          <g key={v}>
            <line class="chart__grid" x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
            <text class="chart__label" x={PAD.left - 6} y={y(v) + 4} text-anchor="end">
              {format(v)}
            </text>
          </g>
        ))}
        <text class="chart__label" x={PAD.left} y={H - 8}>
          {formatTime(t0)}
        </text>
        <text class="chart__label" x={W - PAD.right} y={H - 8} text-anchor="end">
          {formatTime(t1)}
        </text>
        <path class="chart__line" d={path} />
      </svg>
    </figure>
  );
}
