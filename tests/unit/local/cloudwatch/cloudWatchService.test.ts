import { CloudWatchService, type GaugeReading } from '../../../../local/cloudwatch/cloudWatchService';
import { SnsService } from '../../../../local/sns/snsService';

const REGION = 'eu-west-1';
const ACCOUNT = '000000000000';
const MINUTE = 60_000;
/** 08/12/26 10:31:00 UTC. */
const START = Date.UTC(2026, 11, 8, 10, 31, 0);
const FUNCTION = 'ordering-payment-dev-chargePayment';

/** A service on a clock the test moves, notifying real local SNS topics. */
const setup = (options: { gauges?: () => GaugeReading[]; evaluationIntervalMs?: number } = {}) => {
  let time = START + 5_000;
  const notices: string[] = [];
  const sns = new SnsService({ region: REGION, accountId: ACCOUNT, now: () => time });
  const topic = sns.createTopic('ordering-dev-alarms');
  const cloudWatch = new CloudWatchService({ region: REGION, accountId: ACCOUNT, notifier: sns, now: () => time, log: (line) => notices.push(line), ...options });
  return {
    cloudWatch,
    sns,
    topic,
    notices,
    advance: (ms: number) => {
      time += ms;
    },
    now: () => time,
  };
};

/** An alarm on a function's errors, as the templates declare one. */
const errorsAlarm = (topic: string, changes: Record<string, unknown> = {}): Record<string, unknown> => ({
  AlarmDescription: 'chargePayment failed',
  Namespace: 'AWS/Lambda',
  MetricName: 'Errors',
  Dimensions: [{ Name: 'FunctionName', Value: FUNCTION }],
  Statistic: 'Sum',
  Period: 60,
  EvaluationPeriods: 1,
  Threshold: 0,
  ComparisonOperator: 'GreaterThanThreshold',
  TreatMissingData: 'notBreaching',
  AlarmActions: [topic],
  ...changes,
});

const stateOf = (cloudWatch: CloudWatchService, name: string) => cloudWatch.describeAlarms({ AlarmNames: [name] })[0]?.StateValue;

describe('CloudWatchService alarms', () => {
  it('starts an alarm in INSUFFICIENT_DATA until its first evaluation, as AWS creates it', () => {
    const { cloudWatch, topic } = setup();

    const created = cloudWatch.putMetricAlarm(errorsAlarm(topic), 'stack-ErrorsAlarm');

    expect(created).toMatchObject({ AlarmName: 'stack-ErrorsAlarm', StateValue: 'INSUFFICIENT_DATA', StateReason: 'Unchecked: Initial alarm creation' });
  });

  it('notifies the alarm topic with CloudWatch’s message when a function error moves the alarm to ALARM', () => {
    const { cloudWatch, sns, topic, now } = setup();
    cloudWatch.putMetricAlarm(errorsAlarm(topic), 'stack-ErrorsAlarm');
    cloudWatch.evaluateAlarms();

    cloudWatch.recordInvocation(FUNCTION, 'failed');
    cloudWatch.evaluateAlarms();

    const [notification, ...others] = sns.notifications(topic);
    expect(others).toEqual([]);
    expect(notification?.Subject).toBe(`ALARM: "stack-ErrorsAlarm" in ${REGION}`);
    expect(JSON.parse(notification?.Message ?? '')).toEqual({
      AlarmName: 'stack-ErrorsAlarm',
      AlarmDescription: 'chargePayment failed',
      AWSAccountId: ACCOUNT,
      AlarmConfigurationUpdatedTimestamp: '2026-12-08T10:31:05.000+0000',
      NewStateValue: 'ALARM',
      NewStateReason: 'Threshold Crossed: 1 datapoint [1.0 (08/12/26 10:31:00)] was greater than the threshold (0.0).',
      StateChangeTime: new Date(now()).toISOString().replace('Z', '+0000'),
      Region: REGION,
      AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:stack-ErrorsAlarm`,
      OldStateValue: 'OK',
      OKActions: [],
      AlarmActions: [topic],
      InsufficientDataActions: [],
      Trigger: {
        MetricName: 'Errors',
        Namespace: 'AWS/Lambda',
        StatisticType: 'Statistic',
        Statistic: 'SUM',
        Unit: null,
        Dimensions: [{ value: FUNCTION, name: 'FunctionName' }],
        Period: 60,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        TreatMissingData: 'notBreaching',
        EvaluateLowSampleCountPercentile: '',
      },
    });
  });

  it('records every state change with its time in the history, newest first, and in the alarm’s description', () => {
    const { cloudWatch, topic, advance, now } = setup();
    cloudWatch.putMetricAlarm(errorsAlarm(topic), 'stack-ErrorsAlarm');
    cloudWatch.evaluateAlarms();
    advance(1_000);
    cloudWatch.recordInvocation(FUNCTION, 'failed');
    cloudWatch.evaluateAlarms();
    const alarmedAt = now();

    const history = cloudWatch.describeAlarmHistory({ AlarmName: 'stack-ErrorsAlarm' });

    expect(history.map(({ HistoryItemType, HistorySummary, Timestamp }) => ({ HistoryItemType, HistorySummary, at: Timestamp.getTime() - START }))).toEqual([
      { HistoryItemType: 'StateUpdate', HistorySummary: 'Alarm updated from OK to ALARM', at: 6_000 },
      { HistoryItemType: 'StateUpdate', HistorySummary: 'Alarm updated from INSUFFICIENT_DATA to OK', at: 5_000 },
      { HistoryItemType: 'ConfigurationUpdate', HistorySummary: 'Alarm "stack-ErrorsAlarm" created', at: 5_000 },
    ]);
    expect(JSON.parse(history[0]?.HistoryData ?? '')).toMatchObject({ oldState: { stateValue: 'OK' }, newState: { stateValue: 'ALARM', stateReasonData: { recentDatapoints: [1] } } });
    expect(cloudWatch.describeAlarms()[0]).toMatchObject({ StateValue: 'ALARM', StateUpdatedTimestamp: new Date(alarmedAt) });
  });

  it('notifies once per state change, not once per evaluation, when the state holds', () => {
    const { cloudWatch, sns, topic, advance } = setup();
    cloudWatch.putMetricAlarm(errorsAlarm(topic), 'stack-ErrorsAlarm');
    cloudWatch.recordInvocation(FUNCTION, 'failed');

    cloudWatch.evaluateAlarms();
    advance(5_000);
    cloudWatch.recordInvocation(FUNCTION, 'failed');
    cloudWatch.evaluateAlarms();

    expect(sns.notifications(topic)).toHaveLength(1);
  });

  it('notifies OKActions when the alarm returns to OK, and nothing at all when actions are disabled', () => {
    const { cloudWatch, sns, topic, advance } = setup();
    cloudWatch.putMetricAlarm(errorsAlarm(topic, { OKActions: [topic] }), 'stack-Enabled');
    cloudWatch.putMetricAlarm(errorsAlarm(topic, { OKActions: [topic], ActionsEnabled: false }), 'stack-Disabled');
    cloudWatch.recordInvocation(FUNCTION, 'failed');
    cloudWatch.evaluateAlarms();

    advance(2 * MINUTE);
    cloudWatch.evaluateAlarms();

    expect(sns.notifications(topic).map(({ Subject }) => Subject)).toEqual([`ALARM: "stack-Enabled" in ${REGION}`, `OK: "stack-Enabled" in ${REGION}`]);
    expect(stateOf(cloudWatch, 'stack-Disabled')).toBe('OK');
  });

  it('reads the gauges before each evaluation, so a queue’s depth counts at once', () => {
    let depth = 0;
    const { cloudWatch, topic } = setup({
      gauges: () => [{ metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: 'q-dlq' }] }, value: depth, unit: 'Count' }],
    });
    cloudWatch.putMetricAlarm(
      errorsAlarm(topic, { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: 'q-dlq' }], Statistic: 'Maximum' }),
      'stack-DlqAlarm',
    );

    const before = cloudWatch.evaluateAlarms()[0]?.StateValue;
    depth = 1;
    const after = cloudWatch.evaluateAlarms()[0]?.StateValue;

    expect([before, after]).toEqual(['OK', 'ALARM']);
  });

  it('evaluates on its timer once started, and not after it is stopped', () => {
    jest.useFakeTimers();
    try {
      const { cloudWatch, topic } = setup({ evaluationIntervalMs: 1_000 });
      cloudWatch.putMetricAlarm(errorsAlarm(topic), 'stack-ErrorsAlarm');

      cloudWatch.start();
      jest.advanceTimersByTime(1_000);
      const afterOneTick = stateOf(cloudWatch, 'stack-ErrorsAlarm');
      cloudWatch.recordInvocation(FUNCTION, 'failed');
      cloudWatch.stop();
      jest.advanceTimersByTime(5_000);

      expect(afterOneTick).toBe('OK');
      expect(stateOf(cloudWatch, 'stack-ErrorsAlarm')).toBe('OK');
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses a second alarm of the same name', () => {
    const { cloudWatch, topic } = setup();
    cloudWatch.putMetricAlarm(errorsAlarm(topic, { AlarmName: 'errors' }), 'stack-A');

    expect(() => cloudWatch.putMetricAlarm(errorsAlarm(topic, { AlarmName: 'errors' }), 'stack-B')).toThrow(/errors is declared twice/);
  });
});

describe('CloudWatchService metrics', () => {
  const sums = (cloudWatch: CloudWatchService, Namespace: string, MetricName: string, Dimensions: { Name: string; Value: string }[], now: number) =>
    cloudWatch
      .getMetricStatistics({ Namespace, MetricName, Dimensions, StartTime: new Date(now - 10 * MINUTE), EndTime: new Date(now + MINUTE), Period: 60, Statistics: ['Sum', 'SampleCount'] })
      .Datapoints.map(({ Sum, SampleCount }) => ({ Sum, SampleCount }));

  it('counts Invocations and Errors for invocations that ran, and Throttles alone for throttled ones', () => {
    const { cloudWatch, now } = setup();
    const fn = [{ Name: 'FunctionName', Value: FUNCTION }];

    cloudWatch.recordInvocation(FUNCTION, 'succeeded');
    cloudWatch.recordInvocation(FUNCTION, 'failed');
    cloudWatch.recordInvocation(FUNCTION, 'throttled');

    expect(sums(cloudWatch, 'AWS/Lambda', 'Invocations', fn, now())).toEqual([{ Sum: 2, SampleCount: 2 }]);
    expect(sums(cloudWatch, 'AWS/Lambda', 'Errors', fn, now())).toEqual([{ Sum: 1, SampleCount: 2 }]);
    expect(sums(cloudWatch, 'AWS/Lambda', 'Throttles', fn, now())).toEqual([{ Sum: 1, SampleCount: 1 }]);
  });

  it('counts each closed execution under its status, at its stop date', () => {
    const { cloudWatch, now } = setup();
    const stateMachineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:ordering-order-dev-order`;
    const machine = [{ Name: 'StateMachineArn', Value: stateMachineArn }];

    cloudWatch.recordExecutionClosed({ stateMachineArn, status: 'FAILED', stopDate: new Date(now() - 3 * MINUTE) });
    cloudWatch.recordExecutionClosed({ stateMachineArn, status: 'TIMED_OUT', stopDate: new Date(now()) });
    cloudWatch.recordExecutionClosed({ stateMachineArn, status: 'ABORTED', stopDate: new Date(now()) });
    cloudWatch.recordExecutionClosed({ stateMachineArn, status: 'SUCCEEDED', stopDate: new Date(now()) });

    const failed = cloudWatch.getMetricStatistics({ Namespace: 'AWS/States', MetricName: 'ExecutionsFailed', Dimensions: machine, StartTime: new Date(now() - 10 * MINUTE), EndTime: new Date(now() + MINUTE), Period: 60, Statistics: ['Sum'] });
    expect(failed.Datapoints).toEqual([{ Timestamp: new Date(START - 3 * MINUTE), Unit: 'Count', Sum: 1 }]);
    for (const name of ['ExecutionsTimedOut', 'ExecutionsAborted', 'ExecutionsSucceeded']) expect(sums(cloudWatch, 'AWS/States', name, machine, now())).toEqual([{ Sum: 1, SampleCount: 1 }]);
  });

  it('counts 5xx and 4xx among an HTTP API’s responses', () => {
    const { cloudWatch, now } = setup();
    const api = [{ Name: 'ApiId', Value: 'a1b2c3d4e5' }];

    for (const status of [200, 202, 404, 500, 503]) cloudWatch.recordApiResponse('a1b2c3d4e5', status);

    expect(sums(cloudWatch, 'AWS/ApiGateway', 'Count', api, now())).toEqual([{ Sum: 5, SampleCount: 5 }]);
    expect(sums(cloudWatch, 'AWS/ApiGateway', '5xx', api, now())).toEqual([{ Sum: 2, SampleCount: 5 }]);
    expect(sums(cloudWatch, 'AWS/ApiGateway', '4xx', api, now())).toEqual([{ Sum: 1, SampleCount: 5 }]);
  });

  it('publishes the metrics of a function’s Embedded Metric Format line at the line’s timestamp, and notes nothing for other lines', () => {
    const { cloudWatch, notices, now } = setup();
    const timestamp = now() - 2 * MINUTE;
    const line = JSON.stringify({
      _aws: { Timestamp: timestamp, CloudWatchMetrics: [{ Namespace: 'Ordering', Dimensions: [['service', 'stage']], Metrics: [{ Name: 'IncompleteOrders', Unit: 'Count' }] }] },
      service: 'order',
      stage: 'dev',
      IncompleteOrders: 4,
    });

    cloudWatch.putLogLine('ordering-order-dev-reportIncompleteOrders', line);
    cloudWatch.putLogLine('ordering-order-dev-reportIncompleteOrders', '{"level":"INFO","message":"reported"}');

    const { Datapoints } = cloudWatch.getMetricStatistics({
      Namespace: 'Ordering',
      MetricName: 'IncompleteOrders',
      Dimensions: [{ Name: 'stage', Value: 'dev' }, { Name: 'service', Value: 'order' }],
      StartTime: new Date(now() - 10 * MINUTE),
      EndTime: new Date(now() + MINUTE),
      Period: 60,
      Statistics: ['Maximum'],
    });
    expect(Datapoints).toEqual([{ Timestamp: new Date(START - 2 * MINUTE), Unit: 'Count', Maximum: 4 }]);
    expect(notices).toEqual([]);
  });

  it.each([
    ['breaks the format', { CloudWatchMetrics: [{ Namespace: 'Ordering', Dimensions: [], Metrics: [{ Name: 'Missing' }] }] }, /metric Missing needs a number/],
    ['writes to an AWS namespace', { CloudWatchMetrics: [{ Namespace: 'AWS/Lambda', Dimensions: [], Metrics: [{ Name: 'Errors' }] }] }, /AWS\/Lambda is reserved/],
    ['is dated three hours ahead', { CloudWatchMetrics: [{ Namespace: 'Ordering', Dimensions: [], Metrics: [{ Name: 'Errors' }] }], future: true }, /future/],
  ])('notes, naming the function, an EMF line that %s, and records nothing', (_case, metadata, notice) => {
    const { cloudWatch, notices, now } = setup();
    const { future, ...rest } = metadata as { future?: boolean };

    cloudWatch.putLogLine('ordering-order-dev-placeOrder', JSON.stringify({ _aws: { Timestamp: future ? now() + 3 * 60 * MINUTE : now(), ...rest }, Errors: 1 }));

    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^ordering-order-dev-placeOrder: /);
    expect(notices[0]).toMatch(notice);
    expect(cloudWatch.listMetrics()).toEqual([]);
  });
});
