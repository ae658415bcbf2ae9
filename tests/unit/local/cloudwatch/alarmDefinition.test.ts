import { parseAlarmDefinition, UnsupportedAlarmError } from '../../../../local/cloudwatch/alarmDefinition';

const REGION = 'eu-west-1';
const ACCOUNT = '000000000000';
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:ordering-dev-alarms`;

/** A DLQ depth alarm as `services/subscriptions.js` declares it, resolved. */
const DLQ_ALARM: Record<string, unknown> = {
  AlarmDescription: 'ordering-payment: onOrderPlaced dead-lettered a message',
  Namespace: 'AWS/SQS',
  MetricName: 'ApproximateNumberOfMessagesVisible',
  Dimensions: [{ Name: 'QueueName', Value: 'ordering-payment-dev-onOrderPlaced-dlq' }],
  Statistic: 'Maximum',
  Period: 60,
  EvaluationPeriods: 1,
  Threshold: 0,
  ComparisonOperator: 'GreaterThanThreshold',
  TreatMissingData: 'notBreaching',
  AlarmActions: [TOPIC],
};

const parse = (properties: Record<string, unknown>) =>
  parseAlarmDefinition(properties, { defaultName: 'ordering-payment-dev-OnOrderPlacedDeadLetterAlarm', region: REGION, accountId: ACCOUNT, isTopic: (arn) => arn === TOPIC });

/** The error a refused alarm throws. */
const refusal = (properties: Record<string, unknown>): UnsupportedAlarmError => {
  try {
    parse(properties);
  } catch (error) {
    if (error instanceof UnsupportedAlarmError) return error;
    throw error;
  }
  throw new Error('the alarm was accepted');
};

describe('parseAlarmDefinition', () => {
  it('names an alarm without AlarmName after its stack and logical id, with AWS defaults for what it leaves out', () => {
    const alarm = parse(DLQ_ALARM);

    expect(alarm).toEqual({
      ...DLQ_ALARM,
      AlarmName: 'ordering-payment-dev-OnOrderPlacedDeadLetterAlarm',
      AlarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:ordering-payment-dev-OnOrderPlacedDeadLetterAlarm`,
      DatapointsToAlarm: 1,
      ActionsEnabled: true,
      OKActions: [],
      InsufficientDataActions: [],
    });
  });

  it('keeps AlarmName, DatapointsToAlarm and numbers CloudFormation passed as strings', () => {
    const alarm = parse({ ...DLQ_ALARM, AlarmName: 'dlq', Period: '300', EvaluationPeriods: '5', DatapointsToAlarm: 3, Threshold: '2.5', OKActions: [TOPIC] });

    expect(alarm).toMatchObject({ AlarmName: 'dlq', Period: 300, EvaluationPeriods: 5, DatapointsToAlarm: 3, Threshold: 2.5, OKActions: [TOPIC] });
  });

  it('accepts a custom namespace with any metric and dimensions, as functions publish them in EMF', () => {
    const alarm = parse({
      ...DLQ_ALARM,
      Namespace: 'Ordering',
      MetricName: 'IncompleteOrders',
      Dimensions: [{ Name: 'service', Value: 'order' }, { Name: 'stage', Value: 'dev' }],
      Period: 900,
      TreatMissingData: 'missing',
    });

    expect(alarm).toMatchObject({ Namespace: 'Ordering', MetricName: 'IncompleteOrders', Period: 900 });
  });

  it.each([
    ['Metrics', { Metrics: [{ Id: 'm1', Expression: 'SUM(METRICS())' }] }, /metric math/],
    ['ExtendedStatistic', { ExtendedStatistic: 'p99' }, /percentiles/],
    ['EvaluateLowSampleCountPercentile', { EvaluateLowSampleCountPercentile: 'ignore' }, /percentile/],
    ['ThresholdMetricId', { ThresholdMetricId: 'ad1' }, /anomaly detection/],
    ['Statistic', { Statistic: 'p99' }, /not one of SampleCount, Sum, Minimum, Maximum, Average/],
    ['Period', { Period: 30 }, /multiples of 60/],
    ['DatapointsToAlarm', { EvaluationPeriods: 2, DatapointsToAlarm: 3 }, /more than EvaluationPeriods/],
    ['ComparisonOperator', { ComparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold' }, /not one of/],
    ['TreatMissingData', { TreatMissingData: 'zero' }, /not one of/],
    ['Unit', { Unit: 'Orders' }, /not one of/],
    ['Namespace', { Namespace: 'AWS/DynamoDB' }, /AWS\/DynamoDB is not published by the local cloud/],
    ['MetricName', { MetricName: 'NumberOfMessagesSent' }, /AWS\/SQS NumberOfMessagesSent is not published/],
    ['Dimensions', { Dimensions: [] }, /published with the dimensions \[QueueName\]/],
    ['AlarmActions', { AlarmActions: ['arn:aws:automate:eu-west-1:ec2:stop'] }, /not an SNS topic of the templates/],
    ['OKActions', { OKActions: [`arn:aws:sns:${REGION}:${ACCOUNT}:elsewhere`] }, /not an SNS topic of the templates/],
    ['Threshold', { Threshold: undefined }, /not a number/],
    ['Colour', { Colour: 'red' }, /not an AWS::CloudWatch::Alarm property the local cloud knows/],
  ])('refuses the alarm naming it and the field %s when the evaluator cannot honour it', (field, change, reason) => {
    const error = refusal({ ...DLQ_ALARM, ...change });

    expect(error.field).toBe(field);
    expect(error.message).toContain('ordering-payment-dev-OnOrderPlacedDeadLetterAlarm');
    expect(error.message).toContain(field);
    expect(error.message).toMatch(reason);
  });
});
