import type { AlarmDefinition, AlarmState, ComparisonOperator } from './alarmDefinition';
import type { Datapoint } from './metricStore';

/** An alarm's state after one evaluation, with AWS's reason text and reason data. */
export interface AlarmEvaluation {
  state: AlarmState;
  reason: string;
  /** JSON, as `StateReasonData`. */
  reasonData: string;
}

/**
 * The periods an evaluation at `now` reads: the `EvaluationPeriods` most recent ones, the current (still
 * open) period included, plus one more before them. As on AWS, the evaluation range is longer than the
 * evaluation periods: when the current period has no value yet (a metric published once per period, a
 * count between two events), the value before it still counts, instead of a missing data point flipping
 * the alarm at every period boundary.
 */
export const evaluationRange = (alarm: Pick<AlarmDefinition, 'Period' | 'EvaluationPeriods'>, now: number): { startTime: number; endTime: number; periodStarts: number[] } => {
  const periodMs = alarm.Period * 1000;
  const current = Math.floor(now / periodMs) * periodMs;
  const periodStarts = Array.from({ length: alarm.EvaluationPeriods + 1 }, (_, k) => current - k * periodMs);
  return { startTime: current - alarm.EvaluationPeriods * periodMs, endTime: current + periodMs, periodStarts };
};

interface Point {
  timestamp: number;
  value: number;
  sampleCount: number;
  breaching: boolean;
}

/**
 * Evaluates an alarm at `now` on the statistics of its evaluation range (see {@link evaluationRange}), the
 * way CloudWatch documents it:
 *
 * - When the range holds at least `EvaluationPeriods` data points, the most recent `EvaluationPeriods` of
 *   them are evaluated and `TreatMissingData` plays no part.
 * - Otherwise the missing ones are filled as `TreatMissingData` says: `breaching` and `notBreaching` fill
 *   them; `missing` and `ignore` evaluate the data points there are.
 * - With no data point at all: `missing` is INSUFFICIENT_DATA, `ignore` keeps the current state (returns
 *   undefined), `breaching` is ALARM, `notBreaching` is OK.
 *
 * ALARM when at least `DatapointsToAlarm` of the evaluated points breach, else OK.
 *
 * @example
 * ```ts
 * const { startTime, endTime } = evaluationRange(alarm, now);
 * const evaluation = evaluateAlarm(alarm, store.statistics(alarm, { startTime, endTime, period: alarm.Period }), 'OK', now);
 * // { state: 'ALARM', reason: 'Threshold Crossed: 1 datapoint [1.0 (08/12/26 10:31:00)] was greater than the threshold (0.0).', … }
 * ```
 */
export const evaluateAlarm = (alarm: AlarmDefinition, datapoints: readonly Datapoint[], current: AlarmState, now: number): AlarmEvaluation | undefined => {
  const { periodStarts } = evaluationRange(alarm, now);
  const byStart = new Map(datapoints.map((datapoint) => [datapoint.Timestamp.getTime(), datapoint]));
  const existing = periodStarts.flatMap((timestamp): Point[] => {
    const datapoint = byStart.get(timestamp);
    if (!datapoint) return [];
    const value = datapoint[alarm.Statistic];
    return [{ timestamp, value, sampleCount: datapoint.SampleCount, breaching: breaches(alarm.ComparisonOperator, value, alarm.Threshold) }];
  });
  const n = alarm.EvaluationPeriods;
  const evaluated = existing.slice(0, n);
  const missing = n - evaluated.length;
  const treatment = alarm.TreatMissingData;

  if (evaluated.length === 0) {
    if (treatment === 'ignore') return undefined;
    if (treatment === 'missing') {
      return { state: 'INSUFFICIENT_DATA', reason: `Insufficient Data: ${count(n, 'datapoint')} ${n === 1 ? 'was' : 'were'} unknown.`, reasonData: reasonData(alarm, now, []) };
    }
  }
  const filled = treatment === 'breaching' || treatment === 'notBreaching' ? missing : 0;
  const filledBreaching = treatment === 'breaching' ? filled : 0;
  const breaching = evaluated.filter((point) => point.breaching).length + filledBreaching;
  const state: AlarmState = breaching >= alarm.DatapointsToAlarm ? 'ALARM' : 'OK';
  return { state, reason: reasonText(alarm, state, current, evaluated, filled), reasonData: reasonData(alarm, now, evaluated) };
};

const breaches = (operator: ComparisonOperator, value: number, threshold: number): boolean => {
  switch (operator) {
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
};

const OPERATOR_TEXT: Readonly<Record<ComparisonOperator, string>> = {
  GreaterThanThreshold: 'greater than',
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

/**
 * AWS's reason text: "Threshold Crossed: 1 datapoint [1.0 (08/12/26 10:31:00)] was greater than the
 * threshold (0.0).", "… 2 out of the last 3 datapoints [5.0 (…), 3.0 (…)] were greater than … (minimum 2
 * datapoints for OK -> ALARM transition).", "… no datapoints were received for 1 period and 1 missing
 * datapoint was treated as [NonBreaching]." The data points listed are those on the side of the new state.
 */
const reasonText = (alarm: AlarmDefinition, state: AlarmState, from: AlarmState, evaluated: readonly Point[], filled: number): string => {
  const alarming = state === 'ALARM';
  const listed = evaluated.filter((point) => point.breaching === alarming);
  const comparison = `${alarming ? '' : 'not '}${OPERATOR_TEXT[alarm.ComparisonOperator]} the threshold (${formatValue(alarm.Threshold)})`;
  const fill = filled > 0 ? `${count(filled, 'missing datapoint')} ${filled === 1 ? 'was' : 'were'} treated as [${alarm.TreatMissingData === 'breaching' ? 'Breaching' : 'NonBreaching'}]` : '';
  const n = alarm.EvaluationPeriods;
  const minimum = alarming ? alarm.DatapointsToAlarm : n - alarm.DatapointsToAlarm + 1;
  // Only "M out of N" alarms (M < N) say how many data points a transition needs.
  const transition = alarm.DatapointsToAlarm < n ? ` (minimum ${count(minimum, 'datapoint')} for ${from} -> ${state} transition)` : '';

  if (evaluated.length === 0) return `Threshold Crossed: no datapoints were received for ${count(n, 'period')} and ${fill}.`;
  const points = (list: readonly Point[]) => `[${list.map((point) => `${formatValue(point.value)} (${formatDate(point.timestamp)})`).join(', ')}]`;
  if (listed.length === 0 && fill) return `Threshold Crossed: ${fill}${transition}.`;
  if (listed.length === 0) {
    // OK with every data point breaching: `missing` or `ignore`, and fewer of them than DatapointsToAlarm.
    const verb = evaluated.length === 1 ? 'was' : 'were';
    return `Threshold Crossed: only ${count(evaluated.length, 'datapoint')} ${points(evaluated)} ${verb} ${OPERATOR_TEXT[alarm.ComparisonOperator]} the threshold (${formatValue(alarm.Threshold)}) (minimum ${count(alarm.DatapointsToAlarm, 'datapoint')} for ${from} -> ALARM transition).`;
  }
  const subject = listed.length === evaluated.length ? `${count(listed.length, 'datapoint')} ${points(listed)}` : `${listed.length} out of the last ${evaluated.length} datapoints ${points(listed)}`;
  return `Threshold Crossed: ${subject} ${listed.length === 1 ? 'was' : 'were'} ${comparison}${fill ? ` and ${fill}` : ''}${transition}.`;
};

/** `StateReasonData`, as AWS writes it for a threshold alarm. */
const reasonData = (alarm: AlarmDefinition, now: number, evaluated: readonly Point[]): string =>
  JSON.stringify({
    version: '1.0',
    queryDate: isoDate(now),
    ...(evaluated.length > 0 && { startDate: isoDate(Math.min(...evaluated.map((point) => point.timestamp))) }),
    statistic: alarm.Statistic,
    ...(alarm.Unit !== undefined && { unit: alarm.Unit }),
    period: alarm.Period,
    recentDatapoints: evaluated.map((point) => point.value),
    threshold: alarm.Threshold,
    evaluatedDatapoints: evaluated.map((point) => ({ timestamp: isoDate(point.timestamp), sampleCount: point.sampleCount, value: point.value })),
  });

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** As CloudWatch prints numbers (Java's `Double.toString`): `1.0`, `0.5`, `1.0E7`. */
export const formatValue = (value: number): string => {
  if (!Number.isInteger(value)) return String(value);
  if (Math.abs(value) < 1e7) return value.toFixed(1);
  const [mantissa = '', exponent = ''] = value.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
};

/** `dd/MM/yy HH:mm:ss`, in UTC, as reason texts print data point times. */
export const formatDate = (timestamp: number): string => {
  const date = new Date(timestamp);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getUTCDate())}/${two(date.getUTCMonth() + 1)}/${two(date.getUTCFullYear() % 100)} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
};

/** `2026-12-08T10:31:00.000+0000`: CloudWatch's spelling of an ISO time in reason data and notifications. */
export const isoDate = (timestamp: number): string => new Date(timestamp).toISOString().replace('Z', '+0000');
