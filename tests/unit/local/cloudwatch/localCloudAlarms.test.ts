/**
 * The local cloud's CloudWatch wiring, on small stacks written as `sls package` would: what it runs publishes
 * the metrics AWS would (a function's errors, a failed execution, an HTTP API's 5xx, a queue's depth, a
 * function's EMF output), the alarms of the templates are evaluated on them and notify the templates' topic,
 * and an alarm or topic the local cloud cannot honour refuses the start.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { startLocalCloud, type LocalCloud, type StackArtifacts } from '../../../../local/cloud';
import type { TemplateResource } from '../../../../local/cloudformation/localResources';

const REGION = 'eu-west-1';
const ACCOUNT = '000000000000';
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:alarms`;
const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:alpha-fn`;

/**
 * Prints an EMF line (as Powertools Metrics does), then answers an HTTP API event with a 500 and fails any
 * other invocation.
 */
const HANDLER = `
  exports.handler = async (event) => {
    console.log(JSON.stringify({
      _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: 'Ordering', Dimensions: [['service']], Metrics: [{ Name: 'Late', Unit: 'Count' }] }] },
      service: 'alpha',
      Late: 2,
    }));
    if (event.version === '2.0') return { statusCode: 500, body: 'broken' };
    throw new Error('failed on purpose');
  };
`;

/** A threshold alarm on one metric, notifying the topic, as the contract for the templates' alarms says. */
const alarm = (AlarmName: string, Namespace: string, MetricName: string, Dimensions: { Name: string; Value: unknown }[], changes: Record<string, unknown> = {}): TemplateResource => ({
  Type: 'AWS::CloudWatch::Alarm',
  Properties: {
    AlarmName,
    Namespace,
    MetricName,
    Dimensions,
    Statistic: 'Sum',
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 0,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
    AlarmActions: [TOPIC_ARN],
    ...changes,
  },
});

/** A stack with a topic, a function behind an HTTP API route, a failing state machine, a queue, and an alarm on each. */
const ALPHA: Record<string, TemplateResource> = {
  AlarmTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'alarms' } },
  FnLambdaFunction: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'alpha-fn', Handler: 'src/handlers/fn.handler', Runtime: 'nodejs20.x', Code: { S3Key: 'fn.zip' } } },
  HttpApi: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'alpha', ProtocolType: 'HTTP' } },
  HttpApiIntegrationFn: { Type: 'AWS::ApiGatewayV2::Integration', Properties: { ApiId: { Ref: 'HttpApi' }, IntegrationType: 'AWS_PROXY', IntegrationUri: FUNCTION_ARN, PayloadFormatVersion: '2.0' } },
  HttpApiRoute: { Type: 'AWS::ApiGatewayV2::Route', Properties: { ApiId: { Ref: 'HttpApi' }, RouteKey: 'POST /alpha', Target: { 'Fn::Join': ['/', ['integrations', { Ref: 'HttpApiIntegrationFn' }]] } } },
  WorkflowStateMachine: {
    Type: 'AWS::StepFunctions::StateMachine',
    Properties: { StateMachineName: 'alpha-workflow', DefinitionString: JSON.stringify({ StartAt: 'Broken', States: { Broken: { Type: 'Fail', Error: 'Broken', Cause: 'on purpose' } } }) },
  },
  DeadLetterQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'alpha-dlq' } },
  ErrorsAlarm: alarm('alpha-errors', 'AWS/Lambda', 'Errors', [{ Name: 'FunctionName', Value: { Ref: 'FnLambdaFunction' } }]),
  ServerErrorsAlarm: alarm('alpha-5xx', 'AWS/ApiGateway', '5xx', [{ Name: 'ApiId', Value: { Ref: 'HttpApi' } }]),
  FailedExecutionsAlarm: alarm('alpha-executions-failed', 'AWS/States', 'ExecutionsFailed', [{ Name: 'StateMachineArn', Value: { Ref: 'WorkflowStateMachine' } }]),
  DeadLetterAlarm: alarm('alpha-dlq', 'AWS/SQS', 'ApproximateNumberOfMessagesVisible', [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } }], { Statistic: 'Maximum' }),
  LateAlarm: alarm('alpha-late', 'Ordering', 'Late', [{ Name: 'service', Value: 'alpha' }], { Statistic: 'Maximum', Period: 900, TreatMissingData: 'missing' }),
};

/** A second stack with its own HTTP API, in front of the same function: its 5xx are its own. */
const BETA: Record<string, TemplateResource> = {
  HttpApi: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'beta', ProtocolType: 'HTTP' } },
  HttpApiIntegrationFn: { Type: 'AWS::ApiGatewayV2::Integration', Properties: { ApiId: { Ref: 'HttpApi' }, IntegrationType: 'AWS_PROXY', IntegrationUri: FUNCTION_ARN, PayloadFormatVersion: '2.0' } },
  HttpApiRoute: { Type: 'AWS::ApiGatewayV2::Route', Properties: { ApiId: { Ref: 'HttpApi' }, RouteKey: 'POST /beta', Target: { 'Fn::Join': ['/', ['integrations', { Ref: 'HttpApiIntegrationFn' }]] } } },
  ServerErrorsAlarm: alarm('beta-5xx', 'AWS/ApiGateway', '5xx', [{ Name: 'ApiId', Value: { Ref: 'HttpApi' } }]),
};

describe('the local cloud’s alarms', () => {
  let dir: string;
  let cloud: LocalCloud | undefined;
  let lineSeen: ((line: string) => void) | undefined;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'local-cloud-alarms-'));
  });

  afterEach(async () => {
    await cloud?.stop();
    cloud = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const stack = (name: string, resources: Record<string, TemplateResource>): StackArtifacts => {
    const stackDir = path.join(dir, name);
    mkdirSync(path.join(stackDir, '.serverless'), { recursive: true });
    writeFileSync(path.join(stackDir, '.serverless/cloudformation-template-update-stack.json'), JSON.stringify({ Resources: resources }));
    writeFileSync(path.join(stackDir, '.serverless/fn.zip'), zipSync({ 'src/handlers/fn.js': strToU8(HANDLER) }));
    return { stackName: name, dir: stackDir };
  };

  const start = (stacks: StackArtifacts[]) =>
    startLocalCloud({ stacks, workDir: path.join(dir, 'functions'), edgePort: 0, httpPort: 0, log: (_source, line) => lineSeen?.(line) });

  /** Resolves once the cloud has handed a function's output line containing `text` on (after CloudWatch Logs read it). */
  const printed = (text: string) =>
    new Promise<void>((resolve) => {
      lineSeen = (line) => {
        if (line.includes(text)) resolve();
      };
    });

  const states = (running: LocalCloud) => Object.fromEntries(running.cloudWatch.evaluateAlarms().map(({ AlarmName, StateValue }) => [AlarmName, StateValue]));

  it('moves each alarm to ALARM, with a notification on the topic, when what it watches fails, and no other', async () => {
    cloud = await start([stack('alpha', ALPHA), stack('beta', BETA)]);
    const running = cloud;
    const before = states(running);

    const emitted = printed('"_aws"');
    await expect(running.lambda.invoke('alpha-fn', {})).rejects.toMatchObject({ message: 'failed on purpose' });
    await emitted;
    const response = await fetch(`${running.httpUrl}/alpha`, { method: 'POST', body: '{}' });
    const closed = new Promise<void>((resolve) => running.stepFunctions.onExecutionClosed(() => resolve()));
    running.stepFunctions.startExecution({ stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:alpha-workflow`, input: '{}' });
    await closed;
    running.sqs.sendMessage('alpha-dlq', { MessageBody: 'dead letter' });
    const after = states(running);

    expect(response.status).toBe(500);
    expect(before).toEqual({ 'alpha-5xx': 'OK', 'alpha-dlq': 'OK', 'alpha-errors': 'OK', 'alpha-executions-failed': 'OK', 'alpha-late': 'INSUFFICIENT_DATA', 'beta-5xx': 'OK' });
    expect(after).toEqual({ 'alpha-5xx': 'ALARM', 'alpha-dlq': 'ALARM', 'alpha-errors': 'ALARM', 'alpha-executions-failed': 'ALARM', 'alpha-late': 'ALARM', 'beta-5xx': 'OK' });
    const subjects = running.sns.notifications(TOPIC_ARN).map(({ Subject }) => Subject);
    expect(subjects.sort()).toEqual(['alpha-5xx', 'alpha-dlq', 'alpha-errors', 'alpha-executions-failed', 'alpha-late'].map((name) => `ALARM: "${name}" in ${REGION}`));
  }, 30_000);

  it('no longer lists alarms and topics among what it does not emulate', async () => {
    cloud = await start([stack('alpha', ALPHA)]);

    expect(cloud.notEmulated.filter((line) => /CloudWatch::Alarm|SNS::Topic/.test(line))).toEqual([]);
  }, 30_000);

  it.each([
    ['a percentile statistic', { ExtendedStatistic: 'p99' }, 'alpha/ErrorsAlarm: alarm alpha-errors: ExtendedStatistic: percentiles are not evaluated locally'],
    ['metric math', { Metrics: [{ Id: 'e', Expression: 'm1 / m2' }] }, 'alpha/ErrorsAlarm: alarm alpha-errors: Metrics: metric math'],
    ['an action that is not a topic of the templates', { AlarmActions: [`arn:aws:sns:${REGION}:${ACCOUNT}:pager`] }, `alpha/ErrorsAlarm: alarm alpha-errors: AlarmActions: arn:aws:sns:${REGION}:${ACCOUNT}:pager is not an SNS topic of the templates`],
    ['an AWS metric the local cloud does not publish', { MetricName: 'Duration' }, 'alpha/ErrorsAlarm: alarm alpha-errors: MetricName: AWS/Lambda Duration is not published by the local cloud'],
  ])('refuses to start, naming the alarm and the field, when an alarm has %s', async (_case, changes, message) => {
    const errorsAlarm = ALPHA.ErrorsAlarm as TemplateResource;

    await expect(start([stack('alpha', { ...ALPHA, ErrorsAlarm: { ...errorsAlarm, Properties: { ...errorsAlarm.Properties, ...changes } } })])).rejects.toThrow(message);
  }, 30_000);

  it('refuses to start, naming the topic and the property, when a topic has subscriptions it would not deliver to', async () => {
    const topic = { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'alarms', Subscription: [{ Protocol: 'email', Endpoint: 'oncall@example.com' }] } };

    await expect(start([stack('alpha', { ...ALPHA, AlarmTopic: topic })])).rejects.toThrow('alpha/AlarmTopic: topic alarms: Subscription not supported locally');
  }, 30_000);
});
