import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { startLocalCloud, type LocalCloud, type StackArtifacts } from '../../../local/cloud';
import type { TemplateResource } from '../../../local/cloudformation/localResources';

const ROOT = path.resolve(__dirname, '../../..');
const REGION = 'eu-west-1';
const ACCOUNT = '000000000000';
const BUS = 'test-bus';

const queueArn = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;

/**
 * A consumer as a subscription declares one: a rule on the bus into a queue (with its DLQ) that an event
 * source mapping feeds to a function. The function takes `HANDLER_MS` and appends each record's body to
 * `$HANDLED_LOG`.
 */
const consumerResources = (prefix: string, handledLog: string): Record<string, TemplateResource> => ({
  Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: BUS } },
  DeadLetterQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: `${prefix}-queue-dlq` } },
  Queue: {
    Type: 'AWS::SQS::Queue',
    Properties: { QueueName: `${prefix}-queue`, RedrivePolicy: { deadLetterTargetArn: queueArn(`${prefix}-queue-dlq`), maxReceiveCount: 3 } },
  },
  Rule: {
    Type: 'AWS::Events::Rule',
    Properties: { Name: `${prefix}-rule`, EventBusName: BUS, EventPattern: { source: ['test'] }, Targets: [{ Id: 'queue', Arn: queueArn(`${prefix}-queue`) }] },
  },
  ConsumerFunction: {
    Type: 'AWS::Lambda::Function',
    Properties: {
      FunctionName: `${prefix}-consumer`,
      Handler: 'src/handlers/consumer.handler',
      Runtime: 'nodejs20.x',
      Code: { S3Bucket: 'deployment', S3Key: 'consumer.zip' },
      Environment: { Variables: { HANDLED_LOG: handledLog, HANDLER_MS: '300' } },
    },
  },
  Mapping: { Type: 'AWS::Lambda::EventSourceMapping', Properties: { EventSourceArn: queueArn(`${prefix}-queue`), FunctionName: `${prefix}-consumer`, BatchSize: 1 } },
});

const CONSUMER = `
  exports.handler = async (event) => {
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.HANDLER_MS)));
    for (const record of event.Records) require('node:fs').appendFileSync(process.env.HANDLED_LOG, record.body + '\\n');
  };
`;

describe('startLocalCloud', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'local-cloud-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes a stack as `sls package` would: the template and the function bundles in `.serverless/`. */
  const stack = (name: string, resources: Record<string, TemplateResource>, bundles: Record<string, Uint8Array> = {}): StackArtifacts => {
    const stackDir = path.join(dir, name);
    mkdirSync(path.join(stackDir, '.serverless'), { recursive: true });
    writeFileSync(path.join(stackDir, '.serverless/cloudformation-template-update-stack.json'), JSON.stringify({ Resources: resources }));
    for (const [file, content] of Object.entries(bundles)) writeFileSync(path.join(stackDir, '.serverless', file), content);
    return { stackName: name, dir: stackDir };
  };

  const consumerStack = (name: string, handledLog: string): StackArtifacts =>
    stack(name, consumerResources(name, handledLog), { 'consumer.zip': zipSync({ 'src/handlers/consumer.js': strToU8(CONSUMER) }) });

  describe('when it fails half-way', () => {
    /**
     * Starts a cloud in a process of its own and reports how that process ended: a start-up that leaves a
     * server, a poller or a worker thread running keeps it alive, and it is killed after `withinMs`.
     */
    const startInOwnProcess = (stacks: StackArtifacts[], httpPort: number, withinMs = 20_000) => {
      const script = path.join(dir, 'start.ts');
      writeFileSync(
        script,
        `import { startLocalCloud } from ${JSON.stringify(path.join(ROOT, 'local/cloud'))};
        startLocalCloud({ stacks: ${JSON.stringify(stacks)}, workDir: ${JSON.stringify(path.join(dir, 'functions'))}, edgePort: 0, httpPort: ${httpPort}, log: () => undefined })
          .then(() => console.log('started'), (error: Error) => console.log('rejected: ' + error.message));`,
      );
      return new Promise<{ exited: boolean; code: number | null; output: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env: { ...process.env, LOCAL_CLOUD_PREWARM: '1' } });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), withinMs);
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          resolve({ exited: signal === null, code, output });
        });
      });
    };

    let busy: Server | undefined;

    afterEach(async () => {
      await new Promise<void>((resolve) => (busy ? busy.close(() => resolve()) : resolve()));
      busy = undefined;
    });

    const busyPort = async (): Promise<number> => {
      busy = createServer();
      await new Promise<void>((resolve) => busy?.listen(0, '127.0.0.1', resolve));
      return (busy.address() as AddressInfo).port;
    };

    it.each([
      {
        failure: 'an unsupported resource',
        second: () => stack('second', { Instance: { Type: 'AWS::EC2::Instance', Properties: {} } }),
        error: 'rejected: second/Instance: resource type AWS::EC2::Instance is not supported by the local cloud',
      },
      {
        failure: 'a function bundle that fails to extract',
        second: () =>
          stack(
            'second',
            { BrokenFunction: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'broken', Handler: 'src/handlers/broken.handler', Runtime: 'nodejs20.x', Code: { S3Key: 'broken.zip' } } } },
            { 'broken.zip': strToU8('not a zip') },
          ),
        error: 'rejected: invalid zip data',
      },
      {
        failure: 'an HTTP port already in use',
        second: () => stack('second', {}),
        error: 'rejected: listen EADDRINUSE',
      },
    ])('stops what it had started and rethrows the original error, on $failure', async ({ second, error }) => {
      const stacks = [consumerStack('first', path.join(dir, 'handled.log')), second()];
      const httpPort = await busyPort();

      const ended = await startInOwnProcess(stacks, httpPort);

      expect(ended).toMatchObject({ exited: true, code: 0 });
      expect(ended.output).toContain(error);
      expect(ended.output).not.toContain('started');
    }, 30_000);
  });

  describe('what a stack declares for state machines and asynchronous invocations', () => {
    let cloud: LocalCloud | undefined;

    afterEach(async () => {
      await cloud?.stop();
      cloud = undefined;
    });

    const start = (resources: Record<string, TemplateResource>, bundles: Record<string, Uint8Array> = {}) =>
      startLocalCloud({ stacks: [stack('app', resources, bundles)], workDir: path.join(dir, 'functions'), edgePort: 0, httpPort: 0, log: () => undefined });

    const logGroupArn = (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}:*`;
    const stateMachine = (properties: Record<string, unknown>): Record<string, TemplateResource> => ({
      WorkflowLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/vendedlogs/states/app-workflow', RetentionInDays: 14 } },
      WorkflowStateMachine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: { StateMachineName: 'app-workflow', DefinitionString: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }), ...properties },
      },
    });

    it('starts, and says what it does not emulate, when a state machine logs to a declared log group and is traced', async () => {
      cloud = await start(
        stateMachine({
          LoggingConfiguration: { Level: 'ERROR', IncludeExecutionData: false, Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: logGroupArn('/aws/vendedlogs/states/app-workflow') } }] },
          TracingConfiguration: { Enabled: true },
        }),
      );

      expect(cloud.notEmulated).toEqual(
        expect.arrayContaining([expect.stringMatching(/^AWS::StepFunctions::StateMachine LoggingConfiguration: /), expect.stringMatching(/^AWS::StepFunctions::StateMachine TracingConfiguration: /)]),
      );
    }, 20_000);

    it('refuses to start, naming the state machine, when its logs go to a log group no template declares', async () => {
      const declared = stateMachine({ LoggingConfiguration: { Level: 'ALL', Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: logGroupArn('/aws/vendedlogs/states/elsewhere') } }] } });

      await expect(start(declared)).rejects.toThrow(
        `app/WorkflowStateMachine: LoggingConfiguration names log group ${logGroupArn('/aws/vendedlogs/states/elsewhere')}, which no template declares`,
      );
    }, 20_000);

    it('refuses to start, naming the state machine and the property, when it declares a property the local cloud does not read', async () => {
      await expect(start(stateMachine({ EncryptionConfiguration: { Type: 'AWS_OWNED_KEY' } }))).rejects.toThrow(
        'app/WorkflowStateMachine: state machine properties EncryptionConfiguration are not supported locally',
      );
    }, 20_000);

    it("sends the invocation record to the function's on-failure queue when a rule's asynchronous invocation fails on every attempt", async () => {
      const failing = `exports.handler = async () => { require('node:fs').appendFileSync(process.env.ATTEMPTS_LOG, 'attempt\\n'); throw Object.assign(new Error('report failed'), { name: 'TransientError' }); };`;
      const attemptsLog = path.join(dir, 'attempts.log');
      cloud = await start(
        {
          Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: BUS } },
          ReportDeadLetterQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'app-report-dlq' } },
          ReportFunction: {
            Type: 'AWS::Lambda::Function',
            Properties: { FunctionName: 'app-report', Handler: 'src/handlers/report.handler', Runtime: 'nodejs20.x', Code: { S3Key: 'report.zip' }, Environment: { Variables: { ATTEMPTS_LOG: attemptsLog } } },
          },
          ReportInvokeConfig: {
            Type: 'AWS::Lambda::EventInvokeConfig',
            Properties: { FunctionName: { Ref: 'ReportFunction' }, Qualifier: '$LATEST', MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['ReportDeadLetterQueue', 'Arn'] } } } },
          },
          Rule: {
            Type: 'AWS::Events::Rule',
            Properties: { Name: 'app-report', EventBusName: BUS, EventPattern: { source: ['test'] }, Targets: [{ Id: 'report', Arn: { 'Fn::GetAtt': ['ReportFunction', 'Arn'] } }] },
          },
        },
        { 'report.zip': zipSync({ 'src/handlers/report.js': strToU8(failing) }) },
      );
      cloud.eventBridge.putEvents([{ EventBusName: BUS, Source: 'test', DetailType: 'Report', Detail: '{}' }]);

      await cloud.whenIdle();

      const [deadLetter, ...others] = cloud.sqs.listMessages(queueArn('app-report-dlq'));
      expect(others).toEqual([]);
      expect(JSON.parse(deadLetter?.Body ?? '{}')).toMatchObject({
        requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 2 },
        requestPayload: { source: 'test', 'detail-type': 'Report' },
        responsePayload: { errorType: 'TransientError', errorMessage: 'report failed' },
      });
      expect(readFileSync(attemptsLog, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    }, 20_000);

    it("starts, and says the target's retry policy and DLQ never come into play, when a scheduled rule's target has them", async () => {
      cloud = await start(
        {
          ReportDeadLetterQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'app-report-dlq' } },
          ReportFunction: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'app-report', Handler: 'src/handlers/report.handler', Runtime: 'nodejs20.x', Code: { S3Key: 'report.zip' } } },
          Schedule: {
            Type: 'AWS::Events::Rule',
            Properties: {
              Name: 'app-report',
              ScheduleExpression: 'rate(1 day)',
              Targets: [
                {
                  Id: 'report',
                  Arn: { 'Fn::GetAtt': ['ReportFunction', 'Arn'] },
                  RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 900 },
                  DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['ReportDeadLetterQueue', 'Arn'] } },
                },
              ],
            },
          },
        },
        { 'report.zip': zipSync({ 'src/handlers/report.js': strToU8('exports.handler = async () => ({});') }) },
      );

      expect(cloud.notEmulated).toEqual(expect.arrayContaining([expect.stringMatching(/^AWS::Events::Rule scheduled targets' RetryPolicy and DeadLetterConfig: /)]));
    }, 20_000);

    it('refuses to start, naming the resource, when an on-failure destination is not a queue of the templates', async () => {
      const declared: Record<string, TemplateResource> = {
        ReportFunction: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'app-report', Handler: 'src/handlers/report.handler', Runtime: 'nodejs20.x', Code: { S3Key: 'report.zip' } } },
        ReportInvokeConfig: {
          Type: 'AWS::Lambda::EventInvokeConfig',
          Properties: { FunctionName: { Ref: 'ReportFunction' }, Qualifier: '$LATEST', DestinationConfig: { OnFailure: { Destination: queueArn('nowhere') } } },
        },
      };

      await expect(start(declared, { 'report.zip': zipSync({ 'src/handlers/report.js': strToU8('exports.handler = async () => ({});') }) })).rejects.toThrow(
        `app/ReportInvokeConfig: OnFailure destination ${queueArn('nowhere')} is not supported locally: it must be an SQS queue of the templates`,
      );
    }, 20_000);
  });

  describe('whenIdle', () => {
    let cloud: LocalCloud | undefined;

    afterEach(async () => {
      await cloud?.stop();
      cloud = undefined;
    });

    const handled = (handledLog: string): string[] => readFileSync(handledLog, { encoding: 'utf8', flag: 'a+' }).split('\n').filter(Boolean);

    it('waits for the messages a delivery left in a consumed queue to be handled, not just for the delivery', async () => {
      const handledLog = path.join(dir, 'handled.log');
      cloud = await startLocalCloud({ stacks: [consumerStack('orders', handledLog)], workDir: path.join(dir, 'functions'), edgePort: 0, httpPort: 0, log: () => undefined });
      cloud.eventBridge.putEvents([
        { EventBusName: BUS, Source: 'test', DetailType: 'Thing', Detail: JSON.stringify({ n: 1 }) },
        { EventBusName: BUS, Source: 'test', DetailType: 'Thing', Detail: JSON.stringify({ n: 2 }) },
      ]);

      await cloud.whenIdle();

      expect(handled(handledLog).map((body) => (JSON.parse(body) as { detail: { n: number } }).detail.n).sort()).toEqual([1, 2]);
      expect(cloud.sqs.depth(queueArn('orders-queue'))).toMatchObject({ total: 0 });
    }, 20_000);

    it('is not held up by messages in a dead-letter queue or a queue nothing consumes', async () => {
      cloud = await startLocalCloud({
        stacks: [consumerStack('orders', path.join(dir, 'handled.log')), stack('other', { Unconsumed: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'unconsumed' } } })],
        workDir: path.join(dir, 'functions'),
        edgePort: 0,
        httpPort: 0,
        log: () => undefined,
      });
      cloud.sqs.sendMessage(queueArn('orders-queue-dlq'), { MessageBody: 'dead letter' });
      cloud.sqs.sendMessage(queueArn('unconsumed'), { MessageBody: 'for a person to read' });

      await cloud.whenIdle();

      expect(cloud.sqs.depth(queueArn('orders-queue-dlq'))).toMatchObject({ total: 1 });
      expect(cloud.sqs.depth(queueArn('unconsumed'))).toMatchObject({ total: 1 });
    }, 20_000);

    it('resolves once the cloud is stopped, even with work left', async () => {
      cloud = await startLocalCloud({ stacks: [consumerStack('orders', path.join(dir, 'handled.log'))], workDir: path.join(dir, 'functions'), edgePort: 0, httpPort: 0, log: () => undefined });
      cloud.sqs.sendMessage(queueArn('orders-queue'), { MessageBody: 'left over' });
      const idle = cloud.whenIdle();

      await cloud.stop();
      cloud = undefined;

      await expect(idle).resolves.toBeUndefined();
    }, 20_000);
  });
});
