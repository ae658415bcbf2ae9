// @ts-check
/**
 * Alarms for every failure path of a service, generated from what its serverless.yml declares, so that a new
 * function or workflow is alarmed without anyone remembering to add one:
 *
 *   each function                  Errors                                        AWS/Lambda, FunctionName
 *   each state machine             ExecutionsFailed, ExecutionsTimedOut,          AWS/States, StateMachineArn
 *                                  ExecutionsAborted
 *   the HTTP API (if any route)    5xx                                           AWS/ApiGateway, ApiId
 *   each on-failure destination    ApproximateNumberOfMessagesVisible            AWS/SQS, QueueName
 *   each `custom.alarms.gauges`    the gauge (Ordering namespace, EMF)           Ordering, service + stage
 *
 * Subscription DLQs are alarmed by services/subscriptions.js with {@link deadLetterAlarm}. Every alarm notifies
 * the platform stack's alarm topic, on ALARM and on OK (an incident tool closes the page on OK). Only the metrics
 * and fields of the alarm contract are used (a single metric, no metric math); tests/contract/alarms.test.ts
 * checks every packaged alarm against it.
 *
 * Cost: $0.10 per alarm-month; with thirty-odd functions and six workflows, about 65 alarms, $6.50 a month a stage.
 */

const upperFirst = (/** @type {string} */ name) => name.charAt(0).toUpperCase() + name.slice(1);

/** A function's name as the framework's logical ids spell it (`-` and `_` spelled out, first letter upper). */
const normalizedName = (/** @type {string} */ functionKey) => upperFirst(functionKey.replace(/-/g, 'Dash').replace(/_/g, 'Underscore'));

/**
 * How an alarm evaluates its metric, by what one occurrence of the failure means to whoever is on call.
 * @typedef {{ Statistic: string, Period: number, EvaluationPeriods: number, DatapointsToAlarm?: number,
 *   Threshold: number, ComparisonOperator: string, TreatMissingData: string }} Evaluation
 */
const evaluations = {
  // One is an incident. A workflow execution that failed, timed out or was stopped has left an order where no
  // step will move it on (nothing in the design stops executions, so an abort is a person or a bug), and a
  // message in a DLQ is an event some consumer gave up on. No data means nothing failed.
  /** @type {Evaluation} */
  anyInAMinute: {
    Statistic: 'Sum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
  },
  /** @type {Evaluation} */
  anyMessageInAMinute: {
    Statistic: 'Maximum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
  },
  // Sustained, not single. Workflow tasks throw TransientError on purpose so that Step Functions retries them
  // (six attempts over about a minute), the HTTP API's clients resend with the same Idempotency-Key, and an
  // asynchronous invocation is retried by Lambda: a lone error is absorbed, and a retry budget that runs out
  // fails an execution or dead-letters a message, which pages on its own (above). What these alarms add is a
  // dependency or a deploy that keeps failing even while retries still succeed: five errors or more a minute,
  // in three of five consecutive minutes (longer than a task's whole retry schedule). Counts, not rates: the
  // contract has no metric math, and at this project's volumes five a minute is far above a transient blip.
  /** @type {Evaluation} */
  sustainedErrors: {
    Statistic: 'Sum',
    Period: 60,
    EvaluationPeriods: 5,
    DatapointsToAlarm: 3,
    Threshold: 5,
    ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    TreatMissingData: 'notBreaching',
  },
  // A gauge its function reports on every run, zeros included: any report above zero pages. One period per
  // run; a window that a run's jitter leaves empty keeps the last verdict (`ignore`) instead of flapping to OK
  // or INSUFFICIENT_DATA. A run that fails is not silent: its on-failure DLQ is alarmed.
  /** @type {(periodSeconds: number) => Evaluation} */
  gauge: (periodSeconds) => ({
    Statistic: 'Maximum',
    Period: periodSeconds,
    EvaluationPeriods: 1,
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'ignore',
  }),
};

/**
 * One CloudWatch alarm on one metric, notifying the platform's alarm topic.
 *
 * @param {{ stage: string, description: string, namespace: string, metricName: string,
 *   dimensions: { Name: string, Value: unknown }[], evaluation: Evaluation }} alarm
 */
const metricAlarm = ({ stage, description, namespace, metricName, dimensions, evaluation }) => {
  const alarmTopic = { 'Fn::ImportValue': `ordering-platform-${stage}-AlarmTopicArn` };
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmDescription: description,
      Namespace: namespace,
      MetricName: metricName,
      Dimensions: dimensions,
      ...evaluation,
      AlarmActions: [alarmTopic],
      OKActions: [alarmTopic],
    },
  };
};

/**
 * The alarm on a dead-letter queue's depth: one message in it is one incident.
 *
 * @param {{ stage: string, queueLogicalId: string, description: string }} alarm
 */
const deadLetterAlarm = ({ stage, queueLogicalId, description }) =>
  metricAlarm({
    stage,
    description,
    namespace: 'AWS/SQS',
    metricName: 'ApproximateNumberOfMessagesVisible',
    dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueLogicalId, 'QueueName'] } }],
    evaluation: evaluations.anyMessageInAMinute,
  });

/** The logical id of the queue an `{ type: sqs, arn: !GetAtt <Queue>.Arn }` destination names, if it is one of the stack's. */
const destinationQueue = (/** @type {unknown} */ destination) => {
  if (typeof destination !== 'object' || destination === null) return undefined;
  const { type, arn } = /** @type {{ type?: string, arn?: { 'Fn::GetAtt'?: [string, string] } }} */ (destination);
  const getAtt = arn?.['Fn::GetAtt'];
  return type === 'sqs' && getAtt?.[1] === 'Arn' ? getAtt[0] : undefined;
};

const STATE_MACHINE_OUTCOMES = [
  ['ExecutionsFailed', 'failed'],
  ['ExecutionsTimedOut', 'timed out'],
  ['ExecutionsAborted', 'was stopped'],
];

/**
 * @param {{ resolveVariable: (v: string) => Promise<any> }} context
 */
module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const domain = await resolveVariable('self:custom.domain');
  /** @type {Record<string, { events?: Record<string, unknown>[], destinations?: { onFailure?: unknown } }>} */
  const functions = (await resolveVariable('self:functions, null')) ?? {};
  /** @type {Record<string, { id?: string, name?: string }>} */
  const stateMachines = (await resolveVariable('self:stepFunctions.stateMachines, null')) ?? {};
  /** @type {{ gauges?: { periodSeconds: number, metrics: Record<string, string> } } | null} */
  const declared = await resolveVariable('self:custom.alarms, null');

  /** @type {Record<string, unknown>} */
  const resources = {};

  for (const [key, definition] of Object.entries(functions)) {
    const name = normalizedName(key);
    resources[`${name}ErrorsAlarm`] = metricAlarm({
      stage,
      description: `${service}: ${key} keeps throwing (5+ errors a minute in 3 of 5 minutes): a dependency or a deploy is failing, even if retries still get through`,
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: [{ Name: 'FunctionName', Value: { Ref: `${name}LambdaFunction` } }],
      evaluation: evaluations.sustainedErrors,
    });
    const onFailureQueue = destinationQueue(definition.destinations?.onFailure);
    if (onFailureQueue) {
      resources[`${onFailureQueue.replace(/Queue$/, '')}Alarm`] = deadLetterAlarm({
        stage,
        queueLogicalId: onFailureQueue,
        description: `${service}: an asynchronous invocation of ${key} failed on every attempt (its record is in the DLQ)`,
      });
    }
  }

  for (const [key, stateMachine] of Object.entries(stateMachines)) {
    if (!stateMachine.id) throw new Error(`services/alarms.js: state machine ${key} of ${service} needs an id (<Workflow>StateMachine)`);
    for (const [metricName, outcome] of STATE_MACHINE_OUTCOMES) {
      resources[`${stateMachine.id}${metricName}Alarm`] = metricAlarm({
        stage,
        description: `${service}: an execution of the ${key} workflow ${outcome}; its history says where (log group /aws/vendedlogs/states/${stateMachine.name ?? key})`,
        namespace: 'AWS/States',
        metricName,
        dimensions: [{ Name: 'StateMachineArn', Value: { Ref: stateMachine.id } }],
        evaluation: evaluations.anyInAMinute,
      });
    }
  }

  // The framework creates one HTTP API, `HttpApi`, for every httpApi event of the service.
  const hasHttpApi = Object.values(functions).some((definition) => (definition.events ?? []).some((event) => 'httpApi' in event));
  if (hasHttpApi) {
    resources.HttpApi5xxAlarm = metricAlarm({
      stage,
      description: `${service}: the HTTP API keeps answering 5xx (5+ a minute in 3 of 5 minutes): its clients are retrying into errors`,
      namespace: 'AWS/ApiGateway',
      metricName: '5xx',
      dimensions: [{ Name: 'ApiId', Value: { Ref: 'HttpApi' } }],
      evaluation: evaluations.sustainedErrors,
    });
  }

  const gauges = declared?.gauges;
  for (const [metricName, description] of Object.entries(gauges?.metrics ?? {})) {
    resources[`${metricName}Alarm`] = metricAlarm({
      stage,
      description: `${service}: ${description}`,
      namespace: 'Ordering',
      metricName,
      dimensions: [
        { Name: 'service', Value: domain },
        { Name: 'stage', Value: stage },
      ],
      evaluation: evaluations.gauge(Number(gauges?.periodSeconds)),
    });
  }
  return resources;
};

module.exports.deadLetterAlarm = deadLetterAlarm;
