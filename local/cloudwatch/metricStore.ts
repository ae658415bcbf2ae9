/** A CloudWatch dimension, spelled as the CloudWatch API spells it. */
export interface Dimension {
  Name: string;
  Value: string;
}

/** One metric. CloudWatch tells metrics apart by namespace, name and the exact set of dimensions. */
export interface MetricKey {
  Namespace: string;
  MetricName: string;
  Dimensions: readonly Dimension[];
}

export type Statistic = 'SampleCount' | 'Sum' | 'Minimum' | 'Maximum' | 'Average';

export const STATISTICS: readonly Statistic[] = ['SampleCount', 'Sum', 'Minimum', 'Maximum', 'Average'];

/** The units CloudWatch accepts (PutMetricData, EMF, alarms). */
export const UNITS: readonly string[] = [
  'Seconds', 'Microseconds', 'Milliseconds',
  'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes',
  'Bits', 'Kilobits', 'Megabits', 'Gigabits', 'Terabits',
  'Percent', 'Count',
  'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second',
  'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second',
  'Count/Second', 'None',
];

/** The statistics of one period, as GetMetricStatistics answers them; `Timestamp` is the period's start. */
export interface Datapoint {
  Timestamp: Date;
  SampleCount: number;
  Sum: number;
  Minimum: number;
  Maximum: number;
  Average: number;
  Unit: string;
}

export interface StatisticsQuery {
  /** Epoch milliseconds, inclusive. */
  startTime: number;
  /** Epoch milliseconds, exclusive. */
  endTime: number;
  /** Seconds, a multiple of 60. */
  period: number;
  /** Only values published with this unit; all units when absent. */
  unit?: string;
}

/** What CloudWatch would answer `InvalidParameterValue` to. */
export class InvalidMetricDataError extends Error {
  override readonly name = 'InvalidMetricDataError';
}

export interface MetricStoreOptions {
  /** Epoch milliseconds; injectable so tests place values in periods without waiting. */
  now?: () => number;
  /** How long values are kept (default 3 hours); {@link MetricStore.retainFor} lengthens it. */
  retentionSeconds?: number;
}

interface StatisticSet {
  sampleCount: number;
  sum: number;
  minimum: number;
  maximum: number;
}

interface StoredMetric {
  key: MetricKey;
  /** Events add to a minute's statistics; a gauge's reading replaces the minute's earlier one. */
  kind: 'events' | 'gauge';
  /** Unit → minute start (epoch ms) → that minute's statistics. */
  byUnit: Map<string, Map<number, StatisticSet>>;
}

const MINUTE_MS = 60_000;
/** PutMetricData refuses values more than two hours in the future; so does EMF extraction. */
const FUTURE_LIMIT_MS = 2 * 60 * 60 * 1000;
const MAX_DIMENSIONS = 30;

/**
 * Metric values in one-minute statistic sets (count, sum, minimum, maximum per unit), the way CloudWatch keeps
 * standard-resolution metrics: a period's statistics are the sets of its minutes combined, so every statistic
 * of every period a multiple of 60 s is exact. Periods are aligned to multiples of their length since the
 * epoch (a 900 s period starts at :00, :15, :30, :45).
 *
 * Two ways in, because AWS publishes two kinds of metric: {@link put} for events (an invocation, a failed
 * execution: each value is a sample), {@link sample} for gauges that AWS reads once a minute (a queue's
 * depth): the latest reading of a minute replaces the earlier ones, so Sum and SampleCount mean what they
 * mean on AWS however often the local cloud looks.
 *
 * @example
 * ```ts
 * const store = new MetricStore();
 * const errors = { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: 'fn' }] };
 * store.put(errors, 1, { unit: 'Count' });
 * store.statistics(errors, { startTime: Date.now() - 60_000, endTime: Date.now() + 1, period: 60 }); // [{ Sum: 1, … }]
 * ```
 */
export class MetricStore {
  private readonly metrics = new Map<string, StoredMetric>();
  private readonly now: () => number;
  private retentionMs: number;

  constructor(options: MetricStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.retentionMs = (options.retentionSeconds ?? 3 * 60 * 60) * 1000;
  }

  /** Records event values (one sample each) at `timestamp` (default now). */
  put(metric: MetricKey, values: number | readonly number[], options: { timestamp?: number; unit?: string } = {}): void {
    const list = typeof values === 'number' ? [values] : values;
    // All or nothing: a refused value must not leave its siblings recorded.
    for (const value of list) checkValue(metric, value);
    if (list.length === 0) return;
    const set = this.slot(metric, 'events', options);
    for (const value of list) {
      set.sampleCount += 1;
      set.sum += value;
      set.minimum = Math.min(set.minimum, value);
      set.maximum = Math.max(set.maximum, value);
    }
  }

  /** Records a gauge's reading at `timestamp` (default now), replacing any earlier reading of that minute. */
  sample(metric: MetricKey, value: number, options: { timestamp?: number; unit?: string } = {}): void {
    checkValue(metric, value);
    const set = this.slot(metric, 'gauge', options);
    Object.assign(set, { sampleCount: 1, sum: value, minimum: value, maximum: value });
  }

  /** The statistics of every period in the range that holds at least one value, oldest first. */
  statistics(metric: MetricKey, query: StatisticsQuery): Datapoint[] {
    if (!Number.isInteger(query.period) || query.period <= 0 || query.period % 60 !== 0) {
      throw new InvalidMetricDataError(`period ${query.period} s is not a positive multiple of 60 (the local cloud keeps one-minute resolution)`);
    }
    const stored = this.metrics.get(keyOf(metric));
    if (!stored) return [];
    const periodMs = query.period * 1000;
    const periods = new Map<number, StatisticSet & { units: Set<string> }>();
    for (const [unit, minutes] of stored.byUnit) {
      if (query.unit !== undefined && unit !== query.unit) continue;
      for (const [minute, set] of minutes) {
        if (minute < query.startTime || minute >= query.endTime) continue;
        const start = Math.floor(minute / periodMs) * periodMs;
        const period = periods.get(start) ?? { sampleCount: 0, sum: 0, minimum: Infinity, maximum: -Infinity, units: new Set<string>() };
        period.sampleCount += set.sampleCount;
        period.sum += set.sum;
        period.minimum = Math.min(period.minimum, set.minimum);
        period.maximum = Math.max(period.maximum, set.maximum);
        period.units.add(unit);
        periods.set(start, period);
      }
    }
    return [...periods.entries()]
      .sort(([a], [b]) => a - b)
      .map(([start, period]) => ({
        Timestamp: new Date(start),
        SampleCount: period.sampleCount,
        Sum: period.sum,
        Minimum: period.minimum,
        Maximum: period.maximum,
        Average: period.sum / period.sampleCount,
        Unit: period.units.size === 1 ? [...period.units][0] ?? 'None' : 'None',
      }));
  }

  /** Every metric that holds values, optionally of one namespace and name (ListMetrics). */
  listMetrics(filter: { Namespace?: string; MetricName?: string } = {}): MetricKey[] {
    return [...this.metrics.values()]
      .map(({ key }) => key)
      .filter((key) => (filter.Namespace === undefined || key.Namespace === filter.Namespace) && (filter.MetricName === undefined || key.MetricName === filter.MetricName));
  }

  /** Keeps values at least this long: an alarm looks back `Period × (EvaluationPeriods + 1)`. */
  retainFor(seconds: number): void {
    this.retentionMs = Math.max(this.retentionMs, seconds * 1000);
  }

  /** Drops the minutes older than the retention, and the metrics left with none. */
  expire(): void {
    const cutoff = this.now() - this.retentionMs;
    for (const [key, stored] of this.metrics) {
      for (const [unit, minutes] of stored.byUnit) {
        for (const minute of minutes.keys()) if (minute + MINUTE_MS <= cutoff) minutes.delete(minute);
        if (minutes.size === 0) stored.byUnit.delete(unit);
      }
      if (stored.byUnit.size === 0) this.metrics.delete(key);
    }
  }

  /** The statistic set of the metric's minute that `options.timestamp` falls in, created if need be. */
  private slot(metric: MetricKey, kind: StoredMetric['kind'], options: { timestamp?: number; unit?: string }): StatisticSet {
    checkMetric(metric);
    const unit = options.unit ?? 'None';
    if (!UNITS.includes(unit)) throw new InvalidMetricDataError(`${describeMetric(metric)}: unit ${unit} is not a CloudWatch unit`);
    const timestamp = options.timestamp ?? this.now();
    if (!Number.isFinite(timestamp)) throw new InvalidMetricDataError(`${describeMetric(metric)}: timestamp ${timestamp} is not a time`);
    if (timestamp > this.now() + FUTURE_LIMIT_MS) throw new InvalidMetricDataError(`${describeMetric(metric)}: timestamp ${new Date(timestamp).toISOString()} is more than two hours in the future`);

    const key = keyOf(metric);
    const stored: StoredMetric = this.metrics.get(key) ?? {
      key: { Namespace: metric.Namespace, MetricName: metric.MetricName, Dimensions: sortedDimensions(metric.Dimensions) },
      kind,
      byUnit: new Map(),
    };
    if (stored.kind !== kind) {
      throw new InvalidMetricDataError(`${describeMetric(metric)} is ${stored.kind === 'gauge' ? 'a gauge (sampled)' : 'an event count (put)'}; it cannot be recorded both ways`);
    }
    this.metrics.set(key, stored);
    const minutes = stored.byUnit.get(unit) ?? new Map<number, StatisticSet>();
    stored.byUnit.set(unit, minutes);
    const minute = minuteOf(timestamp);
    const set = minutes.get(minute) ?? { sampleCount: 0, sum: 0, minimum: Infinity, maximum: -Infinity };
    minutes.set(minute, set);
    return set;
  }
}

const minuteOf = (timestamp: number): number => Math.floor(timestamp / MINUTE_MS) * MINUTE_MS;

const sortedDimensions = (dimensions: readonly Dimension[]): Dimension[] =>
  [...dimensions].map(({ Name, Value }) => ({ Name, Value })).sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));

/** Dimension order does not matter to CloudWatch: the key sorts them. */
const keyOf = (metric: MetricKey): string =>
  JSON.stringify([metric.Namespace, metric.MetricName, ...sortedDimensions(metric.Dimensions).map(({ Name, Value }) => [Name, Value])]);

/** `AWS/Lambda Errors {FunctionName=fn}`: how notices and errors name a metric. */
export const describeMetric = (metric: MetricKey): string =>
  `${metric.Namespace} ${metric.MetricName} {${metric.Dimensions.map(({ Name, Value }) => `${Name}=${Value}`).join(', ')}}`;

const checkMetric = (metric: MetricKey): void => {
  if (!metric.Namespace || metric.Namespace.startsWith(':')) throw new InvalidMetricDataError(`namespace '${metric.Namespace}' is not valid`);
  if (!metric.MetricName) throw new InvalidMetricDataError(`${metric.Namespace}: a metric needs a name`);
  if (metric.Dimensions.length > MAX_DIMENSIONS) throw new InvalidMetricDataError(`${describeMetric(metric)}: more than ${MAX_DIMENSIONS} dimensions`);
  const names = new Set<string>();
  for (const { Name, Value } of metric.Dimensions) {
    if (!Name || !Value) throw new InvalidMetricDataError(`${describeMetric(metric)}: every dimension needs a name and a value`);
    if (names.has(Name)) throw new InvalidMetricDataError(`${describeMetric(metric)}: dimension ${Name} is given twice`);
    names.add(Name);
  }
};

const checkValue = (metric: MetricKey, value: number): void => {
  // CloudWatch refuses NaN and the infinities; a value that reached a statistic would poison every period.
  if (!Number.isFinite(value)) throw new InvalidMetricDataError(`${describeMetric(metric)}: value ${value} is not a finite number`);
};
