import { randomUUID } from 'node:crypto';
import type { LambdaInvoker } from '../lambda/invoker';
import type { EventBridgeEvent } from './eventBridgeService';
import { compileTargetInput, type TargetInputConfig, type TargetInputRenderer } from './inputTransformer';

/** One target of a scheduled rule, as the template declares it. */
export interface ScheduledTarget extends TargetInputConfig {
  Arn: string;
  /**
   * Validated as EventBridge does. It and the DLQ govern invocations EventBridge could not hand to Lambda; a
   * local asynchronous invocation of an existing function is always accepted, so neither ever applies (what
   * the function does with the event is its EventInvokeConfig's business: see `AsyncInvocations`).
   */
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  /** Must name a queue of the templates. */
  DeadLetterConfig?: { Arn?: string };
}

export interface ScheduledRule {
  name: string;
  /** `rate(N unit)`; `cron(...)` is refused. */
  scheduleExpression: string;
  /** AWS runs schedules on the default bus only. */
  eventBusName?: string;
  state?: string;
  targets: ScheduledTarget[];
}

export interface LocalSchedulesOptions {
  invoker: LambdaInvoker;
  /** Whether a function ARN is registered: a schedule aimed at nothing is refused at start, as CloudFormation would fail. */
  hasFunction: (arn: string) => boolean;
  /** Whether a queue ARN exists: a target's DLQ must. */
  hasQueue: (arn: string) => boolean;
  region: string;
  accountId: string;
  log: (source: string, line: string) => void;
}

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
/** setTimeout's longest delay (about 24.8 days); a longer one fires at once, so longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const KNOWN_TARGET_PROPERTIES = new Set(['Id', 'Arn', 'Input', 'InputPath', 'InputTransformer', 'RetryPolicy', 'DeadLetterConfig']);

/**
 * The period of a `rate(...)` schedule expression, validated as EventBridge does: a positive whole number and a
 * unit that is singular for 1 and plural otherwise (`rate(1 minute)`, `rate(5 minutes)`).
 *
 * @example
 * ```ts
 * ratePeriodMs('rate(15 minutes)'); // 900000
 * ```
 */
export const ratePeriodMs = (expression: string): number => {
  if (expression.startsWith('cron(')) {
    throw new Error(`ScheduleExpression ${expression} is not supported by the local cloud: only rate(...) schedules fire locally`);
  }
  const match = /^rate\((\d+) (minute|hour|day)(s?)\)$/.exec(expression);
  const value = Number(match?.[1]);
  const unit = match?.[2] as keyof typeof UNIT_MS | undefined;
  if (!match || !unit || !Number.isSafeInteger(value) || value < 1 || (value === 1) !== (match[3] === '')) {
    throw new Error(
      `ScheduleExpression ${expression} is not valid: expected rate(N minute|minutes|hour|hours|day|days), singular for 1 and plural otherwise`,
    );
  }
  return value * UNIT_MS[unit];
};

interface Running {
  timer: NodeJS.Timeout | undefined;
}

/**
 * Scheduled rules (`rate(...)`) with Lambda targets, fired on their period from the moment they are added (on
 * AWS the first run also comes one period after creation, not at once). Each firing builds the `Scheduled
 * Event` EventBridge sends and hands it to every target's asynchronous invoker, as EventBridge does (retries and
 * the on-failure destination are the invoker's, as they are Lambda's); an invocation that failed for good is
 * logged. Timers are unref'd, so a schedule never keeps the process alive, and cleared by `stop()`.
 *
 * @example
 * ```ts
 * const schedules = new LocalSchedules({ invoker: lambda, hasFunction: (arn) => lambda.has(arn), hasQueue: (arn) => queues.has(arn), region, accountId, log });
 * schedules.add({ name: 'nightly', scheduleExpression: 'rate(1 day)', targets: [{ Id: 'fn', Arn: functionArn }] });
 * ```
 */
export class LocalSchedules {
  private readonly running = new Map<string, Running>();

  constructor(private readonly options: LocalSchedulesOptions) {}

  /** Validates the rule (throwing, with the reason, for anything it cannot run faithfully) and starts it if enabled. */
  add(rule: ScheduledRule): void {
    const where = `rule ${rule.name}`;
    if (rule.eventBusName !== undefined && rule.eventBusName !== 'default') {
      throw new Error(`${where}: ScheduleExpression is only supported on the default event bus (got ${rule.eventBusName})`);
    }
    let periodMs: number;
    try {
      periodMs = ratePeriodMs(rule.scheduleExpression);
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`, { cause: error });
    }
    const targets = rule.targets.map((target) => {
      const unknown = Object.keys(target).filter((key) => !KNOWN_TARGET_PROPERTIES.has(key));
      if (unknown.length > 0) throw new Error(`${where}: target ${target.Id} properties ${unknown.join(', ')} are not supported locally`);
      if (!target.Arn.startsWith('arn:aws:lambda:')) {
        throw new Error(`${where}: target ${target.Arn} is not supported locally; scheduled rules invoke Lambda functions only`);
      }
      if (!this.options.hasFunction(target.Arn)) throw new Error(`${where}: target function ${target.Arn} does not exist`);
      const { MaximumRetryAttempts = 185, MaximumEventAgeInSeconds = 86_400 } = target.RetryPolicy ?? {};
      if (!Number.isInteger(MaximumRetryAttempts) || MaximumRetryAttempts < 0 || MaximumRetryAttempts > 185) {
        throw new Error(`${where}: target ${target.Id} RetryPolicy.MaximumRetryAttempts must be an integer from 0 to 185`);
      }
      if (!Number.isInteger(MaximumEventAgeInSeconds) || MaximumEventAgeInSeconds < 60 || MaximumEventAgeInSeconds > 86_400) {
        throw new Error(`${where}: target ${target.Id} RetryPolicy.MaximumEventAgeInSeconds must be an integer from 60 to 86400`);
      }
      const deadLetterArn = target.DeadLetterConfig?.Arn;
      if (target.DeadLetterConfig !== undefined && !(deadLetterArn !== undefined && this.options.hasQueue(deadLetterArn))) {
        throw new Error(`${where}: target ${target.Id} DeadLetterConfig.Arn ${String(deadLetterArn)} is not a queue of the templates`);
      }
      return { arn: target.Arn, render: compileTargetInput(target) };
    });
    if (this.running.has(rule.name)) throw new Error(`${where}: a scheduled rule of that name already runs`);
    if ((rule.state ?? 'ENABLED') === 'DISABLED') return;

    const ruleArn = `arn:aws:events:${this.options.region}:${this.options.accountId}:rule/${rule.name}`;
    const running: Running = { timer: undefined };
    this.running.set(rule.name, running);
    const waitUntil = (dueAt: number) => {
      const delay = dueAt - Date.now();
      running.timer = setTimeout(() => {
        if (Date.now() < dueAt) {
          waitUntil(dueAt);
          return;
        }
        this.fire(rule.name, ruleArn, targets);
        waitUntil(dueAt + periodMs);
      }, Math.min(Math.max(delay, 0), MAX_TIMER_MS));
      running.timer.unref();
    };
    waitUntil(Date.now() + periodMs);
  }

  /** Stops every schedule; firings already started run to their end. */
  stop(): void {
    for (const { timer } of this.running.values()) clearTimeout(timer);
    this.running.clear();
  }

  private fire(ruleName: string, ruleArn: string, targets: { arn: string; render: TargetInputRenderer }[]): void {
    const now = new Date();
    const event: EventBridgeEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.options.accountId,
      // Scheduled events carry whole seconds.
      time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.options.region,
      resources: [ruleArn],
      detail: {},
    };
    for (const target of targets) {
      const payload = target.render(event, { ruleArn, ruleName, ingestionTime: now.toISOString() });
      void this.options.invoker
        .invoke(target.arn, JSON.parse(payload))
        .catch((error: unknown) => this.options.log('events', `scheduled rule ${ruleName}: invoking ${target.arn} failed: ${String(error)}`));
    }
  }
}
