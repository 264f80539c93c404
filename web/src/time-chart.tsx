// A time-series chart drawn with uPlot (canvas; ~50 kB minified, fast with thousands of points): time on x in
// seconds, one y axis. New data is handed to the same uPlot instance (setData), so live points cost no re-mount.
import uPlot from 'uplot';
import { useEffect, useRef } from 'preact/hooks';

export interface ChartSeries {
  label: string;
  /** CSS colour of the line. */
  color: string;
  values: (number | null)[];
  dash?: number[];
  fill?: string;
}

export interface TimeChartProps {
  testId: string;
  label: string;
  /** Seconds since the epoch, ascending. */
  t: number[];
  series: ChartSeries[];
  format: (v: number) => string;
  height?: number;
  /** The x range to show (seconds); default: the data's. */
  range?: { from: number; to: number };
}

const MIN_WIDTH = 240;

function optionsOf(current: { current: TimeChartProps }, width: number): uPlot.Options {
  const props = current.current;
  const format = (v: number) => current.current.format(v);
  const axisStroke = getComputedStyle(document.documentElement).getPropertyValue('--text-muted').trim() || '#5e6773';
  const grid = { stroke: 'rgba(128,128,128,0.15)', width: 1 };
  return {
    width,
    height: props.height ?? 220,
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: true, range: (_u, min, max) => (current.current.range ? [current.current.range.from, current.current.range.to] : [min, max]) },
      y: { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] },
    },
    axes: [
      { stroke: axisStroke, grid, ticks: grid },
      { stroke: axisStroke, grid, ticks: grid, size: 70, values: (_u, ticks) => ticks.map(format) },
    ],
    series: [
      {},
      ...props.series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 1.5,
        ...(s.dash ? { dash: s.dash } : {}),
        ...(s.fill ? { fill: s.fill } : {}),
        value: (_u: uPlot, v: number | null) => (v === null ? '—' : format(v)),
      })),
    ],
  };
}

const dataOf = (props: TimeChartProps): uPlot.AlignedData => [props.t, ...props.series.map((s) => s.values)];

export function TimeChart(props: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const shape = `${props.series.map((s) => s.label).join('|')}|${props.height ?? ''}`;

  useEffect(() => {
    const el = box.current!;
    const u = new uPlot(optionsOf(latest, Math.max(MIN_WIDTH, el.clientWidth)), dataOf(props), el);
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(MIN_WIDTH, el.clientWidth), height: props.height ?? 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(dataOf(props));
  }, [props.t, ...props.series.map((s) => s.values), props.range?.from, props.range?.to]);

  return (
    <figure class="chart" data-testid={props.testId} data-points={props.t.length}>
      <figcaption>{props.label}</figcaption>
      <div class="chart__plot" ref={box} role="img" aria-label={props.label} />
    </figure>
  );
}
