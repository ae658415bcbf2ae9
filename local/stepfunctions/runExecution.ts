import './promiseWithResolvers';
import { StateMachine, type RunOptions, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { TaskTokens } from './taskTokens';

/** Invokes a Lambda function by name or ARN with a JSON payload, returning its JSON result or throwing its error. */
export type InvokeLambda = (functionNameOrArn: string, payload: unknown) => Promise<unknown>;

/** A feature the local cloud does not emulate: thrown before anything runs, naming the state and the feature. */
export class UnsupportedStateMachineFeatureError extends Error {
  override readonly name = 'UnsupportedStateMachineFeatureError';
}

export interface ExecutionEvent {
  type: string;
  timestamp: number;
  stateName?: string;
  error?: string;
  cause?: unknown;
  input?: unknown;
  output?: unknown;
}

export interface RunningExecution {
  executionArn: string;
  /** Settles with the output, or rejects with the execution's error (`name` = the ASL error). */
  result: Promise<unknown>;
  /** States entered, retried, caught, failed: what GetExecutionHistory and tests read. */
  events: ExecutionEvent[];
  stop(): void;
}

type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

const TOKEN_PLACEHOLDER = '__LOCAL_TASK_TOKEN__';
const LAMBDA_INVOKE = /^arn:[\w-]+:states:::lambda:invoke(\.waitForTaskToken)?$/;
const LAMBDA_FUNCTION_ARN = /^arn:[\w-]+:lambda:[\w-]+:\d{12}:function:[\w-]+(:[\w$-]+)?$/;

interface TaskState {
  Type: 'Task';
  Resource: string;
  HeartbeatSeconds?: number;
}

/**
 * Runs a real ASL definition with aws-local-stepfunctions, binding every Task state to `invokeLambda`.
 * Supported integrations: `lambda:invoke` (result shaped like the AWS integration, `{ Payload, StatusCode }`),
 * `lambda:invoke.waitForTaskToken` (a token per task, settled through {@link TaskTokens}) and plain Lambda
 * ARNs. Any other resource fails at start, naming the state.
 *
 * @example
 * ```ts
 * const run = runExecution({ definition, input, executionArn, invokeLambda, taskTokens });
 * await run.result;
 * ```
 */
export const runExecution = ({
  definition,
  input,
  executionArn,
  stateMachineArn = executionArn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, ''),
  invokeLambda,
  taskTokens,
  retryIntervalMs,
}: {
  definition: StateMachineDefinition;
  input: unknown;
  executionArn: string;
  stateMachineArn?: string;
  invokeLambda: InvokeLambda;
  taskTokens: TaskTokens;
  /** Shortens every Retry interval (tests); AWS's intervals apply when absent. */
  retryIntervalMs?: number;
}): RunningExecution => {
  const tasks = collectTaskStates(definition);
  const handlers: LocalHandlers = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const [stateName, state] of Object.entries(tasks)) {
    handlers[stateName] = taskHandler(stateName, state, { executionArn, invokeLambda, taskTokens }) as LocalHandlers[string];
    if (retryIntervalMs !== undefined) retryIntervalOverrides[stateName] = retryIntervalMs;
  }

  const name = executionArn.split(':').pop() ?? '';
  const startTime = new Date().toISOString();
  const machine = new StateMachine(definition, { validationOptions: { checkArn: false } });
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides },
    context: {
      Execution: { Id: executionArn, Name: name, StartTime: startTime, Input: input as never, RoleArn: '' },
      StateMachine: { Id: stateMachineArn, Name: stateMachineArn.split(':').pop() ?? '' },
      Task: { Token: TOKEN_PLACEHOLDER },
    },
  });

  const events: ExecutionEvent[] = [];
  void (async () => {
    for await (const log of execution.eventLogs) {
      const state = 'state' in log ? log.state : undefined;
      events.push({
        type: log.type,
        timestamp: log.timestamp,
        stateName: state?.name,
        error: 'Error' in log ? log.Error : undefined,
        cause: 'Cause' in log ? log.Cause : undefined,
        input: state?.input ?? ('input' in log ? log.input : undefined),
        output: state?.output ?? ('output' in log ? log.output : undefined),
      });
    }
  })().catch(() => undefined);

  const result = execution.result.finally(() => taskTokens.closeExecution(executionArn));
  return { executionArn, result, events, stop: () => execution.abort() };
};

const taskHandler =
  (
    stateName: string,
    state: TaskState,
    { executionArn, invokeLambda, taskTokens }: { executionArn: string; invokeLambda: InvokeLambda; taskTokens: TaskTokens },
  ) =>
  async (parameters: unknown): Promise<unknown> => {
    const integration = LAMBDA_INVOKE.exec(state.Resource);
    if (!integration) {
      // A plain function ARN: the state input is the payload and the function's result is the output.
      return invokeLambda(state.Resource, parameters);
    }
    const { FunctionName, Payload } = parameters as { FunctionName?: string; Payload?: unknown };
    if (!FunctionName) throw new UnsupportedStateMachineFeatureError(`${stateName}: lambda:invoke needs Parameters.FunctionName`);

    if (!integration[1]) {
      return { ExecutedVersion: '$LATEST', StatusCode: 200, Payload: await invokeLambda(FunctionName, Payload ?? parameters) };
    }

    const { token, outcome } = taskTokens.mint({ executionArn, stateName, heartbeatSeconds: state.HeartbeatSeconds });
    try {
      await invokeLambda(FunctionName, replaceToken(Payload, token));
      return await outcome;
    } finally {
      // When TimeoutSeconds wins the race, the token must refuse later callbacks, as AWS does.
      taskTokens.close(token);
    }
  };

const replaceToken = (value: unknown, token: string): unknown => {
  if (value === TOKEN_PLACEHOLDER) return token;
  if (Array.isArray(value)) return value.map((item) => replaceToken(item, token));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, replaceToken(child, token)]));
  }
  return value;
};

/** Every Task state, Map and Parallel bodies included (state names are unique across a state machine). */
const collectTaskStates = (definition: { States: Record<string, unknown> }): Record<string, TaskState> => {
  const tasks: Record<string, TaskState> = {};
  for (const [name, raw] of Object.entries(definition.States)) {
    const state = raw as {
      Type: string;
      Resource?: string;
      HeartbeatSeconds?: number;
      Iterator?: { States: Record<string, unknown> };
      ItemProcessor?: { States: Record<string, unknown> };
      Branches?: { States: Record<string, unknown> }[];
    };
    if (state.Type === 'Task') {
      const resource = state.Resource ?? '';
      if (!LAMBDA_INVOKE.test(resource) && !LAMBDA_FUNCTION_ARN.test(resource)) {
        throw new UnsupportedStateMachineFeatureError(
          `state ${name}: resource ${resource} is not supported locally (supported: lambda:invoke, lambda:invoke.waitForTaskToken, Lambda ARNs)`,
        );
      }
      tasks[name] = { Type: 'Task', Resource: resource, HeartbeatSeconds: state.HeartbeatSeconds };
    }
    const nested = [state.Iterator, state.ItemProcessor, ...(state.Branches ?? [])].filter(
      (body): body is { States: Record<string, unknown> } => body !== undefined,
    );
    for (const body of nested) Object.assign(tasks, collectTaskStates(body));
  }
  return tasks;
};

export { TaskTokens };
