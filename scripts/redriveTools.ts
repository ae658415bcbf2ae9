/**
 * Workflow redrive tooling over the plain Step Functions API (ListStateMachines, ListExecutions,
 * DescribeExecution, GetExecutionHistory, RedriveExecution), so the same code works against the local cloud
 * and a deployed stage. `redrive.ts` is its command line.
 */
import { createHash } from 'node:crypto';
import {
  DescribeExecutionCommand,
  ExecutionNotRedrivable,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  RedriveExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';

/** The statuses RedriveExecution accepts. */
export const UNSUCCESSFUL_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type UnsuccessfulStatus = (typeof UNSUCCESSFUL_STATUSES)[number];

/** AWS redrives executions that closed at most 14 days ago: looking further back finds only refusals. */
export const REDRIVABLE_PERIOD_MS = 14 * 86_400_000;
/** ListStateMachines and ListExecutions answer at most this many a page. */
const MAX_PAGE_SIZE = 1000;
const HISTORY_PAGE_SIZE = 100;
/** The project's state machines are `ordering-<service>-<stage>-<workflow>` (CONTRIBUTING.md, Wiring). */
const STATE_MACHINE_PREFIX = 'ordering-';
const STAGE = /^[A-Za-z0-9-]+$/;
const STATE_MACHINE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

export interface RedriveOptions {
  stage: string;
  /** One state machine of the stage, by name; all of them when absent. */
  stateMachine?: string;
  /** Executions that closed at or after this moment. */
  since: Date;
  /** Finds and reports, redrives nothing. */
  dryRun?: boolean;
  /** Items per List call (default and most: 1000); smaller pages only make more calls. */
  pageSize?: number;
}

export interface UnsuccessfulExecution {
  stateMachine: string;
  executionArn: string;
  name: string;
  status: UnsuccessfulStatus;
  stopDate?: Date;
  error?: string;
  cause?: string;
  /** The last state it entered: the one that failed, timed out or was running when it was stopped. */
  failedState?: string;
  redriveCount: number;
  /** Why DescribeExecution says it cannot be redriven, if it says so. */
  notRedrivableReason?: string;
}

export type RedriveOutcome =
  | { kind: 'redriven'; redriveDate: Date }
  | { kind: 'would-redrive' }
  | { kind: 'not-redrivable'; reason: string }
  | { kind: 'failed'; error: string };

export interface RedriveReportRow extends UnsuccessfulExecution {
  outcome: RedriveOutcome;
}

/** A command line the tool cannot run: the message names the option or value at fault (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The state machines of a stage, by the project's naming (`ordering-<service>-<stage>-<workflow>`), every
 * page of ListStateMachines; only `stateMachine` when given, which must be one of them.
 *
 * @example
 * ```ts
 * await listStageStateMachines(sfn, { stage: 'dev' }); // [{ name: 'ordering-order-dev-order', arn: 'arn:aws:states:…' }, …]
 * ```
 */
export const listStageStateMachines = async (
  sfn: SFNClient,
  { stage, stateMachine, pageSize = MAX_PAGE_SIZE }: Pick<RedriveOptions, 'stage' | 'stateMachine' | 'pageSize'>,
): Promise<{ name: string; arn: string }[]> => {
  const ofStage = new RegExp(`^${escapeRegExp(STATE_MACHINE_PREFIX)}[a-z0-9]+-${escapeRegExp(stage)}-[A-Za-z0-9_-]+$`);
  const machines: { name: string; arn: string }[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListStateMachinesCommand({ maxResults: pageSize, nextToken }));
    for (const { name, stateMachineArn, type } of page.stateMachines ?? []) {
      // EXPRESS executions are neither listed nor redrivable.
      if (name !== undefined && stateMachineArn !== undefined && type !== 'EXPRESS' && ofStage.test(name)) machines.push({ name, arn: stateMachineArn });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  if (stateMachine === undefined) return machines;
  const chosen = machines.filter((machine) => machine.name === stateMachine);
  if (chosen.length === 0) {
    throw new UsageError(`--state-machine: no STANDARD state machine ${stateMachine} in stage ${stage} (it has: ${machines.map((machine) => machine.name).join(', ') || 'none'})`);
  }
  return chosen;
};

/**
 * The last state an execution entered, read from the end of its history (page after page until one is
 * found): the state that failed, timed out or was running when the execution was stopped. A failure inside
 * a Map or Parallel state names the state inside it.
 *
 * @example
 * ```ts
 * await lastEnteredState(sfn, executionArn); // 'ChargePayment'
 * ```
 */
export const lastEnteredState = async (sfn: SFNClient, executionArn: string): Promise<string | undefined> => {
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, includeExecutionData: false, maxResults: HISTORY_PAGE_SIZE, nextToken }),
    );
    const entered = page.events?.find((event) => event.type?.endsWith('StateEntered') === true);
    if (entered) return entered.stateEnteredEventDetails?.name;
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
};

/**
 * The stage's FAILED, TIMED_OUT and ABORTED executions that closed at or after `since`, each with its
 * error, the state it failed in and whether it can be redriven, by state machine and then in the order they
 * closed. Every page of every list.
 *
 * @example
 * ```ts
 * const failed = await findUnsuccessfulExecutions(sfn, { stage: 'dev', since: new Date(Date.now() - 86_400_000) });
 * ```
 */
export const findUnsuccessfulExecutions = async (sfn: SFNClient, options: RedriveOptions): Promise<UnsuccessfulExecution[]> => {
  const found: UnsuccessfulExecution[] = [];
  for (const machine of await listStageStateMachines(sfn, options)) {
    for (const status of UNSUCCESSFUL_STATUSES) {
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(
          new ListExecutionsCommand({ stateMachineArn: machine.arn, statusFilter: status, maxResults: options.pageSize ?? MAX_PAGE_SIZE, nextToken }),
        );
        for (const item of page.executions ?? []) {
          if (item.executionArn === undefined || item.stopDate === undefined || item.stopDate < options.since) continue;
          found.push(await describeUnsuccessful(sfn, machine.name, item.executionArn, status));
        }
        nextToken = page.nextToken;
      } while (nextToken);
    }
  }
  return found.sort(
    (a, b) => a.stateMachine.localeCompare(b.stateMachine) || (a.stopDate?.getTime() ?? 0) - (b.stopDate?.getTime() ?? 0) || a.name.localeCompare(b.name),
  );
};

const describeUnsuccessful = async (sfn: SFNClient, stateMachine: string, executionArn: string, listed: UnsuccessfulStatus): Promise<UnsuccessfulExecution> => {
  const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  const failedState = await lastEnteredState(sfn, executionArn);
  return {
    stateMachine,
    executionArn,
    name: described.name ?? executionArn.split(':').pop() ?? executionArn,
    // It may have been redriven since it was listed; the listing's status is what it was found as.
    status: listed,
    ...(described.stopDate && { stopDate: described.stopDate }),
    ...(described.error !== undefined && { error: described.error }),
    ...(described.cause !== undefined && { cause: described.cause }),
    ...(failedState !== undefined && { failedState }),
    redriveCount: described.redriveCount ?? 0,
    ...(described.redriveStatus === 'NOT_REDRIVABLE' && { notRedrivableReason: described.redriveStatusReason ?? 'NOT_REDRIVABLE' }),
  };
};

/**
 * The client token of one redrive: the same for the same execution and redrive count, so two runs of the
 * tool that found the same failure (two operators, or a run repeated after a lost answer) redrive it once:
 * RedriveExecution answers a repeated token with the first redrive for 15 minutes.
 *
 * @example
 * ```ts
 * redriveClientToken({ executionArn, redriveCount: 0 }); // 'redrive-0-3f1c…' (at most 64 characters)
 * ```
 */
export const redriveClientToken = ({ executionArn, redriveCount }: Pick<UnsuccessfulExecution, 'executionArn' | 'redriveCount'>): string =>
  `redrive-${redriveCount}-${createHash('sha256').update(executionArn).digest('hex').slice(0, 48)}`;

/**
 * Finds the stage's unsuccessful executions (see {@link findUnsuccessfulExecutions}) and redrives each, one at
 * a time, with {@link redriveClientToken}; in a dry run, reports what it would do. One that cannot be redriven
 * or whose redrive fails is reported and the others go on.
 *
 * @example
 * ```ts
 * const rows = await redriveExecutions(sfn, { stage: 'dev', since: new Date(Date.now() - REDRIVABLE_PERIOD_MS) });
 * console.log(formatRedriveReport(rows, { stage: 'dev', since }));
 * ```
 */
export const redriveExecutions = async (sfn: SFNClient, options: RedriveOptions): Promise<RedriveReportRow[]> =>
  redriveFound(sfn, await findUnsuccessfulExecutions(sfn, options), options);

/**
 * Redrives executions found by {@link findUnsuccessfulExecutions}, one at a time, or only reports in a dry run.
 *
 * @example
 * ```ts
 * const rows = await redriveFound(sfn, found.filter((execution) => execution.error === 'PaymentProviderError'), { dryRun: false });
 * ```
 */
export const redriveFound = async (
  sfn: SFNClient,
  executions: readonly UnsuccessfulExecution[],
  { dryRun = false }: Pick<RedriveOptions, 'dryRun'>,
): Promise<RedriveReportRow[]> => {
  const rows: RedriveReportRow[] = [];
  for (const execution of executions) rows.push({ ...execution, outcome: await redriveOne(sfn, execution, dryRun) });
  return rows;
};

const redriveOne = async (sfn: SFNClient, execution: UnsuccessfulExecution, dryRun: boolean): Promise<RedriveOutcome> => {
  if (execution.notRedrivableReason !== undefined) return { kind: 'not-redrivable', reason: execution.notRedrivableReason };
  if (dryRun) return { kind: 'would-redrive' };
  try {
    const { redriveDate } = await sfn.send(new RedriveExecutionCommand({ executionArn: execution.executionArn, clientToken: redriveClientToken(execution) }));
    return { kind: 'redriven', redriveDate: redriveDate ?? new Date() };
  } catch (error) {
    if (error instanceof ExecutionNotRedrivable) return { kind: 'not-redrivable', reason: error.message };
    return { kind: 'failed', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
};

const shorten = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

const outcomeText = (outcome: RedriveOutcome): string => {
  switch (outcome.kind) {
    case 'redriven':
      return `redriven at ${outcome.redriveDate.toISOString()}`;
    case 'would-redrive':
      return 'would redrive (dry run)';
    case 'not-redrivable':
      return `not redriven: ${outcome.reason}`;
    case 'failed':
      return `REDRIVE FAILED: ${outcome.error}`;
  }
};

/**
 * The report as a plain-text table (state machine, execution, status, closed, error, failed in, result),
 * columns padded to their widest cell, and a summary line.
 *
 * @example
 * ```ts
 * console.log(formatRedriveReport(rows, { stage: 'dev', since, dryRun: true }));
 * ```
 */
export const formatRedriveReport = (rows: readonly RedriveReportRow[], { stage, since, dryRun = false }: Pick<RedriveOptions, 'stage' | 'since' | 'dryRun'>): string => {
  const header = `${rows.length} unsuccessful execution(s) in stage ${stage} closed since ${since.toISOString()}${dryRun ? ' (dry run: nothing redriven)' : ''}`;
  if (rows.length === 0) return header;
  const table = [
    ['state machine', 'execution', 'status', 'closed', 'error', 'failed in', 'result'],
    ...rows.map((row) => [
      row.stateMachine,
      row.name,
      row.status,
      row.stopDate?.toISOString() ?? '-',
      row.error === undefined ? '-' : shorten(row.cause === undefined ? row.error : `${row.error}: ${row.cause}`, 60),
      row.failedState ?? '-',
      outcomeText(row.outcome),
    ]),
  ];
  const widths = table[0]?.map((_cell, column) => Math.max(...table.map((cells) => (cells[column] ?? '').length))) ?? [];
  const lines = table.map((cells) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
  const count = (kind: RedriveOutcome['kind']) => rows.filter((row) => row.outcome.kind === kind).length;
  const summary = dryRun
    ? `would redrive ${count('would-redrive')}, not redrivable ${count('not-redrivable')}`
    : `redriven ${count('redriven')}, not redrivable ${count('not-redrivable')}, redrive failed ${count('failed')}`;
  return [header, '', ...lines, '', summary].join('\n');
};

const DURATION_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIME_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * `--since`: a duration ago (`30m`, `6h`, `3d`), an ISO 8601 date (UTC midnight) or a date and time with
 * its zone (`2026-11-26T10:00:00Z`, `…+01:00`); a time without a zone would mean the clock of whoever runs
 * it. A time in the future is refused: it would find nothing.
 *
 * @example
 * ```ts
 * parseSince('3d', new Date('2026-11-26T10:00:00Z')); // 2026-11-23T10:00:00.000Z
 * ```
 */
export const parseSince = (text: string, now: Date): Date => {
  const duration = /^(\d+)([mhd])$/.exec(text);
  const since = duration
    ? new Date(now.getTime() - Number(duration[1]) * (DURATION_MS[duration[2] ?? ''] ?? Number.NaN))
    : ISO_DATE.test(text) || ISO_TIME_WITH_ZONE.test(text)
      ? new Date(text)
      : new Date(Number.NaN);
  if (Number.isNaN(since.getTime())) {
    throw new UsageError(`--since: '${text}' is not a time: give a duration ago (30m, 6h, 3d), a date (2026-11-26) or a time with its zone (2026-11-26T10:00:00Z)`);
  }
  if (since > now) throw new UsageError(`--since: '${text}' is in the future`);
  return since;
};

/**
 * The command line of `npm run redrive`: `--state-machine <name>`, `--since <time>` (default: 14 days ago),
 * `--stage <stage>` (default `dev`), `--dry-run`, `--help`; `--name value` or `--name=value`. Anything else is a
 * {@link UsageError} naming it.
 *
 * @example
 * ```ts
 * parseRedriveArgs(['--since', '6h', '--dry-run'], new Date()); // { help: false, options: { stage: 'dev', since: …, dryRun: true } }
 * ```
 */
export const parseRedriveArgs = (argv: readonly string[], now: Date): { help: true } | { help: false; options: RedriveOptions } => {
  const values = new Map<string, string>();
  let dryRun = false;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? '';
    if (argument === '--help' || argument === '-h') return { help: true };
    if (argument === '--dry-run') {
      dryRun = true;
      continue;
    }
    const [flag = '', inline] = argument.startsWith('--') ? argument.split(/=(.*)/s, 2) : [argument];
    const name = flag.slice(2);
    if (!flag.startsWith('--') || !['state-machine', 'since', 'stage'].includes(name)) throw new UsageError(`unknown option '${argument}'`);
    const value = inline ?? argv[index + 1];
    if (inline === undefined) index += 1;
    if (value === undefined || value === '' || value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    if (values.has(name)) throw new UsageError(`${flag} is given twice`);
    values.set(name, value);
  }
  const stage = values.get('stage') ?? 'dev';
  if (!STAGE.test(stage)) throw new UsageError(`--stage: '${stage}' is not a stage name (letters, digits and hyphens)`);
  const stateMachine = values.get('state-machine');
  if (stateMachine !== undefined && !STATE_MACHINE_NAME.test(stateMachine)) {
    throw new UsageError(`--state-machine: '${stateMachine}' is not a state machine name`);
  }
  const sinceText = values.get('since');
  const since = sinceText === undefined ? new Date(now.getTime() - REDRIVABLE_PERIOD_MS) : parseSince(sinceText, now);
  return { help: false, options: { stage, since, dryRun, ...(stateMachine !== undefined && { stateMachine }) } };
};
