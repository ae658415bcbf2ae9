import type { InvocationOutcome } from '../lambda/lambdaRuntime';
import { parseAlarmDefinition, type AlarmDefinition, type AlarmState } from './alarmDefinition';
import { evaluateAlarm, evaluationRange, isoDate, type AlarmEvaluation } from './alarmEvaluation';
import { InvalidEmbeddedMetricsError, parseEmbeddedMetrics } from './embeddedMetrics';
import { InvalidMetricDataError, MetricStore, type Datapoint, type Dimension, type MetricKey, type Statistic } from './metricStore';

/** Where alarm notifications go: the local SNS topics. */
export interface AlarmNotifier {
  hasTopic(topicArn: string): boolean;
  publish(input: { TopicArn: string; Subject: string; Message: string }): unknown;
}

/** A gauge's current value, read before each evaluation (a queue's depth). */
export interface GaugeReading {
  metric: MetricKey;
  value: number;
  unit: string;
}

export interface CloudWatchServiceOptions {
  region: string;
  accountId: string;
  notifier: AlarmNotifier;
  /** Reads the gauges AWS samples once a minute (SQS queue depths); called before every evaluation. */
  gauges?: () => GaugeReading[];
  /** How often {@link CloudWatchService.start}'s timer evaluates every alarm (default 5 s; AWS: every minute). */
  evaluationIntervalMs?: number;
  /** Epoch milliseconds; injectable so tests move through periods without waiting. */
  now?: () => number;
  /** Notices: an EMF line that was not extracted, a notification that failed. */
  log?: (line: string) => void;
}

/** What DescribeAlarms answers for a metric alarm. */
export interface MetricAlarm extends AlarmDefinition {
  StateValue: AlarmState;
  StateReason: string;
  StateReasonData?: string;
  /** The last state change (or the creation). */
  StateUpdatedTimestamp: Date;
  StateTransitionedTimestamp: Date;
  AlarmConfigurationUpdatedTimestamp: Date;
}

/** What DescribeAlarmHistory answers: a creation, or a state change with both states in `HistoryData`. */
export interface AlarmHistoryItem {
  AlarmName: string;
  AlarmType: 'MetricAlarm';
  Timestamp: Date;
  HistoryItemType: 'ConfigurationUpdate' | 'StateUpdate';
  HistorySummary: string;
  /** JSON. */
  HistoryData: string;
}

export interface GetMetricStatisticsInput {
  Namespace: string;
  MetricName: string;
  Dimensions?: readonly Dimension[];
  StartTime: Date;
  EndTime: Date;
  /** Seconds, a multiple of 60. */
  Period: number;
  Statistics: readonly Statistic[];
  Unit?: string;
}

export type MetricStatisticsDatapoint = Pick<Datapoint, 'Timestamp' | 'Unit'> & Partial<Pick<Datapoint, Statistic>>;

interface AlarmRecord {
  definition: AlarmDefinition;
  state: AlarmState;
  reason: string;
  reasonData: string | undefined;
  createdAt: number;
  changedAt: number;
}

/** The part of a closed execution Step Functions' metrics read. */
export interface ClosedExecution {
  stateMachineArn: string;
  status: string;
  stopDate?: Date;
}

const EXECUTION_METRICS: Readonly<Record<string, string>> = {
  SUCCEEDED: 'ExecutionsSucceeded',
  FAILED: 'ExecutionsFailed',
  TIMED_OUT: 'ExecutionsTimedOut',
  ABORTED: 'ExecutionsAborted',
};

/** SNS truncates longer subjects; CloudWatch's are `ALARM: "<name>" in <region>`. */
const MAX_SUBJECT = 100;

/**
 * The local CloudWatch: the metrics AWS would publish for what the local cloud runs (recorded through the
 * `record…` methods and gauges), custom metrics from the Embedded Metric Format lines functions print
 * ({@link putLogLine}), and every alarm of the templates evaluated on them, on a timer ({@link start}) and
 * on demand ({@link evaluateAlarms}). A state change is recorded in the alarm's history and notifies the
 * topics of its actions (`AlarmActions` on ALARM, `OKActions` on OK, `InsufficientDataActions` on
 * INSUFFICIENT_DATA) with the message CloudWatch sends.
 *
 * @example
 * ```ts
 * const cloudWatch = new CloudWatchService({ region, accountId, notifier: sns, gauges: () => queueGauges(sqs) });
 * cloudWatch.putMetricAlarm(resolvedAlarmProperties, 'ordering-payment-dev-OnOrderPlacedDeadLetterAlarm');
 * cloudWatch.start();
 * // … a consumer dead-letters a message …
 * cloudWatch.evaluateAlarms().find((alarm) => alarm.AlarmName === name)?.StateValue; // 'ALARM'
 * ```
 */
export class CloudWatchService {
  private readonly store: MetricStore;
  private readonly alarms = new Map<string, AlarmRecord>();
  /** Every alarm's creation and state changes, oldest first. */
  private readonly history: AlarmHistoryItem[] = [];
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: CloudWatchServiceOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? ((line) => process.stdout.write(`[cloudwatch] ${line}\n`));
    this.store = new MetricStore({ now: this.now });
  }

  /**
   * Adds an alarm from its resolved template properties (see `parseAlarmDefinition` for what is refused),
   * in INSUFFICIENT_DATA until its first evaluation, as on AWS.
   */
  putMetricAlarm(properties: Readonly<Record<string, unknown>>, defaultName: string): MetricAlarm {
    const definition = parseAlarmDefinition(properties, {
      defaultName,
      region: this.options.region,
      accountId: this.options.accountId,
      isTopic: (arn) => this.options.notifier.hasTopic(arn),
    });
    if (this.alarms.has(definition.AlarmName)) throw new Error(`alarm ${definition.AlarmName} is declared twice`);
    const now = this.now();
    const record: AlarmRecord = {
      definition,
      state: 'INSUFFICIENT_DATA',
      reason: 'Unchecked: Initial alarm creation',
      reasonData: undefined,
      createdAt: now,
      changedAt: now,
    };
    this.alarms.set(definition.AlarmName, record);
    this.history.push({
      AlarmName: definition.AlarmName,
      AlarmType: 'MetricAlarm',
      Timestamp: new Date(now),
      HistoryItemType: 'ConfigurationUpdate',
      HistorySummary: `Alarm "${definition.AlarmName}" created`,
      HistoryData: JSON.stringify({ version: '1.0', type: 'Create', createdAlarm: definition }),
    });
    this.store.retainFor(definition.Period * (definition.EvaluationPeriods + 1));
    return describeAlarm(record);
  }

  /** Every alarm, or those named or in one state, by name. */
  describeAlarms(filter: { AlarmNames?: readonly string[]; StateValue?: AlarmState } = {}): MetricAlarm[] {
    return [...this.alarms.values()]
      .filter(({ definition, state }) => (filter.AlarmNames === undefined || filter.AlarmNames.includes(definition.AlarmName)) && (filter.StateValue === undefined || state === filter.StateValue))
      .sort((a, b) => (a.definition.AlarmName < b.definition.AlarmName ? -1 : 1))
      .map(describeAlarm);
  }

  /** Creations and state changes, newest first, of one alarm or all. */
  describeAlarmHistory(filter: { AlarmName?: string } = {}): AlarmHistoryItem[] {
    return this.history.filter((item) => filter.AlarmName === undefined || item.AlarmName === filter.AlarmName).reverse();
  }

  /** GetMetricStatistics: the requested statistics of each period with data, oldest first. */
  getMetricStatistics(input: GetMetricStatisticsInput): { Label: string; Datapoints: MetricStatisticsDatapoint[] } {
    const datapoints = this.store.statistics(
      { Namespace: input.Namespace, MetricName: input.MetricName, Dimensions: input.Dimensions ?? [] },
      { startTime: input.StartTime.getTime(), endTime: input.EndTime.getTime(), period: input.Period, ...(input.Unit !== undefined && { unit: input.Unit }) },
    );
    return {
      Label: input.MetricName,
      Datapoints: datapoints.map((datapoint) => ({
        Timestamp: datapoint.Timestamp,
        Unit: datapoint.Unit,
        ...Object.fromEntries(input.Statistics.map((statistic) => [statistic, datapoint[statistic]])),
      })),
    };
  }

  /** Every metric that holds values (ListMetrics). */
  listMetrics(filter: { Namespace?: string; MetricName?: string } = {}): MetricKey[] {
    return this.store.listMetrics(filter);
  }

  /**
   * Reads the gauges, then evaluates every alarm now; state changes notify their topics before this
   * returns. Returns every alarm, as {@link describeAlarms} does: a test calls it right after the failure
   * it expects an alarm for, instead of waiting for the timer.
   */
  evaluateAlarms(): MetricAlarm[] {
    this.evaluate();
    return this.describeAlarms();
  }

  /** Evaluates every alarm every `evaluationIntervalMs`, until {@link stop}. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      try {
        this.evaluate();
      } catch (error) {
        this.log(`alarm evaluation failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }, this.options.evaluationIntervalMs ?? 5_000);
    // The timer is the cloud's own bookkeeping: it must not keep a process alive that has nothing else to do.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** `AWS/Lambda`: `Invocations` and `Errors` for an invocation that reached the function, `Throttles` for a throttled one. */
  recordInvocation(functionName: string, outcome: InvocationOutcome): void {
    const metric = (MetricName: string): MetricKey => ({ Namespace: 'AWS/Lambda', MetricName, Dimensions: [{ Name: 'FunctionName', Value: functionName }] });
    if (outcome === 'throttled') {
      this.store.put(metric('Throttles'), 1, { unit: 'Count' });
      return;
    }
    this.store.put(metric('Invocations'), 1, { unit: 'Count' });
    this.store.put(metric('Errors'), outcome === 'failed' ? 1 : 0, { unit: 'Count' });
  }

  /** `AWS/States`: one `Executions<Status>` at the execution's stop date. */
  recordExecutionClosed(execution: ClosedExecution): void {
    const MetricName = EXECUTION_METRICS[execution.status];
    if (!MetricName) return; // still running: nothing closed
    this.store.put(
      { Namespace: 'AWS/States', MetricName, Dimensions: [{ Name: 'StateMachineArn', Value: execution.stateMachineArn }] },
      1,
      { unit: 'Count', timestamp: execution.stopDate?.getTime() ?? this.now() },
    );
  }

  /** `AWS/ApiGateway`: `Count`, `4xx` and `5xx` for one response of an HTTP API route. */
  recordApiResponse(apiId: string, statusCode: number): void {
    const metric = (MetricName: string): MetricKey => ({ Namespace: 'AWS/ApiGateway', MetricName, Dimensions: [{ Name: 'ApiId', Value: apiId }] });
    this.store.put(metric('Count'), 1, { unit: 'Count' });
    this.store.put(metric('4xx'), statusCode >= 400 && statusCode < 500 ? 1 : 0, { unit: 'Count' });
    this.store.put(metric('5xx'), statusCode >= 500 ? 1 : 0, { unit: 'Count' });
  }

  /**
   * One line of a function's output, as CloudWatch Logs receives it: an Embedded Metric Format document
   * becomes metric values (each at its `_aws.Timestamp`); any other line is only a log line. A document that
   * breaks the format, or writes to an `AWS/` namespace, is reported through `log`, naming the function.
   */
  putLogLine(functionName: string, line: string): void {
    try {
      const metrics = parseEmbeddedMetrics(line) ?? [];
      const reserved = metrics.find(({ metric }) => metric.Namespace.startsWith('AWS/'));
      if (reserved) throw new InvalidEmbeddedMetricsError(`not extracted as Embedded Metric Format: namespace ${reserved.metric.Namespace} is reserved for AWS`);
      for (const { metric, values, unit, timestamp } of metrics) this.store.put(metric, values, { timestamp, ...(unit !== undefined && { unit }) });
    } catch (error) {
      if (!(error instanceof InvalidEmbeddedMetricsError || error instanceof InvalidMetricDataError)) throw error;
      this.log(`${functionName}: ${error.message}`);
    }
  }

  private evaluate(): void {
    const now = this.now();
    for (const { metric, value, unit } of this.options.gauges?.() ?? []) this.store.sample(metric, value, { timestamp: now, unit });
    this.store.expire();
    for (const record of this.alarms.values()) {
      const { definition } = record;
      const { startTime, endTime } = evaluationRange(definition, now);
      const datapoints = this.store.statistics(definition, { startTime, endTime, period: definition.Period, ...(definition.Unit !== undefined && { unit: definition.Unit }) });
      const evaluation = evaluateAlarm(definition, datapoints, record.state, now);
      if (evaluation && evaluation.state !== record.state) this.transition(record, evaluation, now);
    }
  }

  private transition(record: AlarmRecord, evaluation: AlarmEvaluation, now: number): void {
    const oldState = record.state;
    const oldReason = record.reason;
    Object.assign(record, { state: evaluation.state, reason: evaluation.reason, reasonData: evaluation.reasonData, changedAt: now });
    const { definition } = record;
    this.history.push({
      AlarmName: definition.AlarmName,
      AlarmType: 'MetricAlarm',
      Timestamp: new Date(now),
      HistoryItemType: 'StateUpdate',
      HistorySummary: `Alarm updated from ${oldState} to ${evaluation.state}`,
      HistoryData: JSON.stringify({
        version: '1.0',
        oldState: { stateValue: oldState, stateReason: oldReason },
        newState: { stateValue: evaluation.state, stateReason: evaluation.reason, stateReasonData: JSON.parse(evaluation.reasonData) as unknown },
      }),
    });
    if (!definition.ActionsEnabled) return;
    const topics = { ALARM: definition.AlarmActions, OK: definition.OKActions, INSUFFICIENT_DATA: definition.InsufficientDataActions }[evaluation.state];
    if (topics.length === 0) return;
    const Subject = `${evaluation.state}: "${definition.AlarmName}" in ${this.options.region}`.slice(0, MAX_SUBJECT);
    const Message = JSON.stringify(this.notification(record, oldState, now));
    for (const TopicArn of topics) {
      try {
        this.options.notifier.publish({ TopicArn, Subject, Message });
      } catch (error) {
        // One topic failing must not keep the others, or the rest of the evaluation, from their notifications.
        this.log(`alarm ${definition.AlarmName}: notifying ${TopicArn} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /** The message CloudWatch publishes to an alarm's topics on a state change. */
  private notification(record: AlarmRecord, oldState: AlarmState, now: number): Record<string, unknown> {
    const { definition } = record;
    return {
      AlarmName: definition.AlarmName,
      AlarmDescription: definition.AlarmDescription ?? null,
      AWSAccountId: this.options.accountId,
      AlarmConfigurationUpdatedTimestamp: isoDate(record.createdAt),
      NewStateValue: record.state,
      NewStateReason: record.reason,
      StateChangeTime: isoDate(now),
      Region: this.options.region,
      AlarmArn: definition.AlarmArn,
      OldStateValue: oldState,
      OKActions: definition.OKActions,
      AlarmActions: definition.AlarmActions,
      InsufficientDataActions: definition.InsufficientDataActions,
      Trigger: {
        MetricName: definition.MetricName,
        Namespace: definition.Namespace,
        StatisticType: 'Statistic',
        Statistic: definition.Statistic.toUpperCase(),
        Unit: definition.Unit ?? null,
        Dimensions: definition.Dimensions.map(({ Name, Value }) => ({ value: Value, name: Name })),
        Period: definition.Period,
        EvaluationPeriods: definition.EvaluationPeriods,
        DatapointsToAlarm: definition.DatapointsToAlarm,
        ComparisonOperator: definition.ComparisonOperator,
        Threshold: definition.Threshold,
        TreatMissingData: definition.TreatMissingData,
        EvaluateLowSampleCountPercentile: '',
      },
    };
  }
}

const describeAlarm = (record: AlarmRecord): MetricAlarm => ({
  ...structuredClone(record.definition),
  StateValue: record.state,
  StateReason: record.reason,
  ...(record.reasonData !== undefined && { StateReasonData: record.reasonData }),
  StateUpdatedTimestamp: new Date(record.changedAt),
  StateTransitionedTimestamp: new Date(record.changedAt),
  AlarmConfigurationUpdatedTimestamp: new Date(record.createdAt),
});
