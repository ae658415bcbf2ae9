import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ExecutionAbortedError, ExecutionTimeoutError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { AwsServiceError } from '../edge/awsJsonProtocol';
import type { LambdaInvoker } from '../lambda/invoker';
import {
  assertSupportedDefinition,
  runExecution,
  TaskTokens,
  UnsupportedStateMachineFeatureError,
  type ExecutionEvent,
  type ResumeAt,
  type RunningExecution,
} from './runExecution';
import { TaskTokenClosedError } from './taskTokens';
import { trace, tracing } from '../trace';

export type StateMachineType = 'STANDARD' | 'EXPRESS';
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
export type RedriveStatus = 'REDRIVABLE' | 'NOT_REDRIVABLE';
export type RedriveFilter = 'REDRIVEN' | 'NOT_REDRIVEN';

const EXECUTION_STATUSES: readonly string[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
const REDRIVE_FILTERS: readonly string[] = ['REDRIVEN', 'NOT_REDRIVEN'];

/** What DescribeStateMachine answers (dates as `Date`; the API layer writes them as epoch seconds). */
export interface StateMachineDescription {
  stateMachineArn: string;
  name: string;
  status: 'ACTIVE';
  definition: string;
  roleArn: string;
  type: StateMachineType;
  creationDate: Date;
  loggingConfiguration: { level: 'OFF'; includeExecutionData: false };
  tracingConfiguration: { enabled: false };
}

/** What DescribeExecution answers. */
export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  inputDetails: { included: true };
  output?: string;
  outputDetails?: { included: true };
  error?: string;
  cause?: string;
  /** Times it was redriven, 0 until then. STANDARD only, like the three below (EXPRESS executions are not redrivable). */
  redriveCount?: number;
  /** When it was last redriven; absent until then. */
  redriveDate?: Date;
  /** Whether RedriveExecution would accept it now. */
  redriveStatus?: RedriveStatus;
  /** Why not, in AWS's words, when `redriveStatus` is NOT_REDRIVABLE. */
  redriveStatusReason?: string;
}

export interface ExecutionListItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  redriveCount: number;
  redriveDate?: Date;
}

/** One GetExecutionHistory event: `type` plus the one `<camelType>EventDetails` member AWS sets for it. */
export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: `${string}EventDetails`]: Record<string, unknown> | undefined;
}

export interface StepFunctionsServiceOptions {
  /** Runs the functions Task states name. */
  invoker: LambdaInvoker;
  accountId: string;
  region: string;
  /** `.waitForTaskToken` callbacks; pass one to share it with other components or inspect it in tests. */
  taskTokens?: TaskTokens;
  /** Shortens every Retry interval (tests, chaos runs); AWS's intervals apply when absent. */
  retryIntervalMs?: number;
  /** Epoch milliseconds for creation, start and stop dates. */
  now?: () => number;
  /**
   * A file remembering which definitions passed the interpreter's validation (by hash, for this version of
   * the interpreter), so a local cloud restarted on the same templates does not validate them again: the
   * validator compiles its JSON Schemas afresh for each definition, 0.3-1 s each. Validation is
   * deterministic, so a definition found there would pass again. None by default.
   */
  validationCacheFile?: string;
}

interface RawState {
  Type: string;
  Resource?: string;
  Parameters?: Record<string, unknown>;
  InputPath?: unknown;
  ResultSelector?: unknown;
  ResultPath?: unknown;
  OutputPath?: unknown;
  TimeoutSeconds?: number;
  HeartbeatSeconds?: number;
  QueryLanguage?: string;
  Iterator?: StatesBody;
  ItemProcessor?: StatesBody & { ProcessorConfig?: { Mode?: string } };
  Branches?: StatesBody[];
}

interface StatesBody {
  States: Record<string, RawState>;
  QueryLanguage?: string;
}

interface StateMachineRecord {
  arn: string;
  name: string;
  type: StateMachineType;
  /** The parsed definition as JSON: compared on re-creation, parsed afresh for every run (the interpreter may mutate it). */
  canonical: string;
  definitionString: string;
  roleArn: string;
  creationDate: Date;
  /** Every state by name, Map and Parallel bodies included (names are unique across a state machine). */
  states: Map<string, RawState>;
  startAt: string;
  /** The states a redrive can resume at: a failure inside a Map or Parallel resumes at the Map or Parallel. */
  topLevelStates: ReadonlySet<string>;
}

/** One run of an execution: its start, then one per redrive. What DescribeExecution reports is the latest's. */
interface Attempt {
  /** 0 for the start, n for the n-th redrive. */
  redriveCount: number;
  /** The start date, or the redrive date. */
  date: Date;
  /** The interpreter's clock when it began, for its ExecutionRedriven history event. */
  timestamp: number;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  /** Absent until it begins: a redrive begins once the attempt before it has let go of its interpreter. */
  run?: RunningExecution;
}

interface RedriveToken {
  token: string;
  firstUsedAt: number;
  redriveDate: Date;
}

interface ExecutionRecord {
  arn: string;
  name: string;
  machine: StateMachineRecord;
  /** Start order: ListExecutions answers newest first and pages on it. */
  sequence: number;
  startDate: Date;
  input: string;
  attempts: [Attempt, ...Attempt[]];
  /** The client tokens of its latest redrives, which answer again without redriving. */
  redriveTokens: RedriveToken[];
}

const NAME = /^[A-Za-z0-9_-]{1,80}$/;
const STATE_MACHINE_ARN = /^arn:aws[\w-]*:states:[\w-]+:\d{12}:stateMachine:([^:]+)$/;
const EXECUTION_ARN = /^arn:aws[\w-]*:states:[\w-]+:\d{12}:(execution|express):([^:]+):([^:]+)(:[^:]+)?$/;
/** The optimised Lambda integration; runExecution decides which resources are supported at all. */
const LAMBDA_INVOKE = /^arn:[\w-]+:states:::lambda:(invoke(?:\.waitForTaskToken)?)$/;
/**
 * Fields aws-local-stepfunctions does not implement. It ignores unknown fields, so a definition using one
 * would run locally with a different meaning than on AWS: refused at creation instead.
 */
const UNSUPPORTED_FIELDS: Record<string, string> = {
  Assign: 'variables (Assign)',
  Arguments: 'JSONata Arguments',
  Output: 'JSONata Output',
  Credentials: 'cross-account task Credentials',
  ItemReader: 'distributed Map ItemReader',
  ItemBatcher: 'distributed Map ItemBatcher',
  ResultWriter: 'distributed Map ResultWriter',
  ToleratedFailureCount: 'distributed Map ToleratedFailureCount',
  ToleratedFailureCountPath: 'distributed Map ToleratedFailureCountPath',
  ToleratedFailurePercentage: 'distributed Map ToleratedFailurePercentage',
  ToleratedFailurePercentagePath: 'distributed Map ToleratedFailurePercentagePath',
};
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

const DAY_MS = 86_400_000;
/** AWS's redrive eligibility: closed at most 14 days ago, open at most a year, at most 1000 redrives. */
const REDRIVABLE_PERIOD_MS = 14 * DAY_MS;
const MAX_EXECUTION_TIME_MS = 365 * DAY_MS;
const MAX_REDRIVES = 1000;
/** A redrive appends to the history, which holds 25,000 events: room for ExecutionRedriven and one more. */
const MAX_HISTORY_EVENTS_TO_REDRIVE = 24_999;
/** RedriveExecution answers the same for the last 10 client tokens, each for 15 minutes after its first use. */
const REDRIVE_TOKENS_KEPT = 10;
const REDRIVE_TOKEN_TTL_MS = 15 * 60_000;
const CLIENT_TOKEN = /^[!-~]{1,64}$/;

/**
 * The Step Functions control plane of the local cloud: state machines created from the packaged templates,
 * executions run in the background by {@link runExecution} on aws-local-stepfunctions, task-token callbacks,
 * and the AWS answers (error codes, deduplication, history) that `@aws-sdk/client-sfn` callers rely on.
 *
 * @example
 * ```ts
 * const sfn = new StepFunctionsService({ invoker, accountId: '000000000000', region: 'eu-west-1' });
 * const arn = sfn.createStateMachine({ name: 'ordering-order-dev-order', definition, type: 'STANDARD' });
 * const { executionArn } = sfn.startExecution({ stateMachineArn: arn, name: 'ord_1', input: '{"orderId":"ord_1"}' });
 * await sfn.whenIdle();
 * sfn.describeExecution(executionArn).status; // 'SUCCEEDED'
 * // or, had it failed: resume it at the state that failed, once what failed is fixed
 * sfn.redriveExecution({ executionArn, clientToken: 'fix-1234' });
 * ```
 */
export class StepFunctionsService {
  readonly taskTokens: TaskTokens;
  private readonly machines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, ExecutionRecord>();
  /** Runs not yet settled; an aborted run counts until its interpreter has let go of it. */
  private readonly running = new Map<string, Promise<void>>();
  private readonly closedListeners = new Set<(execution: ExecutionDescription) => void>();
  private readonly redrivenListeners = new Set<(execution: ExecutionDescription) => void>();
  private readonly now: () => number;
  private sequence = 0;

  constructor(private readonly options: StepFunctionsServiceOptions) {
    this.taskTokens = options.taskTokens ?? new TaskTokens();
    this.now = options.now ?? Date.now;
  }

  /**
   * Registers a state machine and returns its ARN. Creating one again with the same definition, type and
   * role returns the same ARN (as AWS does); anything else under that name is `StateMachineAlreadyExists`.
   * A definition the local cloud cannot run faithfully is refused here, naming the state machine, the state
   * and the feature, rather than when an execution reaches it.
   */
  createStateMachine({
    name,
    definition,
    type = 'STANDARD',
    roleArn = `arn:aws:iam::${this.options.accountId}:role/local-stepfunctions`,
  }: {
    name: string;
    definition: object | string;
    type?: StateMachineType;
    roleArn?: string;
  }): string {
    if (!NAME.test(name)) throw new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);
    // Reaches here unchecked from the API.
    const kind: unknown = type;
    if (kind !== 'STANDARD' && kind !== 'EXPRESS') {
      throw new AwsServiceError('ValidationException', `Value '${String(kind)}' at 'type' failed to satisfy constraint: STANDARD or EXPRESS`);
    }
    const parsed = parseDefinition(definition);
    const definitionString = typeof definition === 'string' ? definition : JSON.stringify(definition);
    const arn = `arn:aws:states:${this.options.region}:${this.options.accountId}:stateMachine:${name}`;

    const canonical = JSON.stringify(parsed);
    const existing = this.machines.get(arn);
    if (existing) {
      const same = existing.canonical === canonical && existing.type === type && existing.roleArn === roleArn;
      if (same) return arn;
      throw new AwsServiceError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }

    const states = new Map<string, RawState>();
    // parseDefinition checked that States is an object, which is all checkBody reads.
    checkBody(parsed as unknown as StatesBody, { machine: name, type, states });
    try {
      assertSupportedDefinition(parsed);
    } catch (error) {
      if (error instanceof UnsupportedStateMachineFeatureError) throw new UnsupportedStateMachineFeatureError(`state machine ${name}: ${error.message}`);
      throw error;
    }
    validate(canonical, this.options.validationCacheFile);
    this.machines.set(arn, {
      arn,
      name,
      type,
      canonical,
      definitionString,
      roleArn,
      creationDate: new Date(this.now()),
      states,
      startAt: parsed.StartAt,
      topLevelStates: new Set(Object.keys(parsed.States)),
    });
    return arn;
  }

  describeStateMachine(stateMachineArn: string): StateMachineDescription {
    const machine = this.machine(stateMachineArn);
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: machine.definitionString,
      roleArn: machine.roleArn,
      type: machine.type,
      creationDate: machine.creationDate,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  /** State machines in creation order. */
  listStateMachines({ maxResults, nextToken }: { maxResults?: number; nextToken?: string } = {}): {
    stateMachines: { stateMachineArn: string; name: string; type: StateMachineType; creationDate: Date }[];
    nextToken?: string;
  } {
    const all = [...this.machines.values()].map((machine) => ({
      stateMachineArn: machine.arn,
      name: machine.name,
      type: machine.type,
      creationDate: machine.creationDate,
    }));
    const { items, nextToken: next } = page(all, { maxResults, nextToken });
    return { stateMachines: items, ...(next && { nextToken: next }) };
  }

  /**
   * Starts an execution in the background. For a STANDARD state machine, the name is the idempotency key as
   * on AWS: the same name and input while the first is RUNNING returns the first's ARN and start date; the
   * same name once it closed, or with another input, is `ExecutionAlreadyExists`. EXPRESS names are not
   * unique (each start is its own execution).
   */
  startExecution({ stateMachineArn, name = randomUUID(), input = '{}' }: { stateMachineArn: string; name?: string; input?: string }): {
    executionArn: string;
    startDate: Date;
  } {
    const machine = this.machine(stateMachineArn);
    if (!NAME.test(name)) throw new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);
    let parsedInput: unknown;
    try {
      parsedInput = JSON.parse(input);
    } catch (error) {
      throw new AwsServiceError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${errorMessage(error)}'`);
    }

    const arnPrefix = `arn:aws:states:${this.options.region}:${this.options.accountId}`;
    const executionArn =
      machine.type === 'EXPRESS' ? `${arnPrefix}:express:${machine.name}:${name}:${randomUUID()}` : `${arnPrefix}:execution:${machine.name}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // AWS compares the input as given: the same document serialised differently is another input.
      if (latest(existing).status === 'RUNNING' && existing.input === input) return { executionArn, startDate: existing.startDate };
      throw new AwsServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }

    const preparingAt = Date.now();
    const run = runExecution({
      definition: JSON.parse(machine.canonical) as StateMachineDefinition,
      input: parsedInput,
      executionArn,
      stateMachineArn: machine.arn,
      invokeLambda: (functionNameOrArn, payload) => this.options.invoker.invoke(functionNameOrArn, payload),
      taskTokens: this.taskTokens,
      retryIntervalMs: this.options.retryIntervalMs,
      validated: true,
    });
    const attempt: Attempt = { redriveCount: 0, date: new Date(this.now()), timestamp: Date.now(), status: 'RUNNING', run };
    const record: ExecutionRecord = {
      arn: executionArn,
      name,
      machine,
      sequence: ++this.sequence,
      startDate: attempt.date,
      input,
      attempts: [attempt],
      redriveTokens: [],
    };
    this.executions.set(executionArn, record);
    if (tracing) trace('sfn', `start ${machine.name.replace(/^ordering-/, '')}`, { prepareMs: Date.now() - preparingAt });
    this.running.set(executionArn, this.settle(record, attempt, run));
    return { executionArn, startDate: record.startDate };
  }

  describeExecution(executionArn: string): ExecutionDescription {
    const record = this.execution(executionArn);
    return this.describe(record, latest(record));
  }

  /**
   * RedriveExecution: runs a FAILED, TIMED_OUT or ABORTED STANDARD execution again from the top-level state
   * that did not succeed, with the input that state received; the states before it are not run again. A
   * failure inside a Map or Parallel state runs that whole state again (AWS re-runs only the failed
   * iterations or branches). The execution is RUNNING again at once, under the same ARN, with its history
   * continued after an `ExecutionRedriven` event; its close is reported to `onExecutionClosed` listeners
   * again. The same `clientToken` within 15 minutes (one of the last 10) answers the same redrive date
   * without redriving again. Anything else is `ExecutionNotRedrivable`, with DescribeExecution's
   * `redriveStatusReason` as its message.
   */
  redriveExecution({ executionArn, clientToken }: { executionArn: string; clientToken?: string }): { redriveDate: Date } {
    if (clientToken !== undefined && !CLIENT_TOKEN.test(clientToken)) {
      throw new AwsServiceError('ValidationException', `Value '${clientToken}' at 'clientToken' failed to satisfy constraint: 1 to 64 printable ASCII characters`);
    }
    if (EXECUTION_ARN.exec(executionArn)?.[1] === 'express') {
      throw new AwsServiceError('ExecutionNotRedrivable', 'Execution of an EXPRESS state machine cannot be redriven');
    }
    const record = this.execution(executionArn);
    const now = this.now();
    record.redriveTokens = record.redriveTokens.filter((used) => now - used.firstUsedAt < REDRIVE_TOKEN_TTL_MS);
    const repeated = clientToken === undefined ? undefined : record.redriveTokens.find((used) => used.token === clientToken);
    if (repeated) return { redriveDate: repeated.redriveDate };

    const previous = latest(record);
    const reason = this.notRedrivableReason(record, previous);
    if (reason !== undefined) throw new AwsServiceError('ExecutionNotRedrivable', reason);
    const attempt: Attempt = { redriveCount: previous.redriveCount + 1, date: new Date(now), timestamp: Date.now(), status: 'RUNNING' };
    record.attempts.push(attempt);
    if (clientToken !== undefined) {
      record.redriveTokens = [...record.redriveTokens, { token: clientToken, firstUsedAt: now, redriveDate: attempt.date }].slice(-REDRIVE_TOKENS_KEPT);
    }
    // A stopped attempt is ABORTED at once, but its interpreter lets go a little later; what it ran last is
    // known only then, and its end must not close the tokens of the attempt after it.
    const previousRun = this.running.get(record.arn) ?? Promise.resolve();
    this.running.set(record.arn, previousRun.then(() => this.resume(record, attempt)));
    if (tracing) trace('sfn', `redrive ${record.machine.name.replace(/^ordering-/, '')}`, { redriveCount: attempt.redriveCount });
    const description = this.describe(record, attempt);
    for (const listener of this.redrivenListeners) queueMicrotask(() => listener(description));
    return { redriveDate: attempt.date };
  }

  /**
   * Stops a running execution: ABORTED at once with the given error and cause, and its task tokens refuse
   * callbacks from now on. Stopping a closed execution changes nothing and answers its stop date.
   */
  stopExecution({ executionArn, error, cause }: { executionArn: string; error?: string; cause?: string }): { stopDate: Date } {
    const record = this.execution(executionArn);
    if (latest(record).status === 'RUNNING') this.abort(record, error, cause);
    return { stopDate: latest(record).stopDate ?? new Date(this.now()) };
  }

  /**
   * Executions of one state machine, newest first (by start), optionally of one status and only those
   * redriven (`REDRIVEN`) or never redriven (`NOT_REDRIVEN`).
   */
  listExecutions({
    stateMachineArn,
    statusFilter,
    redriveFilter,
    maxResults,
    nextToken,
  }: {
    stateMachineArn: string;
    statusFilter?: string;
    redriveFilter?: string;
    maxResults?: number;
    nextToken?: string;
  }): { executions: ExecutionListItem[]; nextToken?: string } {
    const machine = this.machine(stateMachineArn);
    if (machine.type === 'EXPRESS') {
      throw new AwsServiceError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
    }
    if (statusFilter === 'PENDING_REDRIVE') {
      // Only Map Run child executions are ever PENDING_REDRIVE; a redriven execution is RUNNING at once.
      throw new AwsServiceError('ValidationException', 'statusFilter PENDING_REDRIVE requires a mapRunArn, not a stateMachineArn');
    }
    if (statusFilter !== undefined && !EXECUTION_STATUSES.includes(statusFilter)) {
      throw new AwsServiceError('ValidationException', `Value '${statusFilter}' at 'statusFilter' failed to satisfy constraint`);
    }
    if (redriveFilter !== undefined && !REDRIVE_FILTERS.includes(redriveFilter)) {
      throw new AwsServiceError('ValidationException', `Value '${redriveFilter}' at 'redriveFilter' failed to satisfy constraint: REDRIVEN or NOT_REDRIVEN`);
    }
    const matching = [...this.executions.values()]
      .filter((record) => {
        const { status, redriveCount } = latest(record);
        if (record.machine !== machine || (statusFilter !== undefined && status !== statusFilter)) return false;
        return redriveFilter === undefined || (redriveFilter === 'REDRIVEN') === redriveCount > 0;
      })
      .sort((a, b) => b.sequence - a.sequence);
    // The token names the last execution returned, so executions started between pages do not shift them.
    const { items, nextToken: next } = pageAfter(matching, (record) => record.sequence, 'desc', { maxResults, nextToken });
    return {
      executions: items.map((record) => {
        const attempt = latest(record);
        return {
          executionArn: record.arn,
          stateMachineArn: record.machine.arn,
          name: record.name,
          status: attempt.status,
          startDate: record.startDate,
          ...(attempt.stopDate && { stopDate: attempt.stopDate }),
          redriveCount: attempt.redriveCount,
          ...(attempt.redriveCount > 0 && { redriveDate: attempt.date }),
        };
      }),
      ...(next && { nextToken: next }),
    };
  }

  /**
   * The execution's events in AWS's shape, derived from what the interpreter reports (see
   * {@link toHistoryEvents} for what is simplified).
   */
  getExecutionHistory({
    executionArn,
    maxResults,
    nextToken,
    reverseOrder = false,
    includeExecutionData = true,
  }: {
    executionArn: string;
    maxResults?: number;
    nextToken?: string;
    reverseOrder?: boolean;
    includeExecutionData?: boolean;
  }): { events: HistoryEvent[]; nextToken?: string } {
    const record = this.execution(executionArn);
    const history = toHistoryEvents(record, this.options.region);
    const ordered = reverseOrder ? history.reverse() : history;
    const { items, nextToken: next } = pageAfter(ordered, (event) => event.id, reverseOrder ? 'desc' : 'asc', { maxResults, nextToken });
    return { events: includeExecutionData ? items : items.map(withoutExecutionData), ...(next && { nextToken: next }) };
  }

  /** SendTaskSuccess: `output` must be JSON; it becomes the waiting Task state's result. */
  sendTaskSuccess({ taskToken, output }: { taskToken: string; output: string }): void {
    checkToken(taskToken);
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch (error) {
      throw new AwsServiceError('InvalidOutput', `Invalid Output: '${errorMessage(error)}'`);
    }
    settleToken(() => this.taskTokens.succeed(taskToken, parsed));
  }

  /** SendTaskFailure: the waiting Task state fails with `error` (default `States.TaskFailed`) and `cause`. */
  sendTaskFailure({ taskToken, error, cause }: { taskToken: string; error?: string; cause?: string }): void {
    checkToken(taskToken);
    settleToken(() => this.taskTokens.fail(taskToken, error, cause));
  }

  /** SendTaskHeartbeat: restarts the waiting Task state's `HeartbeatSeconds` clock. */
  sendTaskHeartbeat({ taskToken }: { taskToken: string }): void {
    checkToken(taskToken);
    settleToken(() => this.taskTokens.heartbeat(taskToken));
  }

  /**
   * Calls `listener` once for every execution when it closes (its history complete). Returns the function
   * that unsubscribes it. A listener that throws surfaces as an uncaught exception, never swallowed.
   */
  onExecutionClosed(listener: (execution: ExecutionDescription) => void): () => void {
    this.closedListeners.add(listener);
    return () => this.closedListeners.delete(listener);
  }

  /**
   * Calls `listener` for every accepted redrive (not for a repeated client token), with the execution as
   * it is then: RUNNING, with its new `redriveCount` and `redriveDate`. Returns the function that
   * unsubscribes it. Its close is reported to `onExecutionClosed` listeners, like the first one.
   */
  onExecutionRedriven(listener: (execution: ExecutionDescription) => void): () => void {
    this.redrivenListeners.add(listener);
    return () => this.redrivenListeners.delete(listener);
  }

  /** Executions whose run has not settled yet, those waiting for a task token and those being redriven included. */
  get runningCount(): number {
    return this.running.size;
  }

  /**
   * Settles when no execution is running, including those started while waiting. An execution waiting for
   * a task token nobody sends keeps it pending until that task times out: bound the wait.
   */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled(this.running.values());
  }

  /** Aborts every running execution (closing their task tokens) and waits until their runs have settled. */
  async stop(): Promise<void> {
    for (const record of this.executions.values()) {
      if (latest(record).status === 'RUNNING') this.abort(record, undefined, 'the local cloud stopped');
    }
    await this.whenIdle();
  }

  private abort(record: ExecutionRecord, error: string | undefined, cause: string | undefined): void {
    const attempt = latest(record);
    attempt.status = 'ABORTED';
    attempt.stopDate = new Date(this.now());
    attempt.error = error;
    attempt.cause = cause;
    this.taskTokens.closeExecution(record.arn);
    attempt.run?.stop();
  }

  private settle(record: ExecutionRecord, attempt: Attempt, run: RunningExecution): Promise<void> {
    return run.result.then(
      (output: unknown) => this.close(record, attempt, { status: 'SUCCEEDED', output: JSON.stringify(output ?? null) }),
      (error: unknown) => this.close(record, attempt, failure(error)),
    );
  }

  /** Begins a redrive's run, once the attempt before it has settled (see {@link redriveExecution}). */
  private resume(record: ExecutionRecord, attempt: Attempt): Promise<void> {
    // Stopped before it began: it ends ABORTED without running anything.
    if (attempt.status !== 'RUNNING') {
      this.close(record, attempt);
      return Promise.resolve();
    }
    let run: RunningExecution;
    try {
      run = runExecution({
        definition: JSON.parse(record.machine.canonical) as StateMachineDefinition,
        input: JSON.parse(record.input),
        executionArn: record.arn,
        stateMachineArn: record.machine.arn,
        invokeLambda: (functionNameOrArn, payload) => this.options.invoker.invoke(functionNameOrArn, payload),
        taskTokens: this.taskTokens,
        retryIntervalMs: this.options.retryIntervalMs,
        validated: true,
        resumeAt: { ...resumePoint(record), redriveCount: attempt.redriveCount, redriveDate: attempt.date },
      });
    } catch (error) {
      // Never expected (the definition ran before), but a redrive that cannot begin must still close.
      this.close(record, attempt, { status: 'FAILED', error: 'States.Runtime', cause: `the local cloud could not redrive: ${errorMessage(error)}` });
      return Promise.resolve();
    }
    attempt.run = run;
    return this.settle(record, attempt, run);
  }

  private close(record: ExecutionRecord, attempt: Attempt, outcome?: Pick<Attempt, 'status' | 'output' | 'error' | 'cause'>): void {
    // A redrive issued before this attempt settled has taken its place among the running.
    if (attempt === latest(record)) this.running.delete(record.arn);
    if (tracing) trace('sfn', `end ${record.machine.name.replace(/^ordering-/, '')}`, { status: outcome?.status ?? attempt.status, ms: this.now() - attempt.date.getTime() });
    // StopExecution already closed it: the stop is what AWS reports, whatever the interpreter did next.
    if (attempt.status === 'RUNNING' && outcome) {
      Object.assign(attempt, outcome);
      attempt.stopDate = new Date(this.now());
    }
    const description = this.describe(record, attempt);
    for (const listener of this.closedListeners) {
      queueMicrotask(() => listener(description));
    }
  }

  private describe(record: ExecutionRecord, attempt: Attempt): ExecutionDescription {
    const reason = record.machine.type === 'STANDARD' ? this.notRedrivableReason(record, attempt) : undefined;
    return {
      executionArn: record.arn,
      stateMachineArn: record.machine.arn,
      name: record.name,
      status: attempt.status,
      startDate: record.startDate,
      ...(attempt.stopDate && { stopDate: attempt.stopDate }),
      input: record.input,
      inputDetails: { included: true },
      ...(attempt.output !== undefined && { output: attempt.output, outputDetails: { included: true } }),
      ...(attempt.error !== undefined && { error: attempt.error }),
      ...(attempt.cause !== undefined && { cause: attempt.cause }),
      ...(record.machine.type === 'STANDARD' && {
        redriveCount: attempt.redriveCount,
        ...(attempt.redriveCount > 0 && { redriveDate: attempt.date }),
        redriveStatus: reason === undefined ? 'REDRIVABLE' : 'NOT_REDRIVABLE',
        ...(reason !== undefined && { redriveStatusReason: reason }),
      }),
    };
  }

  /** Why RedriveExecution would refuse the execution as `attempt` left it (AWS's wording where it has one). */
  private notRedrivableReason(record: ExecutionRecord, attempt: Attempt): string | undefined {
    if (attempt.status === 'RUNNING' || attempt.status === 'SUCCEEDED') return `Execution is ${attempt.status} and cannot be redriven`;
    const now = this.now();
    if (now - record.startDate.getTime() > MAX_EXECUTION_TIME_MS) return 'Execution has exceeded the max execution time';
    if (attempt.stopDate && now - attempt.stopDate.getTime() > REDRIVABLE_PERIOD_MS) return 'Execution redrivable period exceeded';
    if (attempt.redriveCount >= MAX_REDRIVES) return `Execution has been redriven ${MAX_REDRIVES} times, the most allowed`;
    if (historyFull(record, this.options.region)) return 'Execution history event limit exceeded';
    return undefined;
  }

  private machine(stateMachineArn: string): StateMachineRecord {
    if (!STATE_MACHINE_ARN.test(stateMachineArn)) throw new AwsServiceError('InvalidArn', `Invalid Arn: '${stateMachineArn}'`);
    const machine = this.machines.get(stateMachineArn);
    if (!machine) throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    return machine;
  }

  private execution(executionArn: string): ExecutionRecord {
    const match = EXECUTION_ARN.exec(executionArn);
    if (!match) throw new AwsServiceError('InvalidArn', `Invalid Arn: '${executionArn}'`);
    // Step Functions records no EXPRESS execution (their history goes to CloudWatch Logs only).
    if (match[1] === 'express') throw new AwsServiceError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: express'`);
    const record = this.executions.get(executionArn);
    if (!record) throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }
}

/** The attempt DescribeExecution reports: the latest. */
const latest = (record: ExecutionRecord): Attempt => record.attempts.at(-1) ?? record.attempts[0];

/**
 * Where a redrive resumes: the last top-level state an earlier attempt entered (the one that failed, timed
 * out or was stopped: the interpreter reports nothing once a run has ended, so no later state can have been
 * entered), with the input it received then; a failure inside a Map or Parallel state is inside the last one
 * entered. An execution stopped before it entered any state resumes at `StartAt` with its input.
 */
const resumePoint = (record: ExecutionRecord): Pick<ResumeAt, 'stateName' | 'input'> => {
  const { topLevelStates, startAt } = record.machine;
  for (const attempt of record.attempts.slice(0, -1).reverse()) {
    const entered = attempt.run?.events.findLast((event) => event.type === 'StateEntered' && topLevelStates.has(event.stateName ?? ''));
    if (entered?.stateName !== undefined) return { stateName: entered.stateName, input: entered.input };
  }
  return { stateName: startAt, input: JSON.parse(record.input) };
};

/** How an execution's run rejected, as DescribeExecution reports it. */
const failure = (error: unknown): Pick<Attempt, 'status' | 'error' | 'cause'> => {
  if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
  if (error instanceof ExecutionTimeoutError) {
    return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution ran longer than its TimeoutSeconds' };
  }
  if (error instanceof Error) {
    const cause = causeText(error.cause ?? error.message);
    return { status: 'FAILED', error: error.name, ...(cause !== '' && { cause }) };
  }
  return { status: 'FAILED', error: 'States.Runtime', cause: causeText(error) };
};

/** Definitions that passed the interpreter's validation, which takes 0.3-1 s each time (asl-validator). */
const validDefinitions = new Set<string>();

/** The version in the nearest package.json above a resolved module file. */
const packageVersion = (file: string): string => {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      return String((JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: unknown }).version);
    } catch {
      // no package.json here: look further up
    }
  }
  return 'unknown';
};

/** What a validation cache entry is valid for: the interpreter and the validator it uses, at these versions. */
const VALIDATOR_VERSION = (() => {
  try {
    const interpreter = createRequire(__filename).resolve('aws-local-stepfunctions');
    return `aws-local-stepfunctions@${packageVersion(interpreter)} asl-validator@${packageVersion(createRequire(interpreter).resolve('asl-validator'))}`;
  } catch {
    return 'unknown';
  }
})();

const definitionHash = (canonical: string): string => createHash('sha256').update(VALIDATOR_VERSION).update('\0').update(canonical).digest('hex');

const readValidationCache = (file: string): Set<string> => {
  try {
    const hashes: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return new Set(Array.isArray(hashes) ? hashes.filter((hash): hash is string => typeof hash === 'string') : []);
  } catch {
    return new Set();
  }
};

/** Each cache file as this process first read it (plus what it added since): read once, not once per definition. */
const loadedValidationCaches = new Map<string, Set<string>>();

const knownValid = (file: string): Set<string> => {
  let hashes = loadedValidationCaches.get(file);
  if (!hashes) {
    hashes = readValidationCache(file);
    loadedValidationCaches.set(file, hashes);
  }
  return hashes;
};

const rememberValid = (file: string, hash: string): void => {
  knownValid(file).add(hash);
  try {
    // Read again before writing: another local cloud may have added hashes since.
    const hashes = readValidationCache(file);
    hashes.add(hash);
    mkdirSync(path.dirname(file), { recursive: true });
    // Two local clouds may start at once: each writes its own file, then renames it over the shared one.
    const temporary = `${file}.${process.pid}-${randomUUID()}`;
    writeFileSync(temporary, JSON.stringify([...hashes]));
    renameSync(temporary, file);
  } catch {
    // A cache that cannot be written only costs start-up time.
  }
};

/** The interpreter's own validation, so a definition it would refuse to run fails at creation. */
const validate = (canonical: string, cacheFile: string | undefined): void => {
  if (validDefinitions.has(canonical)) return;
  const cached = cacheFile === undefined ? undefined : { file: cacheFile, hash: definitionHash(canonical) };
  if (cached && knownValid(cached.file).has(cached.hash)) {
    validDefinitions.add(canonical);
    return;
  }
  try {
    new StateMachine(JSON.parse(canonical) as StateMachineDefinition, { validationOptions: { checkArn: false } });
  } catch (error) {
    throw new AwsServiceError('InvalidDefinition', `Invalid State Machine Definition: '${errorMessage(error)}'`);
  }
  validDefinitions.add(canonical);
  if (cached) rememberValid(cached.file, cached.hash);
};

const parseDefinition = (definition: object | string): StateMachineDefinition => {
  let parsed: unknown;
  try {
    // A copy either way: the caller's object must not change what runs.
    parsed = JSON.parse(typeof definition === 'string' ? definition : JSON.stringify(definition));
  } catch (error) {
    throw new AwsServiceError('InvalidDefinition', `Invalid State Machine Definition: '${errorMessage(error)}'`);
  }
  const body = parsed as Partial<StatesBody> | null;
  if (!body || typeof body !== 'object' || typeof body.States !== 'object' || typeof (body as { StartAt?: unknown }).StartAt !== 'string') {
    throw new AwsServiceError('InvalidDefinition', `Invalid State Machine Definition: 'StartAt and States are required'`);
  }
  return parsed as StateMachineDefinition;
};

/**
 * Refuses what AWS refuses for the type (`.waitForTaskToken` on EXPRESS) and what the local cloud cannot run
 * as AWS would, naming the state machine, the state and the feature; records every state by name.
 */
const checkBody = (body: StatesBody, context: { machine: string; type: StateMachineType; states: Map<string, RawState> }): void => {
  const unsupported = (state: string | undefined, feature: string) =>
    new UnsupportedStateMachineFeatureError(
      `state machine ${context.machine}${state === undefined ? '' : `, state ${state}`}: ${feature} is not supported by the local cloud`,
    );
  if (body.QueryLanguage === 'JSONata') throw unsupported(undefined, 'QueryLanguage JSONata');

  for (const [name, raw] of Object.entries(body.States as Record<string, unknown>)) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new AwsServiceError('InvalidDefinition', `Invalid State Machine Definition: 'state ${name} is not an object'`);
    }
    const state = raw as RawState;
    context.states.set(name, state);
    if (state.QueryLanguage === 'JSONata') throw unsupported(name, 'QueryLanguage JSONata');
    const field = Object.keys(UNSUPPORTED_FIELDS).find((key) => key in state);
    if (field) throw unsupported(name, UNSUPPORTED_FIELDS[field] ?? field);
    if (state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED') throw unsupported(name, 'distributed Map (ProcessorConfig.Mode DISTRIBUTED)');

    if (state.Type === 'Task') {
      const integration = LAMBDA_INVOKE.exec(state.Resource ?? '');
      if (integration?.[1] === 'invoke.waitForTaskToken' && context.type === 'EXPRESS') {
        throw new AwsServiceError(
          'InvalidDefinition',
          `Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express state machine does not support '.waitForTaskToken' service integration at /States/${name}/Resource'`,
        );
      }
      if (integration && state.Parameters?.FunctionName === undefined && state.Parameters?.['FunctionName.$'] === undefined) {
        throw new AwsServiceError(
          'InvalidDefinition',
          `Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The field "FunctionName" is required but was missing at /States/${name}/Parameters'`,
        );
      }
    }
    for (const nested of [state.Iterator, state.ItemProcessor, ...(state.Branches ?? [])]) {
      if (nested) checkBody(nested, context);
    }
  }
};

/**
 * Malformed tokens are `InvalidToken`; well-formed ones that are no longer (or never were) waited on are
 * `TaskTimedOut`, which is what AWS answers for a task that closed. A token is `<base64url of the execution
 * ARN and state>.<uuid>`, as {@link TaskTokens} mints it.
 */
const checkToken = (taskToken: string): void => {
  const [head = '', tail, ...rest] = taskToken.split('.');
  const wellFormed =
    taskToken.length <= 2048 && rest.length === 0 && tail !== undefined && /^[\w-]+$/.test(head) && /^[\w-]+$/.test(tail) &&
    Buffer.from(head, 'base64url').toString('utf8').startsWith('arn:');
  if (!wellFormed) throw new AwsServiceError('InvalidToken', `Invalid Token: 'Invalid token'`);
};

const settleToken = (settle: () => void): void => {
  try {
    settle();
  } catch (error) {
    if (error instanceof TaskTokenClosedError) {
      throw new AwsServiceError('TaskTimedOut', `Task Timed Out: 'Provided task does not exist anymore'`);
    }
    throw error;
  }
};

/**
 * Turns the interpreter's events into GetExecutionHistory events. Simplifications, because the interpreter
 * reports state-level events only:
 * - `previousEventId` is the id before (AWS links parallel branches and Map iterations to their own chain);
 * - Task states get `TaskScheduled` (without `parameters`: the resolved Parameters are not reported),
 *   `TaskStarted` and `TaskSucceeded`/`TaskFailed`/`TaskTimedOut`, again on every retry; Lambda ARN
 *   resources get the `LambdaFunction…` equivalents; `TaskSubmitted` is not emitted;
 * - `TaskSucceeded.output` is given only when the state has no ResultSelector, ResultPath or OutputPath
 *   (otherwise the raw result is not known);
 * - Map iterations carry the Map state's name, and their index on `MapIterationStarted` only (in start order);
 * - a redrive appends `ExecutionRedriven` and the events of its run, from the state it resumed at (entered
 *   again, as a Map or Parallel state is run again whole);
 * - timestamps are the interpreter's clock, not the injectable `now`.
 */
const toHistoryEvents = (record: ExecutionRecord, region: string): HistoryEvent[] => {
  const history: HistoryEvent[] = [];
  const push = (type: string, timestamp: number, details?: Record<string, unknown>) => {
    const id = history.length + 1;
    const event: HistoryEvent = { id, previousEventId: id - 1, timestamp: new Date(timestamp), type };
    if (details) event[detailsKey(type)] = details;
    history.push(event);
  };
  for (const attempt of record.attempts) {
    if (attempt.redriveCount > 0) push('ExecutionRedriven', attempt.timestamp, { redriveCount: attempt.redriveCount });
    if (attempt.run) pushRunEvents(push, record, attempt, attempt.run.events, region);
    // Stopped before its run began.
    else if (attempt.status === 'ABORTED') push('ExecutionAborted', attempt.timestamp, abortDetails(attempt));
  }
  return history;
};

/**
 * Whether the history leaves no room for a redrive. Every describe asks, and building the history costs
 * more than running a short execution, so it is built only when a bound says it could be full: no
 * interpreter event becomes more than three history events, and an attempt adds at most two of its own.
 */
const historyFull = (record: ExecutionRecord, region: string): boolean => {
  const bound = record.attempts.reduce((count, attempt) => count + 2 + 3 * (attempt.run?.events.length ?? 0), 0);
  return bound >= MAX_HISTORY_EVENTS_TO_REDRIVE && toHistoryEvents(record, region).length >= MAX_HISTORY_EVENTS_TO_REDRIVE;
};

const abortDetails = (attempt: Attempt): Record<string, unknown> => ({
  ...(attempt.error !== undefined && { error: attempt.error }),
  ...(attempt.cause !== undefined && { cause: attempt.cause }),
});

const pushRunEvents = (push: Push, record: ExecutionRecord, attempt: Attempt, events: readonly ExecutionEvent[], region: string): void => {
  const caught = new Set<string>();
  const openMaps: string[] = [];
  const iterations = new Map<string, number>();

  for (const event of events) {
    const name = event.stateName;
    const state = name === undefined ? undefined : record.machine.states.get(name);
    const at = event.timestamp;
    switch (event.type) {
      case 'ExecutionStarted':
        // A redriven run starts too, at its own entry state: ExecutionRedriven stands for that.
        if (attempt.redriveCount === 0) {
          push('ExecutionStarted', at, { input: json(event.input), inputDetails: { truncated: false }, roleArn: record.machine.roleArn });
        }
        break;
      case 'ExecutionSucceeded':
        push('ExecutionSucceeded', at, { output: json(event.output), outputDetails: { truncated: false } });
        break;
      case 'ExecutionFailed':
        push('ExecutionFailed', at, errorDetails(event));
        break;
      case 'ExecutionAborted':
        push('ExecutionAborted', at, abortDetails(attempt));
        break;
      case 'ExecutionTimeout':
        push('ExecutionTimedOut', at, { error: 'States.Timeout', cause: 'The execution ran longer than its TimeoutSeconds' });
        break;
      case 'StateEntered':
        if (!state || name === undefined) break;
        push(`${state.Type}StateEntered`, at, { name, input: json(event.input), inputDetails: { truncated: false } });
        if (state.Type === 'Task') pushTaskScheduled(push, state, at, event, region);
        if (state.Type === 'Map') {
          openMaps.push(name);
          iterations.set(name, 0);
          push('MapStateStarted', at, {});
        }
        if (state.Type === 'Parallel') push('ParallelStateStarted', at);
        break;
      case 'StateRetried':
        if (state?.Type === 'Task') pushTaskScheduled(push, state, at, event, region);
        break;
      case 'StateCaught':
        if (name !== undefined) caught.add(name);
        break;
      case 'StateFailed':
        if (state?.Type === 'Task') pushTaskFailed(push, state, at, event);
        if (state?.Type === 'Map') push('MapStateFailed', at);
        if (state?.Type === 'Parallel') push('ParallelStateFailed', at);
        break;
      case 'StateExited': {
        if (!state || name === undefined) break;
        const failed = caught.delete(name);
        if (!failed && state.Type === 'Task') pushTaskSucceeded(push, state, at, event);
        if (!failed && state.Type === 'Map') push('MapStateSucceeded', at);
        if (!failed && state.Type === 'Parallel') push('ParallelStateSucceeded', at);
        if (state.Type === 'Map') openMaps.splice(openMaps.lastIndexOf(name), 1);
        push(`${state.Type}StateExited`, at, { name, output: json(event.output), outputDetails: { truncated: false } });
        break;
      }
      case 'MapIterationStarted': {
        const map = openMaps.at(-1);
        const index = map === undefined ? undefined : (iterations.get(map) ?? 0);
        if (map !== undefined) iterations.set(map, (index ?? 0) + 1);
        push('MapIterationStarted', at, { name: map, index });
        break;
      }
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        push(event.type, at, { name: openMaps.at(-1) });
        break;
      default:
        // ParallelBranch* events have no counterpart in AWS's history.
        break;
    }
  }
};

/** Every `<Type>StateEntered`/`Exited` shares one details member; other types have their own. */
const detailsKey = (type: string): `${string}EventDetails` => {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
};

type Push = (type: string, timestamp: number, details?: Record<string, unknown>) => void;

const taskResource = (state: RawState): string | undefined => LAMBDA_INVOKE.exec(state.Resource ?? '')?.[1];

const pushTaskScheduled = (push: Push, state: RawState, at: number, event: ExecutionEvent, region: string): void => {
  const resource = taskResource(state);
  if (resource === undefined) {
    const inputKnown = state.InputPath === undefined && state.Parameters === undefined;
    push('LambdaFunctionScheduled', at, {
      resource: state.Resource,
      ...(inputKnown && { input: json(event.input), inputDetails: { truncated: false } }),
      ...(state.TimeoutSeconds !== undefined && { timeoutInSeconds: state.TimeoutSeconds }),
    });
    push('LambdaFunctionStarted', at);
    return;
  }
  push('TaskScheduled', at, {
    resourceType: 'lambda',
    resource,
    region,
    ...(state.TimeoutSeconds !== undefined && { timeoutInSeconds: state.TimeoutSeconds }),
    ...(state.HeartbeatSeconds !== undefined && { heartbeatInSeconds: state.HeartbeatSeconds }),
  });
  push('TaskStarted', at, { resourceType: 'lambda', resource });
};

const pushTaskSucceeded = (push: Push, state: RawState, at: number, event: ExecutionEvent): void => {
  const outputKnown = state.ResultSelector === undefined && state.ResultPath === undefined && state.OutputPath === undefined;
  const output = outputKnown ? { output: json(event.output), outputDetails: { truncated: false } } : {};
  const resource = taskResource(state);
  if (resource === undefined) push('LambdaFunctionSucceeded', at, output);
  else push('TaskSucceeded', at, { resourceType: 'lambda', resource, ...output });
};

const pushTaskFailed = (push: Push, state: RawState, at: number, event: ExecutionEvent): void => {
  const timedOut = event.error === 'States.Timeout' || event.error === 'States.HeartbeatTimeout';
  const resource = taskResource(state);
  if (resource === undefined) push(timedOut ? 'LambdaFunctionTimedOut' : 'LambdaFunctionFailed', at, errorDetails(event));
  else push(timedOut ? 'TaskTimedOut' : 'TaskFailed', at, { resourceType: 'lambda', resource, ...errorDetails(event) });
};

const errorDetails = (event: ExecutionEvent): Record<string, unknown> => ({
  ...(event.error !== undefined && { error: event.error }),
  ...(event.cause !== undefined && { cause: causeText(event.cause) }),
});

/** GetExecutionHistory with includeExecutionData=false: inputs and outputs left out. */
const withoutExecutionData = (event: HistoryEvent): HistoryEvent => {
  const stripped: HistoryEvent = { id: event.id, previousEventId: event.previousEventId, timestamp: event.timestamp, type: event.type };
  for (const [key, value] of Object.entries(event)) {
    if (!key.endsWith('EventDetails') || !value || typeof value !== 'object') continue;
    stripped[key as `${string}EventDetails`] = Object.fromEntries(
      Object.entries(value as Record<string, unknown>).filter(([field]) => field !== 'input' && field !== 'output'),
    );
  }
  return stripped;
};

const json = (value: unknown): string | undefined => (value === undefined ? undefined : JSON.stringify(value));

const causeText = (cause: unknown): string => {
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  // JSON.stringify answers undefined for these, whatever its declared type says.
  if (cause === undefined || typeof cause === 'function' || typeof cause === 'symbol') return '';
  return JSON.stringify(cause);
};

const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const pageSize = (maxResults: number | undefined): number => {
  if (maxResults === undefined || maxResults === 0) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > MAX_PAGE_SIZE) {
    throw new AwsServiceError('ValidationException', `Value '${maxResults}' at 'maxResults' failed to satisfy constraint: between 0 and ${MAX_PAGE_SIZE}`);
  }
  return maxResults;
};

const encodeToken = (position: number): string => Buffer.from(JSON.stringify({ after: position })).toString('base64url');

const decodeToken = (token: string): number => {
  try {
    const { after } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof after === 'number') return after;
  } catch {
    // Falls through to the AWS answer for a token it did not issue.
  }
  throw new AwsServiceError('InvalidToken', `Invalid Token: 'Invalid token'`);
};

/** Pages an ordered list by the key of the last item returned, so items added meanwhile do not shift pages. */
const pageAfter = <T>(
  ordered: T[],
  key: (item: T) => number,
  direction: 'asc' | 'desc',
  { maxResults, nextToken }: { maxResults?: number; nextToken?: string },
): { items: T[]; nextToken?: string } => {
  const size = pageSize(maxResults);
  const after = nextToken === undefined ? undefined : decodeToken(nextToken);
  const remaining = after === undefined ? ordered : ordered.filter((item) => (direction === 'asc' ? key(item) > after : key(item) < after));
  const items = remaining.slice(0, size);
  const last = items.at(-1);
  return remaining.length > size && last !== undefined ? { items, nextToken: encodeToken(key(last)) } : { items };
};

const page = <T>(ordered: T[], options: { maxResults?: number; nextToken?: string }): { items: T[]; nextToken?: string } => {
  const indexed = ordered.map((item, index) => ({ item, index }));
  const { items, nextToken } = pageAfter(indexed, (entry) => entry.index, 'asc', options);
  return { items: items.map((entry) => entry.item), ...(nextToken && { nextToken }) };
};
