import { randomUUID } from 'node:crypto';
import './promiseWithResolvers';
import { ExecutionError, StateMachine, type RunOptions, type StateMachineDefinition } from 'aws-local-stepfunctions';
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

/** Where a redriven execution resumes: the top-level state that did not succeed, with the input it received. */
export interface ResumeAt {
  stateName: string;
  input: unknown;
  /** `$$.Execution.RedriveCount`: 1 for the first redrive. */
  redriveCount: number;
  /** `$$.Execution.RedriveTime`. */
  redriveDate: Date;
}

type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

const TOKEN_PLACEHOLDER = '__LOCAL_TASK_TOKEN__';
const LAMBDA_INVOKE = /^arn:[\w-]+:states:::lambda:invoke(\.waitForTaskToken)?$/;
const LAMBDA_FUNCTION_ARN = /^arn:[\w-]+:lambda:[\w-]+:\d{12}:function:[\w-]+(:[\w$-]+)?$/;

/**
 * Settles a task that is still running when its execution ends (stopped, or failed by a sibling branch), so
 * the library's timeout timer for it is cleared and no retry invokes a function after the end.
 */
class ExecutionEndedError extends Error {
  override readonly name = 'ExecutionEnded';
  // Read by aws-local-stepfunctions: no Retry or Catch may run a state of an execution that has ended.
  readonly isRetryable = false;
  readonly isCatchable = false;
}

/** aws-local-stepfunctions' Task timeout when the state sets none (AWS's is a year). */
const DEFAULT_TASK_TIMEOUT_SECONDS = 60;

interface TaskState {
  Type: 'Task';
  Resource: string;
  TimeoutSeconds?: number;
  HeartbeatSeconds?: number;
  /** Its `TimeoutSecondsPath`/`HeartbeatSecondsPath` were moved into its Parameters: see {@link wrapDynamicTimeouts}. */
  wrapped: boolean;
}

/** What a wrapped Task state's handler receives. */
interface WrappedParameters {
  parameters: unknown;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
}

interface RawState {
  Type: string;
  Resource?: string;
  Parameters?: unknown;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number;
  HeartbeatSecondsPath?: string;
  Iterator?: StatesBody;
  ItemProcessor?: StatesBody;
  Branches?: StatesBody[];
}

interface StatesBody {
  States: Record<string, unknown>;
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
  validated = false,
  resumeAt,
}: {
  definition: StateMachineDefinition;
  input: unknown;
  executionArn: string;
  stateMachineArn?: string;
  invokeLambda: InvokeLambda;
  taskTokens: TaskTokens;
  /** Shortens every Retry interval (tests); AWS's intervals apply when absent. */
  retryIntervalMs?: number;
  /**
   * The caller validated the definition already (StepFunctionsService does when the state machine is
   * created): skips the library's validation, which costs 0.3-1 s per run.
   */
  validated?: boolean;
  /**
   * Runs a redrive: from this top-level state with this input, instead of from `StartAt` with `input`.
   * `input` stays the execution's input (`$$.Execution.Input`), as on AWS.
   */
  resumeAt?: ResumeAt;
}): RunningExecution => {
  const tasks: Record<string, TaskState> = {};
  const prepared = prepareBody(definition, tasks) as StateMachineDefinition;
  const entry = resumeAt === undefined ? undefined : resumeEntry(prepared, resumeAt);
  const ended = new AbortController();
  const handlers: LocalHandlers = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const [stateName, state] of Object.entries(tasks)) {
    handlers[stateName] = taskHandler(stateName, state, { executionArn, invokeLambda, taskTokens, ended: ended.signal }) as LocalHandlers[string];
    if (retryIntervalMs !== undefined) retryIntervalOverrides[stateName] = retryIntervalMs;
  }

  const name = executionArn.split(':').pop() ?? '';
  const startTime = new Date().toISOString();
  // A resumed definition leaves states unreachable from its StartAt, which validation would refuse: it was
  // validated whole when the state machine was created.
  const machine = new StateMachine(entry?.definition ?? prepared, { validationOptions: { checkArn: false, noValidate: validated || entry !== undefined } });
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides },
    context: {
      Execution: {
        Id: executionArn,
        Name: name,
        StartTime: startTime,
        Input: input as never,
        RoleArn: '',
        RedriveCount: resumeAt?.redriveCount ?? 0,
        ...(resumeAt && { RedriveTime: resumeAt.redriveDate.toISOString() }),
      },
      StateMachine: { Id: stateMachineArn, Name: stateMachineArn.split(':').pop() ?? '' },
      Task: { Token: TOKEN_PLACEHOLDER },
    },
  });

  const events: ExecutionEvent[] = [];
  // The library closes its event stream when the execution ends; `result` waits for it, so a caller reading
  // `events` after awaiting `result` sees the whole history.
  const recorded = (async () => {
    for await (const log of execution.eventLogs) {
      const state = 'state' in log ? log.state : undefined;
      if (entry && state?.name === entry.stateName) continue;
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

  const result = execution.result
    .catch((error: unknown) => {
      // The library wraps the failure in ExecutionError; callers match the ASL error name, as on AWS.
      throw error instanceof ExecutionError && error.cause instanceof Error ? error.cause : error;
    })
    .finally(async () => {
      await recorded;
      taskTokens.closeExecution(executionArn);
      ended.abort(new ExecutionEndedError(`execution ${executionArn} has ended`));
    });
  return { executionArn, result, events, stop: () => execution.abort() };
};

interface TaskDependencies {
  executionArn: string;
  invokeLambda: InvokeLambda;
  taskTokens: TaskTokens;
  ended: AbortSignal;
}

const taskHandler = (stateName: string, state: TaskState, dependencies: TaskDependencies) => {
  const runTask = taskRunner(stateName, state, dependencies);
  return async (input: unknown): Promise<unknown> => {
    dependencies.ended.throwIfAborted();
    // When the execution ends first, the task settles so the library clears its timer; the function itself
    // runs on, as an in-flight Lambda invocation does on AWS when its execution stops.
    return Promise.race([runTask(input), endOf(dependencies.ended)]);
  };
};

const taskRunner =
  (stateName: string, state: TaskState, { executionArn, invokeLambda, taskTokens, ended }: TaskDependencies) =>
  async (input: unknown): Promise<unknown> => {
    const { parameters, timeoutSeconds, heartbeatSeconds } = state.wrapped
      ? (input as WrappedParameters)
      : { parameters: input, timeoutSeconds: undefined, heartbeatSeconds: undefined };
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

    const { token, outcome } = taskTokens.mint({ executionArn, stateName, heartbeatSeconds: heartbeatSeconds ?? state.HeartbeatSeconds });
    // The library races this handler against the state's timeout and abandons it when the timeout wins, so
    // the `finally` below never runs then: the token is closed on the same clock instead, because AWS
    // refuses callbacks for a timed-out task. Armed before the library arms its own, so it fires first.
    const timeout = setTimeout(() => taskTokens.close(token), (timeoutSeconds ?? state.TimeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS) * 1000);
    timeout.unref();
    try {
      // closeExecution drops the token without settling it: the end of the execution settles the wait instead.
      await Promise.race([invokeLambda(FunctionName, replaceToken(Payload, token)), endOf(ended)]);
      return await Promise.race([outcome, endOf(ended)]);
    } finally {
      clearTimeout(timeout);
      taskTokens.close(token);
    }
  };

/** One promise per execution, however many tasks race it: one abort listener, not one per task and retry. */
const endings = new WeakMap<AbortSignal, Promise<never>>();

const endOf = (ended: AbortSignal): Promise<never> => {
  let ending = endings.get(ended);
  if (!ending) {
    ending = new Promise<never>((_resolve, reject) => {
      if (ended.aborted) reject(ended.reason as Error);
      ended.addEventListener('abort', () => reject(ended.reason as Error), { once: true });
    });
    // Every execution ends, raced or not: the rejection is for the races, never unhandled.
    ending.catch(() => undefined);
    endings.set(ended, ending);
  }
  return ending;
};

const replaceToken = (value: unknown, token: string): unknown => {
  if (value === TOKEN_PLACEHOLDER) return token;
  if (Array.isArray(value)) return value.map((item) => replaceToken(item, token));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, replaceToken(child, token)]));
  }
  return value;
};

/**
 * The library always starts at `StartAt` with the run's input, which it also makes `$$.Execution.Input`. A
 * redrive must resume elsewhere with another input and keep the execution's input in the context, so the
 * run starts at a Pass state of its own that outputs the resumed state's input and goes there. `Result` is
 * wrapped because the library ignores a falsy `Result` (null, 0, false, ''). Its events are not reported.
 */
const resumeEntry = (definition: StateMachineDefinition, { stateName, input }: ResumeAt): { definition: StateMachineDefinition; stateName: string } => {
  if (!(stateName in definition.States)) throw new Error(`cannot resume at ${stateName}: no such top-level state`);
  const entryName = `LocalCloudRedrive-${randomUUID()}`;
  const entry = { Type: 'Pass', Result: { input }, OutputPath: '$.input', Next: stateName };
  return {
    definition: { ...definition, StartAt: entryName, States: { ...definition.States, [entryName]: entry } } as StateMachineDefinition,
    stateName: entryName,
  };
};

/**
 * Checks every Task state, Map and Parallel bodies included (state names are unique across a state machine),
 * records it in `tasks` and returns the body as the library should run it.
 */
const prepareBody = (body: StatesBody, tasks: Record<string, TaskState>): StatesBody => ({
  ...body,
  States: Object.fromEntries(Object.entries(body.States).map(([name, raw]) => [name, prepareState(name, raw as RawState, tasks)])),
});

const prepareState = (name: string, state: RawState, tasks: Record<string, TaskState>): RawState => {
  if (state.Type === 'Map') {
    return {
      ...state,
      ...(state.Iterator && { Iterator: prepareBody(state.Iterator, tasks) }),
      ...(state.ItemProcessor && { ItemProcessor: prepareBody(state.ItemProcessor, tasks) }),
    };
  }
  if (state.Type === 'Parallel') return { ...state, Branches: (state.Branches ?? []).map((branch) => prepareBody(branch, tasks)) };
  if (state.Type !== 'Task') return state;

  const resource = state.Resource ?? '';
  if (!LAMBDA_INVOKE.test(resource) && !LAMBDA_FUNCTION_ARN.test(resource)) {
    throw new UnsupportedStateMachineFeatureError(
      `state ${name}: resource ${resource} is not supported locally (supported: lambda:invoke, lambda:invoke.waitForTaskToken, Lambda ARNs)`,
    );
  }
  const wrapped = state.TimeoutSecondsPath !== undefined || state.HeartbeatSecondsPath !== undefined;
  tasks[name] = { Type: 'Task', Resource: resource, TimeoutSeconds: state.TimeoutSeconds, HeartbeatSeconds: state.HeartbeatSeconds, wrapped };
  return wrapped ? wrapDynamicTimeouts(state) : state;
};

/**
 * AWS reads `TimeoutSecondsPath` and `HeartbeatSecondsPath` from the state input; the library reads the first
 * from the Parameters' output (where `FunctionName`/`Payload` leave nothing to point at) and ignores the
 * second. Both paths move into Parameters beside the original ones, which the handler unwraps.
 */
const wrapDynamicTimeouts = ({ TimeoutSecondsPath, HeartbeatSecondsPath, Parameters, ...state }: RawState): RawState => ({
  ...state,
  Parameters: {
    ...(Parameters === undefined ? { 'parameters.$': '$' } : { parameters: Parameters }),
    ...(TimeoutSecondsPath !== undefined && { 'timeoutSeconds.$': TimeoutSecondsPath }),
    ...(HeartbeatSecondsPath !== undefined && { 'heartbeatSeconds.$': HeartbeatSecondsPath }),
  },
  ...(TimeoutSecondsPath !== undefined && { TimeoutSecondsPath: '$.timeoutSeconds' }),
});

/**
 * Throws {@link UnsupportedStateMachineFeatureError} for a definition {@link runExecution} would refuse to
 * run, so a caller can refuse it when the state machine is created rather than when an execution starts.
 */
export const assertSupportedDefinition = (definition: StateMachineDefinition): void => {
  prepareBody(definition, {});
};

export { TaskTokens };
