// The dashboard's chart: site power, the grid limit and the building load over the last 24 hours, live.
import { TimeChart } from './time-chart.tsx';
import { formatPower } from './units.ts';
import { WINDOW_HOURS, type SitePowerSeries } from './use-site-power.ts';

export function SitePowerChart({ series }: { series: SitePowerSeries }) {
  const to = Math.max(Date.now() / 1000, series.t[series.t.length - 1] ?? 0);
  return (
    <TimeChart
      testId="site-power-chart"
      label={`Site power, last ${WINDOW_HOURS} h`}
      t={series.t}
      range={{ from: to - WINDOW_HOURS * 3600, to }}
      format={formatPower}
      series={[
        { label: 'Power', color: '#1f6feb', values: series.powerW, fill: 'rgba(31,111,235,0.08)' },
        { label: 'Grid limit', color: '#c62828', values: series.limitW, dash: [6, 4] },
        { label: 'Building load', color: '#9a6700', values: series.buildingW },
      ]}
    />
  );
}
