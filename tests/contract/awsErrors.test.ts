import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SQSBatchResponse } from 'aws-lambda';
import { localResourceResolver, resolveLocally } from '../../local/cloudformation/localResources';
import { LambdaRuntime } from '../../local/lambda/lambdaRuntime';
import { readPackagedTemplate, ROOT, STACKS as ALL_STACKS, type StackName } from '../../scripts/stacks';
import { startFailingAwsEndpoint, type AwsFault } from '../support/failingAwsEndpoint';
import { LOCAL, loadWorkflow } from '../support/workflows';

/**
 * What AWS answers a function with on a bad day, as the API puts it on the wire: DynamoDB, EventBridge and
 * Step Functions throttling, 5xx, PutEvents entries failed inside an HTTP 200, a connection reset, and an
 * access error (the one that no retry fixes).
 */
const FAULTS: { label: string; fault: AwsFault; retryable: boolean }[] = [
  { label: 'ThrottlingException', fault: { kind: 'error', code: 'ThrottlingException', status: 400 }, retryable: true },
  { label: 'ProvisionedThroughputExceededException', fault: { kind: 'error', code: 'ProvisionedThroughputExceededException', status: 400 }, retryable: true },
  { label: 'InternalServerError (HTTP 500)', fault: { kind: 'error', code: 'InternalServerError', status: 500 }, retryable: true },
  { label: 'PutEvents entries failed with InternalFailure', fault: { kind: 'entries-failed', code: 'InternalFailure' }, retryable: true },
  { label: 'a connection reset', fault: { kind: 'connection-reset' }, retryable: true },
  { label: 'AccessDeniedException', fault: { kind: 'error', code: 'AccessDeniedException', status: 400 }, retryable: false },
];

interface State {
  Type: string;
  Parameters?: { FunctionName?: string };
  Retry?: { ErrorEquals: string[] }[];
  Iterator?: { States: Record<string, State> };
  ItemProcessor?: { States: Record<string, State> };
  Branches?: { States: Record<string, State> }[];
}

const allStates = (states: Record<string, State>): [string, State][] =>
  Object.entries(states).flatMap(([name, state]) => [
    [name, state] as [string, State],
    ...[state.Iterator, state.ItemProcessor, ...(state.Branches ?? [])].flatMap((body) => (body ? allStates(body.States) : [])),
  ]);

/** Whether a Retry rule matches an error name, as Step Functions matches it. */
const matches = (errorEquals: readonly string[], name: string) =>
  errorEquals.includes(name) || errorEquals.includes('States.ALL') || (errorEquals.includes('States.TaskFailed') && name !== 'States.Timeout');

type ServiceStack = Exclude<StackName, 'platform'>;

interface PackagedFunction {
  stack: ServiceStack;
  /** The function key: its handler file and sample event name. */
  key: string;
  name: string;
  zipPath: string;
  handler: string;
  environment: Record<string, string>;
}

/** Every function of the service stacks, as its packaged template deploys it. */
const packagedFunctions = (stack: ServiceStack): PackagedFunction[] => {
  const template = readPackagedTemplate(stack);
  const resolver = localResourceResolver(template, `ordering-${stack}-dev`, { ...LOCAL, exports: {} });
  const dir = ALL_STACKS.find((candidate) => candidate.name === stack)?.dir ?? ROOT;
  return Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::Lambda::Function')
    .map((resource) => {
      const properties = resolveLocally(resource.Properties, resolver) as {
        FunctionName: string;
        Handler: string;
        Code: { S3Key: string };
        Environment?: { Variables?: Record<string, unknown> };
      };
      return {
        stack,
        key: properties.Handler.replace(/^src\/handlers\//, '').replace(/\.handler$/, ''),
        name: properties.FunctionName,
        zipPath: path.join(dir, '.serverless', path.basename(properties.Code.S3Key)),
        handler: properties.Handler,
        environment: Object.fromEntries(Object.entries(properties.Environment?.Variables ?? {}).map(([name, value]) => [name, String(value)])),
      };
    });
};

const STACKS: ServiceStack[] = ['order', 'payment', 'inventory', 'shipping'];

/** Each workflow task function, with every state that calls it (a function may serve several states). */
const taskFunctions = STACKS.flatMap((stack) => {
  const template = readPackagedTemplate(stack);
  const workflows = Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::StepFunctions::StateMachine')
    .map((resource) => String(resource.Properties?.StateMachineName).replace(`ordering-${stack}-dev-`, ''));
  const callers = new Map<string, { workflow: string; state: string; definition: State }[]>();
  for (const workflow of workflows) {
    const { definition, functionKey } = loadWorkflow(stack, workflow);
    for (const [state, definitionOfState] of allStates(definition.States as Record<string, State>)) {
      const functionName = definitionOfState.Parameters?.FunctionName;
      if (definitionOfState.Type !== 'Task' || !functionName) continue;
      const key = functionKey(functionName);
      callers.set(key, [...(callers.get(key) ?? []), { workflow, state, definition: definitionOfState }]);
    }
  }
  return packagedFunctions(stack)
    .filter((fn) => callers.has(fn.key))
    .map((fn) => ({ ...fn, callers: callers.get(fn.key) ?? [] }));
});

const consumers = STACKS.flatMap((stack) => {
  const template = readPackagedTemplate(stack);
  const mapped = new Set(
    Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::Lambda::EventSourceMapping')
      .map((resource) => JSON.stringify(resource.Properties?.FunctionName)),
  );
  return packagedFunctions(stack).filter((fn) =>
    Object.entries(template.Resources).some(
      ([logicalId, resource]) => resource.Type === 'AWS::Lambda::Function' && resource.Properties?.Handler === `src/handlers/${fn.key}.handler` && [...mapped].some((ref) => ref.includes(logicalId)),
    ),
  );
});

const sampleEvent = ({ stack, key }: PackagedFunction): unknown =>
  JSON.parse(readFileSync(path.join(ROOT, 'services', stack, 'events', `${key}.json`), 'utf8'));

// Every task and consumer of every service, each against every fault: a few hundred real SDK calls, from
// the packaged bundles, each in its own execution environment.
jest.setTimeout(60_000);

/**
 * The packaged functions run as the local cloud runs them (worker threads with the template's environment),
 * with the SDK pointed at the failing endpoint and retrying nothing itself: its own retries would end in the
 * same error class, only later. Each function runs in a Node realm of its own, as on Lambda, so the SDK sees
 * Node's own network errors as they are.
 */
describe('AWS errors at the task and consumer boundary', () => {
  let endpoint: Awaited<ReturnType<typeof startFailingAwsEndpoint>>;
  let runtime: LambdaRuntime;
  const workDir = mkdtempSync(path.join(tmpdir(), 'aws-errors-'));
  const invoke = (fn: PackagedFunction) =>
    runtime.invoke(fn.name, sampleEvent(fn)).then(
      (result) => ({ returned: result }),
      (error: unknown) => ({ thrown: error as Error }),
    );

  beforeAll(async () => {
    endpoint = await startFailingAwsEndpoint();
    runtime = new LambdaRuntime({
      workDir,
      log: () => undefined,
      baseEnvironment: {
        AWS_ENDPOINT_URL: endpoint.url,
        AWS_MAX_ATTEMPTS: '1',
        AWS_REGION: LOCAL.region,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        PATH: process.env.PATH ?? '',
      },
    });
    for (const fn of [...taskFunctions, ...consumers]) {
      if (!runtime.has(fn.name)) runtime.register({ ...fn, arn: `arn:aws:lambda:${LOCAL.region}:${LOCAL.accountId}:function:${fn.name}`, timeoutSeconds: 10, memorySize: 256 });
    }
  });
  afterAll(async () => {
    await runtime.stop();
    await endpoint.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('finds every workflow task function and every consumer in the packaged templates', () => {
    expect(taskFunctions.map((fn) => `${fn.stack}/${fn.key}`)).toEqual(expect.arrayContaining(['order/advanceOrder', 'payment/chargePayment', 'inventory/reserveLine', 'shipping/createShipment']));
    expect(consumers.map((fn) => `${fn.stack}/${fn.key}`)).toEqual(expect.arrayContaining(['order/onOrderOutcome', 'payment/onOrderPlaced', 'inventory/onOrderCancelled', 'shipping/onOrderConfirmed']));
  });

  describe.each(taskFunctions.map((fn) => [`${fn.stack}/${fn.key}`, fn] as const))('workflow task %s', (_label, fn) => {
    it.each(FAULTS.map((entry) => [entry.label, entry] as const))('throws an error its states route when AWS answers %s', async (_fault, { fault, retryable }) => {
      endpoint.fault = fault;
      endpoint.reset();

      const outcome = await invoke(fn);
      const thrown = 'thrown' in outcome ? outcome.thrown : { name: 'no error', message: JSON.stringify(outcome.returned) };

      // A fault aimed at a service the task does not call first never reaches it: then the task's first call
      // went elsewhere and failed there, which the other faults of the table cover.
      const reached = fault.kind !== 'entries-failed' || endpoint.requested.includes('events:PutEvents');
      if (!reached) return;
      expect(endpoint.requested.length).toBeGreaterThan(0);
      for (const { workflow, state, definition } of fn.callers) {
        // Not retried, a permanent error goes to the state's Catch if it has one, or fails the execution
        // (alarmed, and redrivable once fixed).
        const retried = (definition.Retry ?? []).some((rule) => matches(rule.ErrorEquals, thrown.name));
        const where = `${workflow}.${state} threw ${thrown.name}: ${thrown.message}`;
        expect({ where, retried }).toEqual({ where, retried: retryable });
      }
    });
  });

  describe.each(consumers.map((fn) => [`${fn.stack}/${fn.key}`, fn] as const))('consumer %s', (_label, fn) => {
    it.each(FAULTS.filter((entry) => entry.fault.kind !== 'entries-failed').map((entry) => [entry.label, entry] as const))(
      'retries the message when AWS answers %s if a retry can help, and dead-letters it with the reason if not',
      async (_fault, { fault, retryable }) => {
        endpoint.fault = fault;
        endpoint.reset();
        const event = sampleEvent(fn) as { Records: { messageId: string }[] };

        const outcome = await invoke(fn);
        if ("thrown" in outcome) throw outcome.thrown;
        const response = outcome.returned as SQSBatchResponse;

        const ids = event.Records.map((record) => record.messageId);
        if (retryable) {
          expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(ids);
          expect(endpoint.deadLetters).toEqual([]);
        } else {
          expect(response.batchItemFailures).toEqual([]);
          expect(endpoint.deadLetters.map((sent) => sent.attributes['failure-reason']?.StringValue)).toEqual(
            ids.map(() => expect.stringContaining('AccessDeniedException') as unknown),
          );
        }
      },
    );
  });
});
