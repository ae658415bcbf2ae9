import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { localExports, localResourceResolver, resolveLocally, type Template, type TemplateResource } from './cloudformation/localResources';
import { CloudWatchService } from './cloudwatch/cloudWatchService';
import { queueGauges } from './cloudwatch/queueGauges';
import { LocalDynamo } from './dynamodb/localDynamo';
import { handleAwsJsonRequest, readBody, type JsonService } from './edge/awsJsonProtocol';
import { listening } from './edge/listening';
import { eventBridgeApi } from './eventbridge/eventBridgeApi';
import { EventBridgeService, TargetDeliveryError, type AcceptedEvent, type TargetDispatcher } from './eventbridge/eventBridgeService';
import { LocalSchedules, type ScheduledTarget } from './eventbridge/schedules';
import { NO_FAULTS, type FaultPlan } from './faults';
import { trace, tracing } from './trace';
import { LocalHttpApi } from './http/httpApi';
import { addHttpApiResources } from './http/httpApiResources';
import { LocalIdentity } from './identity/localIdentity';
import { AsyncInvocations, eventInvokeConfigOf } from './lambda/asyncInvocations';
import { LambdaRuntime } from './lambda/lambdaRuntime';
import { startEventSourceMapping, type EventSourceMapping } from './sqs/eventSourceMapping';
import { sqsApi } from './sqs/sqsApi';
import { secretsManagerApi } from './secretsmanager/secretsManagerApi';
import { SecretsManagerService } from './secretsmanager/secretsManagerService';
import { SnsService } from './sns/snsService';
import { SqsService } from './sqs/sqsService';
import { stepFunctionsApi } from './stepfunctions/stepFunctionsApi';
import { StepFunctionsService } from './stepfunctions/stepFunctionsService';

export interface StackArtifacts {
  /** `ordering-payment-dev`, as CloudFormation would name the stack. */
  stackName: string;
  /** The folder whose `.serverless/` holds the template and the function bundles. */
  dir: string;
}

export interface LocalCloudOptions {
  /** Platform first: later stacks import its exports. */
  stacks: StackArtifacts[];
  edgePort?: number;
  httpPort?: number;
  region?: string;
  accountId?: string;
  /** Where function bundles are unzipped. */
  workDir: string;
  faults?: FaultPlan;
  /** Shortens Step Functions retry intervals (tests, chaos). */
  retryIntervalMs?: number;
  /** Function output and local cloud notices; defaults to stdout. */
  log?: (source: string, line: string) => void;
}

export interface LocalCloud {
  edgeUrl: string;
  httpUrl: string;
  sqs: SqsService;
  stepFunctions: StepFunctionsService;
  eventBridge: EventBridgeService;
  dynamo: LocalDynamo;
  lambda: LambdaRuntime;
  http: LocalHttpApi;
  /**
   * The metrics AWS would publish for what the cloud runs, custom metrics from functions' Embedded Metric
   * Format output, and every alarm of the templates, evaluated every few seconds and on demand
   * (`evaluateAlarms()`, right after the failure a test expects an alarm for).
   */
  cloudWatch: CloudWatchService;
  /** The templates' topics: each records what is published to it (alarm notifications), delivering nothing. */
  sns: SnsService;
  /**
   * A local issuer per `AWS::Cognito::UserPool` (a fresh key pair each start), served on the edge under
   * `/identity/<poolId>`: `issueToken({ subject, groups?, scopes?, expiresInSeconds?, audience? })`, and the
   * first pool's `issuerUrl` and first client's `audience`.
   */
  identity: LocalIdentity;
  /** The templates' secrets (`GetSecretValue` on the edge); `valueOf(name)` reads one, as the carrier simulator does. */
  secrets: SecretsManagerService;
  /** Every event accepted on any bus, in order: the catch-all log the platform stack declares. */
  eventLog: AcceptedEvent[];
  /** Declared in the templates, deliberately not emulated (IAM, resource policies…): printed at start. */
  notEmulated: string[];
  /**
   * Resolves once the cloud has nothing left to do on its own, all at the same moment: no bus delivery
   * pending (retries and their backoff included), no workflow execution running, no asynchronous Lambda
   * invocation from a rule running, and no message (visible, in flight or delayed) in a queue an event source
   * mapping consumes. Any one of these can create another (a consumer publishes, a delivery fills a queue),
   * so checking them one after the other would resolve in the gap between two hops.
   *
   * Not covered, deliberately: dead-letter queues and queues nothing here consumes (their messages wait for
   * a person or a test, so they would never drain), scheduled rules (they fire forever), HTTP requests
   * (their clients await them) and whatever runs outside the cloud (the carrier simulator: see
   * `startProjectCloud`). A message whose invocation failed stays in flight for its visibility timeout, and
   * an execution waiting for a task token until it times out: bound the wait. Resolves once the cloud is
   * stopped.
   */
  whenIdle(): Promise<void>;
  stop(): Promise<void>;
}

/** Resource types the local cloud reads but does not emulate, and why that is safe to say out loud. */
const NOT_EMULATED: Record<string, string> = {
  'AWS::IAM::Role': 'IAM is not enforced locally (the contract tests check every policy instead)',
  'AWS::Lambda::Version': 'versions: every invocation runs the packaged code',
  'AWS::Lambda::Permission': 'resource policies are not enforced',
  'AWS::SQS::QueuePolicy': 'queue policies are not enforced',
  'AWS::Logs::ResourcePolicy': 'resource policies are not enforced',
  'AWS::Events::Archive': 'the archive keeps nothing locally; the event log does',
  'AWS::S3::Bucket': 'the deployment bucket: code is read from .serverless/ directly',
  'AWS::S3::BucketPolicy': 'the deployment bucket policy',
  'AWS::ApiGatewayV2::Integration': 'read through the routes that use it',
  'AWS::Cognito::UserPoolDomain': 'no hosted UI: the local issuer’s token endpoint issues the tokens',
};

/** State machine properties the local cloud reads; any other is refused at start. */
const STATE_MACHINE_PROPERTIES = new Set(['StateMachineName', 'DefinitionString', 'StateMachineType', 'RoleArn', 'LoggingConfiguration', 'TracingConfiguration']);

/** Properties the local Lambda runtime cannot honour: a function declaring one is refused at start. */
const REFUSED_FUNCTION_PROPERTIES = ['Layers', 'VpcConfig', 'FileSystemConfigs', 'ImageConfig', 'SnapStart', 'EphemeralStorage'];

const byType = (template: Template, type: string): [string, TemplateResource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

/**
 * The local cloud: reads the CloudFormation templates `sls package` wrote and runs what they declare
 * (tables, bus and rules, queues and event source mappings, state machines, functions, HTTP routes) behind
 * AWS-compatible endpoints, so the packaged functions run unchanged with the real SDK clients.
 *
 * @example
 * ```ts
 * const cloud = await startLocalCloud({ stacks, workDir: '.local-cloud', edgePort: 4566, httpPort: 3000 });
 * ```
 */
export const startLocalCloud = async (options: LocalCloudOptions): Promise<LocalCloud> => {
  const started: StartedParts = {};
  try {
    return await startParts(options, started);
  } catch (error) {
    // Servers, pollers and worker threads already running would keep the process alive after a failed start.
    await started.stop?.().catch((stopError: unknown) => {
      (options.log ?? defaultLog)('local-cloud', `stopping after a failed start failed too: ${String(stopError)}`);
    });
    throw error;
  }
};

const defaultLog = (source: string, line: string): void => {
  process.stdout.write(`[${source}] ${line}\n`);
};

/** How a start-up that failed half-way stops what it had started so far. */
interface StartedParts {
  stop?: () => Promise<void>;
}

/** How often `whenIdle` looks again at queues (they have no change notifications) while work is in flight. */
const IDLE_POLL_MS = 20;

const closeServer = (server: Server): Promise<void> => new Promise<void>((resolve) => server.close(() => resolve()));

const startParts = async (options: LocalCloudOptions, started: StartedParts): Promise<LocalCloud> => {
  const region = options.region ?? 'eu-west-1';
  const accountId = options.accountId ?? '000000000000';
  const faults = options.faults ?? NO_FAULTS;
  const log = options.log ?? defaultLog;

  // The edge port must be known before anything is created: queue URLs and function endpoints embed it.
  const edge = createServer();
  await listening(edge, options.edgePort ?? 4566);
  started.stop = () => closeServer(edge);
  const edgeUrl = `http://localhost:${(edge.address() as AddressInfo).port}`;

  const dynamo = new LocalDynamo({ faults, log: (line) => log('dynamodb', line) });
  const sqs = new SqsService({ accountId, region, endpoint: edgeUrl, faults });
  const sns = new SnsService({ region, accountId });
  const identity = new LocalIdentity();
  const secrets = new SecretsManagerService();
  const cloudWatch = new CloudWatchService({ region, accountId, notifier: sns, gauges: () => queueGauges(sqs), log: (line) => log('cloudwatch', line) });
  const lambda = new LambdaRuntime({
    workDir: options.workDir,
    faults,
    // Function output reaches CloudWatch Logs on AWS, which extracts the Embedded Metric Format lines.
    log: (source, line) => {
      cloudWatch.putLogLine(source, line);
      log(source, line);
    },
    onInvocation: (functionName, outcome) => cloudWatch.recordInvocation(functionName, outcome),
    baseEnvironment: {
      AWS_ENDPOINT_URL: edgeUrl,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      PATH: process.env.PATH ?? '',
    },
  });
  const stepFunctions = new StepFunctionsService({
    invoker: lambda,
    accountId,
    region,
    retryIntervalMs: options.retryIntervalMs,
    validationCacheFile: path.join(options.workDir, '.validated-state-machines.json'),
  });
  stepFunctions.onExecutionClosed((execution) => cloudWatch.recordExecutionClosed(execution));
  const eventLog: AcceptedEvent[] = [];
  const logGroups = new Set<string>();
  /** Lambda invocations rules started asynchronously: nobody awaits them but `whenIdle`. */
  const asyncInvocations = new Set<Promise<void>>();
  const queueExists = (queueArn: string): boolean => {
    try {
      sqs.getQueue(queueArn);
      return true;
    } catch {
      return false;
    }
  };
  // Rules and schedules invoke Lambda asynchronously: retries and the on-failure destination are Lambda's.
  const asyncLambda = new AsyncInvocations({ invoker: lambda, sendToQueue: (queueArn, body) => sqs.sendMessage(queueArn, { MessageBody: body }), log });

  const dispatcher: TargetDispatcher = {
    // Synchronous work behind an async interface: a throw must become a rejected delivery.
    // eslint-disable-next-line @typescript-eslint/require-await
    async deliver(target, payload, context) {
      const [, , service = '', , , ...rest] = target.arn.split(':');
      const resource = rest.join(':');
      switch (service) {
        case 'sqs':
          try {
            sqs.getQueue(target.arn);
          } catch {
            throw new TargetDeliveryError('NO_RESOURCE', `queue ${target.arn} does not exist`, false);
          }
          sqs.sendMessage(target.arn, {
            MessageBody: payload,
            ...(context.messageAttributes
              ? { MessageAttributes: Object.fromEntries(Object.entries(context.messageAttributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])) }
              : {}),
          });
          return;
        case 'lambda': {
          // EventBridge invokes Lambda asynchronously: the delivery succeeds once the invocation is accepted.
          const invocation: Promise<void> = asyncLambda
            .invoke(target.arn, JSON.parse(payload))
            .then(
              () => undefined,
              (error: unknown) => log('lambda', `async invoke of ${target.arn} failed: ${String(error)}`),
            )
            .finally(() => asyncInvocations.delete(invocation));
          asyncInvocations.add(invocation);
          return;
        }
        case 'states':
          stepFunctions.startExecution({ stateMachineArn: target.arn, input: payload });
          return;
        case 'logs':
          if (!logGroups.has(resource.replace(/^log-group:/, '').replace(/:\*$/, ''))) {
            throw new TargetDeliveryError('NO_RESOURCE', `log group ${target.arn} does not exist`, false);
          }
          return;
        default:
          throw new TargetDeliveryError('NO_RESOURCE', `the local cloud cannot deliver to ${target.arn}`, false);
      }
    },
  };
  const eventBridge = new EventBridgeService({ accountId, region, dispatcher, faults, logger: {
      warn: (message, details) => log('events', `${message} ${JSON.stringify(details ?? {})}`),
      error: (message, details) => log('events', `${message} ${JSON.stringify(details ?? {})}`),
    },
  });
  eventBridge.onEvent((accepted) => eventLog.push(accepted));
  const schedules = new LocalSchedules({ invoker: asyncLambda, hasFunction: (arn) => lambda.has(arn), hasQueue: queueExists, region, accountId, log });

  const http = new LocalHttpApi(lambda, { onResponse: (apiId, statusCode) => cloudWatch.recordApiResponse(apiId, statusCode), log: (line) => log('http', line) });
  const mappings: EventSourceMapping[] = [];
  /** The queues event source mappings consume: their messages are work the cloud will do by itself. */
  const consumedQueues: string[] = [];
  let stopped = false;
  const stop = async () => {
    stopped = true;
    cloudWatch.stop();
    schedules.stop();
    asyncLambda.stop();
    await http.close();
    await Promise.all(mappings.map((mapping) => mapping.stop()));
    await stepFunctions.stop();
    eventBridge.stop();
    sqs.close();
    await lambda.stop();
    await dynamo.stop();
    await closeServer(edge);
  };
  started.stop = stop;
  await dynamo.start();

  const services: JsonService[] = [eventBridgeApi(eventBridge), sqsApi(sqs), stepFunctionsApi(stepFunctions), secretsManagerApi(secrets)];
  if (tracing) {
    let connections = 0;
    edge.on('connection', () => trace('edge', 'new connection', { total: ++connections }));
  }
  edge.on('request', (request, response) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    if (tracing) {
      const receivedAt = Date.now();
      response.once('finish', () => trace('edge', target, { ms: Date.now() - receivedAt }));
    }
    // LocalDynamo hands the request to dynalite, which reads the body itself (the fault plan reads it first).
    if (target.startsWith('DynamoDB_20120810.')) {
      dynamo.handle(request, response);
      return;
    }
    void (async () => {
      const body = await readBody(request);
      if (target) await handleAwsJsonRequest(services, target, body, response, faults);
      else if (identity.handle(request, body, response)) return;
      else {
        response.writeHead(400, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ __type: 'UnknownOperationException', message: 'the local cloud serves AWS JSON-protocol requests (X-Amz-Target) and its issuers under /identity' }));
      }
    })();
  });

  const notEmulated: string[] = [];
  let exports: Record<string, string> = {};

  for (const stack of options.stacks) {
    const templateFile = path.join(stack.dir, '.serverless/cloudformation-template-update-stack.json');
    if (!existsSync(templateFile)) throw new Error(`${stack.stackName}: ${templateFile} is missing; run npm run package`);
    const template = JSON.parse(readFileSync(templateFile, 'utf8')) as Template;
    const resolver = localResourceResolver(template, stack.stackName, { region, accountId, endpoint: edgeUrl, exports });
    const resolve = (value: unknown) => resolveLocally(value, resolver);
    const props = (resource: TemplateResource) => resolve(resource.Properties ?? {}) as Record<string, unknown>;
    const where = (logicalId: string) => `${stack.stackName}/${logicalId}`;

    const handled = new Set([
      'AWS::Events::EventBus',
      'AWS::Events::Rule',
      'AWS::SQS::Queue',
      'AWS::DynamoDB::Table',
      'AWS::Lambda::Function',
      'AWS::Lambda::EventSourceMapping',
      'AWS::Lambda::EventInvokeConfig',
      'AWS::StepFunctions::StateMachine',
      'AWS::ApiGatewayV2::Api',
      'AWS::ApiGatewayV2::Stage',
      'AWS::ApiGatewayV2::Authorizer',
      'AWS::ApiGatewayV2::Route',
      'AWS::Cognito::UserPool',
      'AWS::Cognito::UserPoolClient',
      'AWS::Cognito::UserPoolGroup',
      'AWS::SecretsManager::Secret',
      'AWS::Logs::LogGroup',
      'AWS::SNS::Topic',
      'AWS::CloudWatch::Alarm',
      ...Object.keys(NOT_EMULATED),
    ]);
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      if (!handled.has(resource.Type)) throw new Error(`${where(logicalId)}: resource type ${resource.Type} is not supported by the local cloud`);
      const reason = NOT_EMULATED[resource.Type];
      if (reason && !notEmulated.includes(`${resource.Type}: ${reason}`)) notEmulated.push(`${resource.Type}: ${reason}`);
    }

    for (const [, resource] of byType(template, 'AWS::Logs::LogGroup')) logGroups.add(String(props(resource).LogGroupName));
    for (const [logicalId, resource] of byType(template, 'AWS::Events::EventBus')) {
      const { Name, ...rest } = props(resource);
      if (Object.keys(rest).length > 0) throw new Error(`${where(logicalId)}: event bus properties ${Object.keys(rest).join(', ')} are not supported locally`);
      eventBridge.createEventBus({ Name: String(Name) });
    }

    // Dead-letter queues first: a redrive policy must point at an existing queue.
    const queues = byType(template, 'AWS::SQS::Queue').map(([logicalId, resource]) => ({ logicalId, properties: props(resource) }));
    for (const { logicalId, properties } of [...queues].sort((a, b) => Number(Boolean(a.properties.RedrivePolicy)) - Number(Boolean(b.properties.RedrivePolicy)))) {
      // Tags are metadata, not queue attributes.
      const { QueueName, Tags, ...attributes } = properties;
      try {
        sqs.createQueue(String(QueueName), attributes);
      } catch (error) {
        throw new Error(`${where(logicalId)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    }

    for (const [logicalId, resource] of byType(template, 'AWS::DynamoDB::Table')) await dynamo.createTable(where(logicalId), props(resource));

    // Pools before their clients and groups, and before the routes whose authorizers trust them.
    const named = async (logicalId: string, load: () => unknown) => {
      try {
        await load();
      } catch (error) {
        throw new Error(`${where(logicalId)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    };
    for (const [logicalId, resource] of byType(template, 'AWS::Cognito::UserPool')) {
      await named(logicalId, () => identity.createUserPool(resolver.ref(logicalId), resolver.getAtt(logicalId, 'ProviderURL'), props(resource)));
    }
    for (const [logicalId, resource] of byType(template, 'AWS::Cognito::UserPoolClient')) await named(logicalId, () => identity.addUserPoolClient(resolver.ref(logicalId), props(resource)));
    for (const [logicalId, resource] of byType(template, 'AWS::Cognito::UserPoolGroup')) await named(logicalId, () => identity.addUserPoolGroup(props(resource)));
    for (const [logicalId, resource] of byType(template, 'AWS::SecretsManager::Secret')) await named(logicalId, () => secrets.createSecret(resolver.ref(logicalId), props(resource)));

    for (const [logicalId, resource] of byType(template, 'AWS::Lambda::Function')) {
      const properties = props(resource);
      const refused = REFUSED_FUNCTION_PROPERTIES.filter((name) => name in properties);
      if (refused.length > 0) throw new Error(`${where(logicalId)}: ${refused.join(', ')} not supported by the local Lambda runtime`);
      if (!String(properties.Runtime).startsWith('nodejs')) throw new Error(`${where(logicalId)}: runtime ${String(properties.Runtime)} is not supported locally`);
      const code = properties.Code as { S3Key?: string };
      const name = String(properties.FunctionName);
      lambda.register({
        name,
        arn: `arn:aws:lambda:${region}:${accountId}:function:${name}`,
        zipPath: path.join(stack.dir, '.serverless', path.basename(code.S3Key ?? `${logicalId}.zip`)),
        handler: String(properties.Handler),
        environment: Object.fromEntries(Object.entries(((properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {})).map(([k, v]) => [k, String(v)])),
        timeoutSeconds: Number(properties.Timeout ?? 3),
        memorySize: Number(properties.MemorySize ?? 128),
      });
    }

    for (const [logicalId, resource] of byType(template, 'AWS::Lambda::EventInvokeConfig')) {
      try {
        const { functionName, config } = eventInvokeConfigOf(props(resource), { hasQueue: queueExists });
        const functionArn = functionName.startsWith('arn:') ? functionName : `arn:aws:lambda:${region}:${accountId}:function:${functionName}`;
        if (!lambda.has(functionArn)) throw new Error(`function ${functionName} is not a function of the templates`);
        asyncLambda.configure(functionArn, config);
      } catch (error) {
        throw new Error(`${where(logicalId)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    }

    for (const [logicalId, resource] of byType(template, 'AWS::StepFunctions::StateMachine')) {
      const properties = props(resource);
      const refused = Object.keys(properties).filter((name) => !STATE_MACHINE_PROPERTIES.has(name));
      if (refused.length > 0) throw new Error(`${where(logicalId)}: state machine properties ${refused.join(', ')} are not supported locally`);
      const logging = properties.LoggingConfiguration as { Destinations?: { CloudWatchLogsLogGroup?: { LogGroupArn?: string } }[] } | undefined;
      for (const destination of logging?.Destinations ?? []) {
        const logGroupArn = String(destination.CloudWatchLogsLogGroup?.LogGroupArn);
        if (!logGroups.has(logGroupArn.replace(/^arn:aws:logs:[^:]*:[^:]*:log-group:/, '').replace(/:\*$/, ''))) {
          throw new Error(`${where(logicalId)}: LoggingConfiguration names log group ${logGroupArn}, which no template declares`);
        }
      }
      for (const [name, reason] of [
        ['LoggingConfiguration', 'execution events are not written to CloudWatch Logs (GetExecutionHistory has them all)'],
        ['TracingConfiguration', 'executions are not traced (no X-Ray locally)'],
      ] as const) {
        const line = `AWS::StepFunctions::StateMachine ${name}: ${reason}`;
        if (name in properties && !notEmulated.includes(line)) notEmulated.push(line);
      }
      try {
        stepFunctions.createStateMachine({
          name: String(properties.StateMachineName),
          definition: String(properties.DefinitionString),
          type: (properties.StateMachineType as 'STANDARD' | 'EXPRESS' | undefined) ?? 'STANDARD',
        });
      } catch (error) {
        throw new Error(`${where(logicalId)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    }

    for (const [logicalId, resource] of byType(template, 'AWS::Events::Rule')) {
      const { Name, EventBusName = 'default', EventPattern, ScheduleExpression, State, Description, Targets, ...rest } = props(resource) as Record<string, unknown> & { EventBusName?: string };
      if (Object.keys(rest).length > 0) throw new Error(`${where(logicalId)}: rule properties ${Object.keys(rest).join(', ')} are not supported locally`);
      if (ScheduleExpression !== undefined) {
        const line = "AWS::Events::Rule scheduled targets' RetryPolicy and DeadLetterConfig: checked, never used (a local asynchronous invocation is always accepted; the function's EventInvokeConfig applies)";
        if ((Targets as ScheduledTarget[] | undefined)?.some((target) => target.RetryPolicy !== undefined || target.DeadLetterConfig !== undefined) && !notEmulated.includes(line)) notEmulated.push(line);
        try {
          // CloudFormation names an unnamed rule after its stack and logical id.
          schedules.add({ name: typeof Name === 'string' ? Name : `${stack.stackName}-${logicalId}`, scheduleExpression: ScheduleExpression as string, eventBusName: EventBusName, state: State as string | undefined, targets: (Targets ?? []) as ScheduledTarget[] });
        } catch (error) {
          throw new Error(`${where(logicalId)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
        }
        continue;
      }
      eventBridge.putRule({ Name: String(Name), EventBusName, EventPattern: EventPattern as object, State: (State as 'ENABLED' | undefined) ?? 'ENABLED', Description: Description as string | undefined });
      const result = eventBridge.putTargets({ Rule: String(Name), EventBusName, Targets: Targets as never });
      if (result.FailedEntryCount > 0) throw new Error(`${where(logicalId)}: targets refused: ${JSON.stringify(result.FailedEntries)}`);
    }

    for (const [logicalId, resource] of byType(template, 'AWS::Lambda::EventSourceMapping')) {
      const properties = props(resource);
      const source = String(properties.EventSourceArn);
      if (!source.startsWith('arn:aws:sqs:')) throw new Error(`${where(logicalId)}: event source ${source} is not supported locally (SQS only)`);
      if (properties.Enabled === false) continue;
      consumedQueues.push(source);
      mappings.push(
        startEventSourceMapping({
          sqs,
          queueArn: source,
          functionName: String(properties.FunctionName),
          invoker: lambda,
          batchSize: Number(properties.BatchSize ?? 10),
          maximumBatchingWindowSeconds: Number(properties.MaximumBatchingWindowInSeconds ?? 0),
          reportBatchItemFailures: ((properties.FunctionResponseTypes ?? []) as string[]).includes('ReportBatchItemFailures'),
          faults,
          onBatchError: (error) => log('sqs', `${where(logicalId)}: ${error.message}`),
        }),
      );
    }

    // Topics before alarms: an alarm's actions must name topics of this stack or of one loaded earlier.
    for (const [logicalId, resource] of byType(template, 'AWS::SNS::Topic')) {
      const { TopicName, ...properties } = props(resource);
      try {
        // CloudFormation names an unnamed topic after its stack and logical id (plus a suffix AWS generates).
        sns.createTopic(typeof TopicName === 'string' ? TopicName : `${stack.stackName}-${logicalId}`, properties);
      } catch (error) {
        throw new Error(`${where(logicalId)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    }
    for (const [logicalId, resource] of byType(template, 'AWS::CloudWatch::Alarm')) {
      try {
        cloudWatch.putMetricAlarm(props(resource), `${stack.stackName}-${logicalId}`);
      } catch (error) {
        throw new Error(`${where(logicalId)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    }

    addHttpApiResources({
      template,
      props,
      ref: (logicalId) => resolver.ref(logicalId),
      where,
      http,
      log: (line) => log('http', line),
      notEmulated,
      isLocalIssuer: (issuer) => identity.listPools().some((pool) => pool.issuerUrl === issuer),
    });

    exports = { ...exports, ...localExports(template, resolver) };
  }

  // One execution environment per function before resolving (see LambdaRuntime.prewarm), so the first
  // requests do not pay cold starts; `LOCAL_CLOUD_PREWARM=0` turns it off.
  if (process.env.LOCAL_CLOUD_PREWARM !== '0') {
    const warmingSince = Date.now();
    await lambda.prewarm();
    trace('lambda', 'pre-warmed every function', { ms: Date.now() - warmingSince });
  }
  const httpPort = await http.listen(options.httpPort ?? 3000);
  cloudWatch.start();
  dynamo.startTimeToLive();
  notEmulated.push(...identity.notEmulated, ...secrets.notEmulated);

  const queued = (queueArn: string): number => {
    try {
      return sqs.depth(queueArn).total;
    } catch {
      return 0; // deleted through the API since: nothing left in it to consume
    }
  };
  const busy = () => eventBridge.pendingCount > 0 || stepFunctions.runningCount > 0 || asyncInvocations.size > 0 || consumedQueues.some((queueArn) => queued(queueArn) > 0);

  return {
    edgeUrl,
    httpUrl: `http://localhost:${httpPort}`,
    sqs,
    stepFunctions,
    eventBridge,
    dynamo,
    lambda,
    http,
    cloudWatch,
    sns,
    identity,
    secrets,
    eventLog,
    notEmulated,
    async whenIdle() {
      for (;;) {
        await Promise.all([eventBridge.whenIdle(), stepFunctions.whenIdle(), Promise.allSettled([...asyncInvocations])]);
        if (stopped || !busy()) return;
        await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS));
      }
    },
    stop,
  };
};

