import { AWS_METRICS, isAwsNamespace } from './awsMetrics';
import { STATISTICS, UNITS, type Dimension, type Statistic } from './metricStore';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export const COMPARISON_OPERATORS = ['GreaterThanThreshold', 'GreaterThanOrEqualToThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold'] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export const TREAT_MISSING_DATA = ['missing', 'notBreaching', 'breaching', 'ignore'] as const;
export type TreatMissingData = (typeof TREAT_MISSING_DATA)[number];

/** A metric alarm as the local cloud evaluates it: the template's properties, checked and with AWS's defaults. */
export interface AlarmDefinition {
  AlarmName: string;
  AlarmArn: string;
  AlarmDescription?: string;
  Namespace: string;
  MetricName: string;
  Dimensions: Dimension[];
  Statistic: Statistic;
  Unit?: string;
  /** Seconds. */
  Period: number;
  EvaluationPeriods: number;
  /** The M of "M out of N"; `EvaluationPeriods` when the template leaves it out. */
  DatapointsToAlarm: number;
  Threshold: number;
  ComparisonOperator: ComparisonOperator;
  TreatMissingData: TreatMissingData;
  ActionsEnabled: boolean;
  AlarmActions: string[];
  OKActions: string[];
  InsufficientDataActions: string[];
}

/** An alarm the local cloud cannot evaluate as AWS would: it refuses to start rather than ignore the field. */
export class UnsupportedAlarmError extends Error {
  override readonly name = 'UnsupportedAlarmError';

  constructor(
    readonly alarmName: string,
    readonly field: string,
    reason: string,
  ) {
    super(`alarm ${alarmName}: ${field}: ${reason}`);
  }
}

export interface AlarmDefinitionContext {
  /**
   * The name of an alarm without `AlarmName`. CloudFormation names it `<stack>-<logicalId>-<random suffix>`;
   * the local cloud drops the suffix, so the name is known in advance.
   */
  defaultName: string;
  region: string;
  accountId: string;
  /** Whether an action ARN is a topic the local cloud records notifications on. */
  isTopic(arn: string): boolean;
}

/** Fields that change what an alarm means and that the local evaluator cannot honour, with why. */
const REFUSED: Readonly<Record<string, string>> = {
  Metrics: 'metric math and multi-metric alarms are not evaluated locally; alarm on one metric (Namespace, MetricName, Dimensions)',
  ExtendedStatistic: 'percentiles are not evaluated locally (one-minute statistic sets keep no distribution); use Statistic',
  EvaluateLowSampleCountPercentile: 'applies to percentile alarms, which are not evaluated locally',
  ThresholdMetricId: 'anomaly detection bands are not evaluated locally',
};

/** `Tags` is metadata; every other field here is evaluated. */
const KNOWN = new Set([
  'AlarmName', 'AlarmDescription', 'ActionsEnabled', 'AlarmActions', 'OKActions', 'InsufficientDataActions',
  'Namespace', 'MetricName', 'Dimensions', 'Statistic', 'Unit', 'Period', 'EvaluationPeriods', 'DatapointsToAlarm',
  'Threshold', 'ComparisonOperator', 'TreatMissingData', 'Tags',
]);

/**
 * Checks an `AWS::CloudWatch::Alarm`'s resolved properties and returns the alarm the local cloud evaluates.
 * Throws {@link UnsupportedAlarmError}, naming the alarm and the field, for anything it would have to ignore:
 * metric math, percentiles, anomaly detection, high-resolution periods, an `AWS/` metric or dimension set the
 * local cloud does not publish (the alarm could never see a value), an action that is not a topic of the
 * templates, an unknown property.
 *
 * @example
 * ```ts
 * const alarm = parseAlarmDefinition(
 *   { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: 'q-dlq' }],
 *     Statistic: 'Maximum', Period: 60, EvaluationPeriods: 1, Threshold: 0, ComparisonOperator: 'GreaterThanThreshold',
 *     TreatMissingData: 'notBreaching', AlarmActions: [topicArn] },
 *   { defaultName: 'stack-DlqAlarm', region: 'eu-west-1', accountId: '000000000000', isTopic: (arn) => arn === topicArn },
 * );
 * ```
 */
export const parseAlarmDefinition = (properties: Readonly<Record<string, unknown>>, context: AlarmDefinitionContext): AlarmDefinition => {
  const name = properties.AlarmName ?? context.defaultName;
  if (typeof name !== 'string' || name === '' || name.length > 255) throw new UnsupportedAlarmError(JSON.stringify(name), 'AlarmName', 'must be a string of 1 to 255 characters');
  const refuse = (field: string, reason: string) => new UnsupportedAlarmError(name, field, reason);

  for (const field of Object.keys(properties)) {
    const reason = REFUSED[field];
    if (reason) throw refuse(field, reason);
    if (!KNOWN.has(field)) throw refuse(field, 'is not an AWS::CloudWatch::Alarm property the local cloud knows');
  }

  const text = (field: string, { required }: { required: boolean }): string | undefined => {
    const value = properties[field];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value === '') throw refuse(field, 'must be a non-empty string');
    return value;
  };
  const oneOf = <T extends string>(field: string, allowed: readonly T[], fallback?: T): T => {
    const value = properties[field] ?? fallback;
    if (!allowed.includes(value as T)) throw refuse(field, `${JSON.stringify(value)} is not one of ${allowed.join(', ')}`);
    return value as T;
  };
  // CloudFormation takes numbers as numbers or numeric strings.
  const number = (field: string, fallback?: number): number => {
    const value = properties[field] ?? fallback;
    const parsed = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof parsed !== 'number' || !Number.isFinite(parsed)) throw refuse(field, `${JSON.stringify(value)} is not a number`);
    return parsed;
  };
  const integer = (field: string, fallback?: number): number => {
    const value = number(field, fallback);
    if (!Number.isInteger(value) || value < 1) throw refuse(field, `${value} is not a positive integer`);
    return value;
  };
  const actions = (field: string): string[] => {
    const value = properties[field] ?? [];
    if (!Array.isArray(value) || !value.every((arn): arn is string => typeof arn === 'string')) throw refuse(field, 'must be a list of ARNs');
    for (const arn of value) {
      if (!context.isTopic(arn)) {
        throw refuse(field, `${arn} is not an SNS topic of the templates: the local cloud records notifications on its topics and runs no other alarm action`);
      }
    }
    return value;
  };

  const Namespace = text('Namespace', { required: true }) ?? '';
  const MetricName = text('MetricName', { required: true }) ?? '';
  const Dimensions = dimensions(properties.Dimensions, refuse);
  const Statistic = oneOf('Statistic', STATISTICS);
  const Unit = properties.Unit === undefined ? undefined : oneOf('Unit', UNITS);
  const Period = integer('Period');
  if (Period % 60 !== 0) throw refuse('Period', `${Period} s: the local cloud keeps one-minute resolution, so periods are multiples of 60 s (high-resolution alarms are not evaluated)`);
  const EvaluationPeriods = integer('EvaluationPeriods');
  const DatapointsToAlarm = integer('DatapointsToAlarm', EvaluationPeriods);
  if (DatapointsToAlarm > EvaluationPeriods) throw refuse('DatapointsToAlarm', `${DatapointsToAlarm} is more than EvaluationPeriods (${EvaluationPeriods})`);
  const ActionsEnabled = properties.ActionsEnabled ?? true;
  if (ActionsEnabled !== true && ActionsEnabled !== false && ActionsEnabled !== 'true' && ActionsEnabled !== 'false') throw refuse('ActionsEnabled', 'must be a boolean');

  checkPublished(Namespace, MetricName, Dimensions, refuse);

  return {
    AlarmName: name,
    AlarmArn: `arn:aws:cloudwatch:${context.region}:${context.accountId}:alarm:${name}`,
    ...(properties.AlarmDescription !== undefined && { AlarmDescription: text('AlarmDescription', { required: true }) }),
    Namespace,
    MetricName,
    Dimensions,
    Statistic,
    ...(Unit !== undefined && { Unit }),
    Period,
    EvaluationPeriods,
    DatapointsToAlarm,
    Threshold: number('Threshold'),
    ComparisonOperator: oneOf('ComparisonOperator', COMPARISON_OPERATORS),
    TreatMissingData: oneOf('TreatMissingData', TREAT_MISSING_DATA, 'missing'),
    ActionsEnabled: ActionsEnabled === true || ActionsEnabled === 'true',
    AlarmActions: actions('AlarmActions'),
    OKActions: actions('OKActions'),
    InsufficientDataActions: actions('InsufficientDataActions'),
  };
};

const dimensions = (value: unknown, refuse: (field: string, reason: string) => UnsupportedAlarmError): Dimension[] => {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw refuse('Dimensions', 'must be a list of { Name, Value }');
  const names = new Set<string>();
  return value.map((dimension: unknown) => {
    const { Name, Value } = (dimension ?? {}) as { Name?: unknown; Value?: unknown };
    if (typeof Name !== 'string' || Name === '' || typeof Value !== 'string' || Value === '') throw refuse('Dimensions', `${JSON.stringify(dimension)} needs a string Name and Value`);
    if (names.has(Name)) throw refuse('Dimensions', `${Name} is given twice`);
    names.add(Name);
    return { Name, Value };
  });
};

/** An `AWS/` metric must be one the local cloud publishes, under the dimension set it publishes it with. */
const checkPublished = (namespace: string, metricName: string, dimensions: readonly Dimension[], refuse: (field: string, reason: string) => UnsupportedAlarmError): void => {
  if (!namespace.startsWith('AWS/')) return;
  if (!isAwsNamespace(namespace)) {
    throw refuse('Namespace', `${namespace} is not published by the local cloud (it publishes ${Object.keys(AWS_METRICS).join(', ')}, and custom namespaces from Embedded Metric Format)`);
  }
  const published = AWS_METRICS[namespace];
  if (!(published.metrics as readonly string[]).includes(metricName)) {
    throw refuse('MetricName', `${namespace} ${metricName} is not published by the local cloud (it publishes ${published.metrics.join(', ')})`);
  }
  const names = dimensions.map(({ Name }) => Name).sort();
  if (names.join() !== [...published.dimensions].sort().join()) {
    throw refuse('Dimensions', `${namespace} metrics are published with the dimensions [${published.dimensions.join(', ')}], not [${names.join(', ')}]`);
  }
};
