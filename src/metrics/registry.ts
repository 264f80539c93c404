/** Prometheus text exposition format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels = Record<string, string | number>;

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function formatLabels(labels: Labels | undefined): string {
  if (!labels) return '';
  const parts = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabel(String(value))}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** Collects one scrape's text: each family's HELP and TYPE, then its samples. */
export class MetricsText {
  private readonly lines: string[] = [];

  family(name: string, type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped', help: string): this {
    this.lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
    return this;
  }

  sample(name: string, value: number, labels?: Labels): this {
    this.lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
    return this;
  }

  /** A family with one sample (most gauges). */
  single(name: string, type: 'counter' | 'gauge', help: string, value: number): this {
    return this.family(name, type, help).sample(name, value);
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

/**
 * A histogram with fixed upper bounds. `observe` only increments: no allocation, so it can sit on hot paths.
 */
export class Histogram {
  readonly bounds: readonly number[];
  private readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    if (i < bounds.length) this.counts[i]!++;
    this.sum += value;
    this.count++;
  }

  /** The `_bucket` (cumulative, with `le`), `_sum` and `_count` samples; the family header is the caller's. */
  write(text: MetricsText, name: string, labels: Labels = {}): void {
    let cumulative = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      cumulative += this.counts[i]!;
      text.sample(`${name}_bucket`, cumulative, { ...labels, le: formatValue(this.bounds[i]!) });
    }
    text.sample(`${name}_bucket`, this.count, { ...labels, le: '+Inf' });
    text.sample(`${name}_sum`, this.sum, labels);
    text.sample(`${name}_count`, this.count, labels);
  }
}
