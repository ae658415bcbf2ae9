import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { localExports, localResourceResolver, resolveLocally } from '../../local/cloudformation/localResources';
import { runExecution, TaskTokens, type RunningExecution } from '../../local/stepfunctions/runExecution';
import { readPackagedTemplate, STACKS, type StackName } from '../../scripts/stacks';

export const LOCAL = { region: 'eu-west-1', accountId: '000000000000', endpoint: 'http://localhost:4566' } as const;

/** A Lambda handler as a state machine task calls it. */
export type TaskHandler = (payload: never) => Promise<unknown>;

const platformExports = (): Record<string, string> => {
  const template = readPackagedTemplate('platform');
  return localExports(template, localResourceResolver(template, 'ordering-platform-dev', { ...LOCAL, exports: {} }));
};

/**
 * The definition of a workflow exactly as `sls package` wrote it into the stack's template, with its
 * function references resolved to local ARNs. Tests run this, never a copy of the ASL.
 */
export const loadWorkflow = (stack: Exclude<StackName, 'platform'>, workflow: string) => {
  const template = readPackagedTemplate(stack);
  const stackName = `ordering-${stack}-dev`;
  const resolver = localResourceResolver(template, stackName, { ...LOCAL, exports: platformExports() });
  const entry = Object.entries(template.Resources).find(
    ([, resource]) =>
      resource.Type === 'AWS::StepFunctions::StateMachine' &&
      resolveLocally(resource.Properties?.StateMachineName, resolver) === `${stackName}-${workflow}`,
  );
  if (!entry) throw new Error(`${stack} has no state machine named ${stackName}-${workflow}; run npm run package`);
  const definition = JSON.parse(resolveLocally(entry[1].Properties?.DefinitionString, resolver) as string) as StateMachineDefinition;
  /** `ordering-payment-dev-chargePayment` or its ARN → `chargePayment`, the function key and handler file name. */
  const functionKey = (nameOrArn: string) => (nameOrArn.split(':').pop() ?? '').replace(`${stackName}-`, '');
  return { definition, stateMachineArn: `arn:aws:states:${LOCAL.region}:${LOCAL.accountId}:stateMachine:${stackName}-${workflow}`, functionKey };
};

const validatedDefinitions = new Set<string>();

export interface WorkflowRun extends RunningExecution {
  taskTokens: TaskTokens;
  /** Names of the states entered, in order: what a test asserts the path with. */
  statesEntered(): string[];
}

/**
 * Runs a packaged workflow with aws-local-stepfunctions, each Task bound to the real handler of the
 * function it names. Retry intervals shrink to `retryIntervalMs` so retry paths run in milliseconds.
 *
 * @example
 * ```ts
 * const run = runWorkflow({ stack: 'payment', workflow: 'charge', input, handlers: { chargePayment: handler } });
 * await expect(run.result).resolves.toMatchObject({ status: 'CHARGED' });
 * ```
 */
export const runWorkflow = ({
  stack,
  workflow,
  input,
  handlers,
  taskTokens = new TaskTokens(),
  retryIntervalMs = 1,
  executionName = 'test',
}: {
  stack: Exclude<StackName, 'platform'>;
  workflow: string;
  input: unknown;
  handlers: Record<string, TaskHandler>;
  taskTokens?: TaskTokens;
  retryIntervalMs?: number;
  executionName?: string;
}): WorkflowRun => {
  const { definition, stateMachineArn, functionKey } = loadWorkflow(stack, workflow);
  // The interpreter validates a definition in up to a second; once per definition and test file is enough.
  const key = JSON.stringify(definition);
  const validated = validatedDefinitions.has(key);
  validatedDefinitions.add(key);
  const run = runExecution({
    validated,
    definition,
    input,
    executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`,
    stateMachineArn,
    taskTokens,
    retryIntervalMs,
    invokeLambda: async (nameOrArn, payload) => {
      const key = functionKey(nameOrArn);
      const handler = handlers[key];
      if (!handler) throw new Error(`no handler bound for function ${key} (bound: ${Object.keys(handlers).join(', ')})`);
      // Round-trip through JSON as Lambda does, so a handler never sees (or returns) non-JSON values.
      return JSON.parse(JSON.stringify((await handler(JSON.parse(JSON.stringify(payload ?? null)) as never)) ?? null)) as unknown;
    },
  });
  return {
    ...run,
    taskTokens,
    statesEntered: () => run.events.filter((event) => event.type === 'StateEntered').map((event) => event.stateName ?? ''),
  };
};

export const stackNames = STACKS.map((stack) => stack.name);
