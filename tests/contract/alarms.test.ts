import { readPackagedTemplate, STACKS, type StackName } from '../../scripts/stacks';
import { deadLetterQueueIds, getAttTarget, refTarget, resourcesOfType } from '../support/packagedTemplates';

/** The stage `npm run package` packages. */
const STAGE = 'dev';

/**
 * The alarm contract, shared with the local CloudWatch that evaluates these alarms: the AWS metrics an alarm may
 * watch, each with the one dimension that names its resource, and how that dimension must name it.
 */
const AWS_METRICS: Record<string, { metrics: string[]; dimension: string; resourceType: string; resourceOf: (value: unknown) => string | undefined }> = {
  'AWS/States': {
    metrics: ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'],
    dimension: 'StateMachineArn',
    resourceType: 'AWS::StepFunctions::StateMachine',
    resourceOf: refTarget,
  },
  'AWS/Lambda': { metrics: ['Errors', 'Throttles'], dimension: 'FunctionName', resourceType: 'AWS::Lambda::Function', resourceOf: refTarget },
  'AWS/SQS': {
    metrics: ['ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage'],
    dimension: 'QueueName',
    resourceType: 'AWS::SQS::Queue',
    resourceOf: (value) => getAttTarget(value, 'QueueName'),
  },
  'AWS/ApiGateway': { metrics: ['5xx'], dimension: 'ApiId', resourceType: 'AWS::ApiGatewayV2::Api', resourceOf: refTarget },
};

/** Custom metrics (namespace `Ordering`, dimensions `service` and `stage`), by the service whose function emits them. */
const CUSTOM_METRICS: Partial<Record<StackName, string[]>> = { order: ['IncompleteOrders', 'CompensationOwed'] };
/** How the contract says a custom gauge, reported every 15 minutes, is alarmed. */
const CUSTOM_METRIC_EVALUATION = { Statistic: 'Maximum', Period: 900, Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' };

const ALLOWED_FIELDS = new Set([
  'AlarmName',
  'AlarmDescription',
  'Namespace',
  'MetricName',
  'Dimensions',
  'Statistic',
  'Period',
  'EvaluationPeriods',
  'DatapointsToAlarm',
  'Threshold',
  'ComparisonOperator',
  'TreatMissingData',
  'AlarmActions',
  'OKActions',
]);
const REQUIRED_FIELDS = ['AlarmDescription', 'Namespace', 'MetricName', 'Dimensions', 'Statistic', 'Period', 'EvaluationPeriods', 'Threshold', 'ComparisonOperator', 'TreatMissingData', 'AlarmActions'];
const STATISTICS = ['Sum', 'Maximum', 'Minimum', 'Average', 'SampleCount'];
const OPERATORS = ['GreaterThanThreshold', 'GreaterThanOrEqualToThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold'];
const MISSING_DATA = ['missing', 'notBreaching', 'breaching', 'ignore'];

interface AlarmProperties {
  Namespace?: string;
  MetricName?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Statistic?: string;
  Period?: number;
  EvaluationPeriods?: number;
  DatapointsToAlarm?: number;
  Threshold?: number;
  ComparisonOperator?: string;
  TreatMissingData?: string;
  AlarmActions?: unknown[];
  OKActions?: unknown[];
  [field: string]: unknown;
}

// The identity stack (a user pool, its app client and a group) has no asynchronous path to alarm or give a DLQ:
// tests/unit/services/identity/serverless.test.ts checks that it declares nothing else.
const STACKS_WITH_FUNCTIONS = STACKS.filter((stack) => stack.name !== 'identity');

describe.each(STACKS_WITH_FUNCTIONS.map((stack) => [stack.name] as const))('alarms of the %s stack', (stack) => {
  const template = readPackagedTemplate(stack);
  const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([id, alarm]) => {
    const properties: AlarmProperties = alarm.Properties ?? {};
    return { id, properties };
  });
  /** The logical ids of the resources alarmed on `namespace`/`metricName`. */
  const alarmed = (namespace: string, metricName: string): string[] => {
    const contract = AWS_METRICS[namespace];
    return alarms
      .filter(({ properties }) => properties.Namespace === namespace && properties.MetricName === metricName)
      .map(({ properties }) => contract?.resourceOf(properties.Dimensions?.find((dimension) => dimension.Name === contract.dimension)?.Value))
      .filter((id): id is string => id !== undefined);
  };
  const idsOfType = (type: string) => resourcesOfType(template, type).map(([id]) => id);

  it('declares every alarm with the contract fields only, and values the contract allows', () => {
    const invalid = alarms.flatMap(({ id, properties }) => {
      const { Period = 0, EvaluationPeriods = 0, DatapointsToAlarm } = properties;
      const problems = [
        ...Object.keys(properties).filter((field) => !ALLOWED_FIELDS.has(field)).map((field) => `field ${field}`),
        ...REQUIRED_FIELDS.filter((field) => properties[field] === undefined).map((field) => `no ${field}`),
        ...(STATISTICS.includes(properties.Statistic ?? '') ? [] : [`statistic ${properties.Statistic}`]),
        ...(OPERATORS.includes(properties.ComparisonOperator ?? '') ? [] : [`operator ${properties.ComparisonOperator}`]),
        ...(MISSING_DATA.includes(properties.TreatMissingData ?? '') ? [] : [`missing data ${properties.TreatMissingData}`]),
        ...(Number.isInteger(Period) && Period > 0 && Period % 60 === 0 ? [] : [`period ${Period}`]),
        ...(Number.isInteger(EvaluationPeriods) && EvaluationPeriods >= 1 ? [] : [`evaluation periods ${EvaluationPeriods}`]),
        ...(DatapointsToAlarm === undefined || (DatapointsToAlarm >= 1 && DatapointsToAlarm <= EvaluationPeriods) ? [] : [`datapoints to alarm ${DatapointsToAlarm}`]),
        ...(typeof properties.Threshold === 'number' ? [] : [`threshold ${String(properties.Threshold)}`]),
      ];
      return problems.map((problem) => `${id}: ${problem}`);
    });

    expect(invalid).toEqual([]);
  });

  it("watches only contract metrics, each through the dimension that names a resource of this stack", () => {
    const customMetrics = CUSTOM_METRICS[stack] ?? [];

    const invalid = alarms
      .filter(({ properties }) => {
        const { Namespace = '', MetricName = '', Dimensions = [] } = properties;
        if (Namespace === 'Ordering') {
          const expected = [
            { Name: 'service', Value: stack },
            { Name: 'stage', Value: STAGE },
          ];
          return !customMetrics.includes(MetricName) || JSON.stringify([...Dimensions].sort((a, b) => a.Name.localeCompare(b.Name))) !== JSON.stringify(expected);
        }
        const contract = AWS_METRICS[Namespace];
        const [dimension, ...others] = Dimensions;
        const resource = dimension && contract?.resourceOf(dimension.Value);
        return (
          !contract ||
          !contract.metrics.includes(MetricName) ||
          others.length > 0 ||
          dimension?.Name !== contract.dimension ||
          resource === undefined ||
          template.Resources[resource]?.Type !== contract.resourceType
        );
      })
      .map(({ id }) => id);

    expect(invalid).toEqual([]);
  });

  it('notifies the alarm topic with every alarm, and with nothing else', () => {
    // The platform stack owns the topic; it cannot import its own export.
    const topic = stack === 'platform' ? { Ref: 'AlarmTopic' } : { 'Fn::ImportValue': `ordering-platform-${STAGE}-AlarmTopicArn` };

    const elsewhere = alarms
      .filter(({ properties }) => JSON.stringify(properties.AlarmActions) !== JSON.stringify([topic]) || (properties.OKActions !== undefined && JSON.stringify(properties.OKActions) !== JSON.stringify([topic])))
      .map(({ id }) => id);

    expect(alarms.length).toBeGreaterThan(0);
    expect(elsewhere).toEqual([]);
  });

  it('alarms on the errors of every function', () => {
    const unalarmed = idsOfType('AWS::Lambda::Function').filter((id) => !alarmed('AWS/Lambda', 'Errors').includes(id));

    expect(unalarmed).toEqual([]);
  });

  it.each(AWS_METRICS['AWS/States']?.metrics ?? [])('alarms on %s of every state machine', (metricName) => {
    const unalarmed = idsOfType('AWS::StepFunctions::StateMachine').filter((id) => !alarmed('AWS/States', metricName).includes(id));

    expect(unalarmed).toEqual([]);
  });

  it('alarms on the 5xx answers of every HTTP API', () => {
    const unalarmed = idsOfType('AWS::ApiGatewayV2::Api').filter((id) => !alarmed('AWS/ApiGateway', '5xx').includes(id));

    expect(unalarmed).toEqual([]);
  });

  it('alarms on the depth of every DLQ', () => {
    const deadLetterQueues = [...deadLetterQueueIds(template)];

    const unalarmed = deadLetterQueues.filter((id) => !alarmed('AWS/SQS', 'ApproximateNumberOfMessagesVisible').includes(id));

    expect(deadLetterQueues.length).toBeGreaterThan(0);
    expect(unalarmed).toEqual([]);
  });

  it('alarms on every custom metric its functions emit, as the contract evaluates a gauge', () => {
    const customAlarms = alarms.filter(({ properties }) => properties.Namespace === 'Ordering');

    expect(customAlarms.map(({ properties }) => properties.MetricName).sort()).toEqual([...(CUSTOM_METRICS[stack] ?? [])].sort());
    for (const { properties } of customAlarms) expect(properties).toMatchObject(CUSTOM_METRIC_EVALUATION);
  });
});
