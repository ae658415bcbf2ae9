import { randomUUID } from 'node:crypto';

import { AwsServiceError } from '../edge/awsJsonProtocol';
import { NO_FAULTS, type DeliveryContext, type FaultPlan } from '../faults';
import { trace, tracing } from '../trace';
import { eventMatcher, InvalidEventPatternError, matchesEventPattern, parseEventPattern, type CompiledPattern } from './eventPattern';
import { compileTargetInput, TargetInputError, type InputTransformerConfig, type TargetInputRenderer } from './inputTransformer';

// ---------------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------------

/**
 * The event EventBridge builds from a PutEvents entry and delivers (keys in AWS's order). A type, not an
 * interface, so it is assignable to the transformer's plain JSON-object envelope.
 */
export type EventBridgeEvent = {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
};

/** What a dispatcher learns about one delivery besides the target and the payload. */
export interface TargetDeliveryContext {
  ruleArn: string;
  event: EventBridgeEvent;
  /** FIFO SQS targets: the target's `SqsParameters.MessageGroupId`. */
  messageGroupId?: string;
  /**
   * Dead-letter deliveries only: the message attributes AWS sets on a message EventBridge moves to a target's
   * DLQ (`ERROR_CODE`, `ERROR_MESSAGE`, `RULE_ARN`, `TARGET_ARN`, `RETRY_ATTEMPTS`, `EXHAUSTED_RETRY_CONDITION`).
   */
  messageAttributes?: Record<string, string>;
}

/**
 * Sends a payload to a target by ARN (SQS queue, Lambda function, state machine, log group); implemented by the
 * local cloud. A rejection is a failed delivery: it is retried per the target's RetryPolicy, then dead-lettered.
 * Throw {@link TargetDeliveryError} to say how AWS would classify the failure.
 */
export interface TargetDispatcher {
  deliver(target: { arn: string; id: string }, payload: string, context: TargetDeliveryContext): Promise<void>;
}

/**
 * A delivery failure with the error code EventBridge reports in `ERROR_CODE` (`NO_RESOURCE`, `NO_PERMISSIONS`,
 * `THROTTLING`, `SDK_CLIENT_ERROR`…). AWS sends failures that retrying cannot fix (a missing target, missing
 * permissions) to the DLQ at once: `retryable` false.
 */
export class TargetDeliveryError extends Error {
  override readonly name = 'TargetDeliveryError';

  constructor(
    readonly errorCode: string,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A delivery that reached neither its target nor a dead-letter queue. */
export interface UndeliverableEvent {
  event: EventBridgeEvent;
  ruleArn: string;
  targetId: string;
  targetArn: string;
  errorCode: string;
  errorMessage: string;
  retryAttempts: number;
  /** Why it is here: the target has no DLQ, or sending to the DLQ failed too. */
  reason: 'no-dead-letter-queue' | 'dead-letter-queue-failed';
  at: string;
}

/** What {@link EventBridgeService.onEvent} listeners see for every accepted event. */
export interface AcceptedEvent {
  event: EventBridgeEvent;
  eventBusName: string;
  /** Rules of the bus whose pattern matched (enabled ones only; their targets are being delivered to). */
  matchedRuleArns: string[];
}

export interface EventBridgeLogger {
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export interface EventBridgeServiceOptions {
  accountId: string;
  region: string;
  dispatcher: TargetDispatcher;
  faults?: FaultPlan;
  now?: () => Date;
  /** Milliseconds before retry number `retry` (1-based); AWS backs off over hours, locally it is short. */
  retryDelayMs?: (retry: number) => number;
  logger?: EventBridgeLogger;
}

export interface Tag {
  Key: string;
  Value: string;
}

export interface RetryPolicy {
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
}

/** A PutTargets target as the API takes it; parameters the local cloud cannot honour are refused by name. */
export interface TargetInput {
  Id: string;
  Arn: string;
  RoleArn?: string;
  Input?: string;
  InputPath?: string;
  InputTransformer?: InputTransformerConfig;
  DeadLetterConfig?: { Arn?: string };
  RetryPolicy?: RetryPolicy;
  SqsParameters?: { MessageGroupId?: string };
  [unsupported: string]: unknown;
}

export interface PutRuleInput {
  Name: string;
  EventBusName?: string;
  /** JSON text as the API takes it, or the object a CloudFormation template holds. */
  EventPattern?: string | object;
  ScheduleExpression?: string;
  State?: RuleState;
  Description?: string;
  RoleArn?: string;
  Tags?: Tag[];
}

export type RuleState = 'ENABLED' | 'DISABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

export interface RuleDescription {
  Name: string;
  Arn: string;
  EventPattern: string;
  State: RuleState;
  Description?: string;
  RoleArn?: string;
  EventBusName: string;
  CreatedBy: string;
}

export interface EventBusDescription {
  Name: string;
  Arn: string;
  Description?: string;
  /** Epoch seconds, as the JSON protocol carries timestamps. */
  CreationTime: number;
  LastModifiedTime: number;
}

export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  /** Epoch seconds (the wire form), a Date, or ISO text. */
  Time?: number | string | Date;
  TraceHeader?: string;
}

export interface PutEventsResultEntry {
  EventId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

export interface FailedTargetEntry {
  TargetId: string;
  ErrorCode: string;
  ErrorMessage: string;
}

export interface Page {
  Limit?: number;
  NextToken?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Constants from the EventBridge quotas and API reference
// ---------------------------------------------------------------------------------------------------------

const DEFAULT_BUS = 'default';
const MAX_PUT_EVENTS_ENTRIES = 10;
const MAX_PUT_EVENTS_BYTES = 256 * 1024;
const MAX_TARGETS_PER_RULE = 5;
const MAX_TARGETS_PER_REQUEST = 10;
const DEFAULT_RETRY: Required<RetryPolicy> = { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 };
const NAME_PATTERN = /^[.\-_A-Za-z0-9]+$/;
const TARGET_ID_PATTERN = /^[.\-_A-Za-z0-9]{1,64}$/;

/** Target parameters for services the local cloud does not run: refused by name, never dropped. */
const UNSUPPORTED_TARGET_PARAMETERS = [
  'KinesisParameters',
  'RunCommandParameters',
  'EcsParameters',
  'BatchParameters',
  'HttpParameters',
  'RedshiftDataParameters',
  'SageMakerPipelineParameters',
  'AppSyncParameters',
];
const KNOWN_TARGET_FIELDS = new Set([
  'Id', 'Arn', 'RoleArn', 'Input', 'InputPath', 'InputTransformer', 'DeadLetterConfig', 'RetryPolicy', 'SqsParameters',
]);

/** Error names a dispatcher's own failures carry that AWS dead-letters without retrying. */
const NO_RESOURCE_ERRORS = new Set([
  'ResourceNotFoundException',
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
  'StateMachineDoesNotExist',
]);
const NO_PERMISSION_ERRORS = new Set(['AccessDeniedException', 'AccessDenied', 'KMSAccessDeniedException']);
const THROTTLING_ERRORS = new Set(['ThrottlingException', 'TooManyRequestsException', 'Throttling', 'RequestThrottled']);

// ---------------------------------------------------------------------------------------------------------
// Internal state
// ---------------------------------------------------------------------------------------------------------

interface Bus {
  name: string;
  arn: string;
  description?: string;
  createdAt: Date;
  rules: Map<string, Rule>;
}

interface Rule {
  name: string;
  arn: string;
  busName: string;
  patternText: string;
  pattern: CompiledPattern;
  state: RuleState;
  description?: string;
  roleArn?: string;
  tags: Tag[];
  targets: Map<string, Target>;
}

interface Target {
  config: TargetInput;
  render: TargetInputRenderer;
  retry: Required<RetryPolicy>;
  deadLetterArn: string | undefined;
}

/** One copy of one (rule, target) delivery, from its first attempt to delivery, DLQ or undeliverable. */
interface Delivery {
  readonly event: EventBridgeEvent;
  readonly rule: Rule;
  readonly target: Target;
  readonly ingestedAt: Date;
  readonly payload: string;
  retries: number;
  timer: NodeJS.Timeout | undefined;
}

interface Failure {
  code: string;
  message: string;
  retryable: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Service
// ---------------------------------------------------------------------------------------------------------

/**
 * Amazon EventBridge for the local cloud: event buses, rules matched with AWS's pattern semantics, targets with
 * Input/InputPath/InputTransformer, asynchronous at-least-once delivery with RetryPolicy and dead-letter queues.
 * Errors are {@link AwsServiceError}s with AWS's codes, so the API layer answers as AWS does.
 *
 * @example
 * ```ts
 * const events = new EventBridgeService({ accountId: '000000000000', region: 'eu-west-1', dispatcher });
 * events.createEventBus({ Name: 'ordering-dev' });
 * events.putRule({ Name: 'payment-orders', EventBusName: 'ordering-dev', EventPattern: '{"source":["order"]}' });
 * events.putTargets({ Rule: 'payment-orders', EventBusName: 'ordering-dev', Targets: [{ Id: 'queue', Arn: queueArn }] });
 * events.putEvents([{ EventBusName: 'ordering-dev', Source: 'order', DetailType: 'OrderPlaced', Detail: '{}' }]);
 * await events.whenIdle();
 * ```
 */
export class EventBridgeService {
  /** Deliveries that reached neither their target nor a DLQ, newest last. */
  readonly undeliverable: UndeliverableEvent[] = [];

  private readonly accountId: string;
  private readonly region: string;
  private readonly dispatcher: TargetDispatcher;
  private readonly faults: FaultPlan;
  private readonly now: () => Date;
  private readonly retryDelayMs: (retry: number) => number;
  private readonly logger: EventBridgeLogger;
  private readonly buses = new Map<string, Bus>();
  private readonly pending = new Set<Delivery>();
  private readonly listeners = new Set<(accepted: AcceptedEvent) => void>();
  private idleWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(options: EventBridgeServiceOptions) {
    this.accountId = options.accountId;
    this.region = options.region;
    this.dispatcher = options.dispatcher;
    this.faults = options.faults ?? NO_FAULTS;
    this.now = options.now ?? (() => new Date());
    this.retryDelayMs = options.retryDelayMs ?? ((retry) => Math.min(10 * retry, 1_000));
    this.logger = options.logger ?? consoleLogger;
    this.buses.set(DEFAULT_BUS, this.newBus(DEFAULT_BUS));
  }

  // ----- event buses -----

  createEventBus(input: { Name: string; Description?: string; Tags?: Tag[]; [other: string]: unknown }): { EventBusArn: string } {
    const name = input.Name;
    refuseUnsupported(`event bus ${name}`, input, ['EventSourceName', 'KmsKeyIdentifier', 'DeadLetterConfig', 'LogConfig']);
    if (!NAME_PATTERN.test(name) || name.length > 256) {
      throw validation(`Event bus name ${name} is not valid: it must match [\\.\\-_A-Za-z0-9]+ and have at most 256 characters.`);
    }
    if (this.buses.has(name)) {
      throw new AwsServiceError('ResourceAlreadyExistsException', `Event bus ${name} already exists.`);
    }
    const bus = this.newBus(name, input.Description);
    this.buses.set(name, bus);
    return { EventBusArn: bus.arn };
  }

  /** Deleting a bus that does not exist succeeds, as on AWS; a bus still holding rules is refused. */
  deleteEventBus(input: { Name: string }): void {
    if (input.Name === DEFAULT_BUS) throw validation('Cannot delete event bus default.');
    const bus = this.buses.get(input.Name);
    if (!bus) return;
    if (bus.rules.size > 0) {
      throw validation(`Event bus ${bus.name} still has rules (${[...bus.rules.keys()].join(', ')}); delete them first.`);
    }
    this.buses.delete(bus.name);
  }

  describeEventBus(input: { Name?: string } = {}): EventBusDescription {
    return describeBus(this.bus(input.Name));
  }

  listEventBuses(input: { NamePrefix?: string } & Page = {}): { EventBuses: EventBusDescription[]; NextToken?: string } {
    const buses = [...this.buses.values()]
      .filter((bus) => bus.name.startsWith(input.NamePrefix ?? ''))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(describeBus);
    const { items, NextToken } = paginate(buses, input);
    return { EventBuses: items, ...(NextToken && { NextToken }) };
  }

  // ----- rules -----

  putRule(input: PutRuleInput): { RuleArn: string } {
    const bus = this.bus(input.EventBusName);
    const name = input.Name;
    if (!NAME_PATTERN.test(name) || name.length > 64) {
      throw validation(`Rule name ${name} is not valid: it must match [\\.\\-_A-Za-z0-9]+ and have at most 64 characters.`);
    }
    if (input.ScheduleExpression !== undefined) {
      throw validation(
        `Rule ${name}: ScheduleExpression (${input.ScheduleExpression}) is not supported by the local cloud; scheduled rules never fire locally.`,
      );
    }
    if (input.EventPattern === undefined) {
      throw validation('Parameter(s) EventPattern or ScheduleExpression must be specified.');
    }
    const state = input.State ?? 'ENABLED';
    if (!['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'].includes(state)) {
      throw validation(`Rule state ${state} is not valid.`);
    }
    let pattern: CompiledPattern;
    try {
      pattern = parseEventPattern(input.EventPattern);
    } catch (error) {
      if (error instanceof InvalidEventPatternError) throw new AwsServiceError(error.name, error.message);
      throw error;
    }
    const existing = bus.rules.get(name);
    const rule: Rule = {
      name,
      arn: this.ruleArn(bus.name, name),
      busName: bus.name,
      patternText: typeof input.EventPattern === 'string' ? input.EventPattern : JSON.stringify(input.EventPattern),
      pattern,
      state,
      ...(input.Description !== undefined && { description: input.Description }),
      ...(input.RoleArn !== undefined && { roleArn: input.RoleArn }),
      tags: input.Tags ?? existing?.tags ?? [],
      targets: existing?.targets ?? new Map<string, Target>(),
    };
    bus.rules.set(name, rule);
    return { RuleArn: rule.arn };
  }

  describeRule(input: { Name: string; EventBusName?: string }): RuleDescription {
    return this.describeRuleOf(this.rule(input.Name, input.EventBusName));
  }

  listRules(input: { NamePrefix?: string; EventBusName?: string } & Page = {}): { Rules: RuleDescription[]; NextToken?: string } {
    const rules = [...this.bus(input.EventBusName).rules.values()]
      .filter((rule) => rule.name.startsWith(input.NamePrefix ?? ''))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((rule) => this.describeRuleOf(rule));
    const { items, NextToken } = paginate(rules, input);
    return { Rules: items, ...(NextToken && { NextToken }) };
  }

  enableRule(input: { Name: string; EventBusName?: string }): void {
    this.rule(input.Name, input.EventBusName).state = 'ENABLED';
  }

  disableRule(input: { Name: string; EventBusName?: string }): void {
    this.rule(input.Name, input.EventBusName).state = 'DISABLED';
  }

  /** Deleting a rule that does not exist succeeds, as on AWS; a rule that still has targets is refused. */
  deleteRule(input: { Name: string; EventBusName?: string; Force?: boolean }): void {
    const bus = this.bus(input.EventBusName);
    const rule = bus.rules.get(input.Name);
    if (!rule) return;
    if (rule.targets.size > 0) throw validation("Rule can't be deleted since it has targets.");
    bus.rules.delete(rule.name);
  }

  // ----- targets -----

  /**
   * Adds or replaces targets. Invalid settings (AWS's own validation) and settings the local cloud cannot honour
   * are refused for the whole request with a ValidationException naming the rule, the target and the feature, so
   * nothing half-applied is left behind.
   */
  putTargets(input: { Rule: string; EventBusName?: string; Targets: TargetInput[] }): {
    FailedEntryCount: number;
    FailedEntries: FailedTargetEntry[];
  } {
    const rule = this.rule(input.Rule, input.EventBusName);
    if (input.Targets.length === 0 || input.Targets.length > MAX_TARGETS_PER_REQUEST) {
      throw validation(`PutTargets takes between 1 and ${MAX_TARGETS_PER_REQUEST} targets; ${input.Targets.length} were given.`);
    }
    const compiled = input.Targets.map((target) => this.compileTarget(rule, target));
    const ids = new Set([...rule.targets.keys(), ...compiled.map((target) => target.config.Id)]);
    if (ids.size > MAX_TARGETS_PER_RULE) {
      throw new AwsServiceError(
        'LimitExceededException',
        `The requested resource exceeds the maximum number allowed: rule ${rule.name} would have ${ids.size} targets (at most ${MAX_TARGETS_PER_RULE}).`,
      );
    }
    for (const target of compiled) rule.targets.set(target.config.Id, target);
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  /** Ids the rule does not have are ignored, as on AWS. */
  removeTargets(input: { Rule: string; EventBusName?: string; Ids: string[]; Force?: boolean }): {
    FailedEntryCount: number;
    FailedEntries: FailedTargetEntry[];
  } {
    const rule = this.rule(input.Rule, input.EventBusName);
    for (const id of input.Ids) rule.targets.delete(id);
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  listTargetsByRule(input: { Rule: string; EventBusName?: string } & Page): { Targets: TargetInput[]; NextToken?: string } {
    const rule = this.rule(input.Rule, input.EventBusName);
    const { items, NextToken } = paginate([...rule.targets.values()].map((target) => structuredClone(target.config)), input);
    return { Targets: items, ...(NextToken && { NextToken }) };
  }

  // ----- events -----

  /**
   * Accepts up to 10 entries and answers per entry, as AWS does: an entry EventBridge refuses gets an
   * `ErrorCode` while the call itself succeeds (`FailedEntryCount`), which is what publishers must retry. Each
   * accepted event is matched against the enabled rules of its bus and delivered to their targets
   * asynchronously: this returns before any target sees the event.
   */
  putEvents(entries: PutEventsEntry[]): { FailedEntryCount: number; Entries: PutEventsResultEntry[] } {
    if (this.stopped) throw new AwsServiceError('InternalFailure', 'the local EventBridge service is stopped', 500);
    if (entries.length === 0 || entries.length > MAX_PUT_EVENTS_ENTRIES) {
      throw validation(
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_PUT_EVENTS_ENTRIES}`,
      );
    }
    const bytes = entries.reduce((sum, entry) => sum + entrySize(entry), 0);
    if (bytes > MAX_PUT_EVENTS_BYTES) {
      throw validation(`Total size of the entries in the request is over the limit (${bytes} bytes, at most ${MAX_PUT_EVENTS_BYTES}).`);
    }
    const results = entries.map((entry) => this.acceptEntry(entry));
    return { FailedEntryCount: results.filter((result) => result.ErrorCode !== undefined).length, Entries: results };
  }

  /**
   * Whether a pattern matches an event, as TestEventPattern answers. The event must be a full envelope: AWS
   * refuses one without `id`, `account`, `source`, `time`, `region` or `detail-type`.
   */
  testEventPattern(input: { EventPattern: string; Event: string }): { Result: boolean } {
    let pattern: CompiledPattern;
    try {
      pattern = parseEventPattern(input.EventPattern);
    } catch (error) {
      if (error instanceof InvalidEventPatternError) throw new AwsServiceError(error.name, error.message);
      throw error;
    }
    let event: unknown;
    try {
      event = JSON.parse(input.Event);
    } catch {
      throw validation('Parameter Event is not valid.');
    }
    if (typeof event !== 'object' || event === null || Array.isArray(event)) throw validation('Parameter Event is not valid.');
    const missing = ['id', 'account', 'source', 'time', 'region', 'detail-type'].filter((field) => !(field in event));
    if (missing.length > 0) throw validation(`Parameter Event is not valid. Missing: ${missing.join(', ')}.`);
    return { Result: matchesEventPattern(pattern, event) };
  }

  // ----- observation -----

  /** Calls `listener` for every accepted event (for tails and timelines); returns the unsubscribe function. */
  onEvent(listener: (accepted: AcceptedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Deliveries not yet settled (delivered, dead-lettered or recorded as undeliverable), retries waiting included. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Resolves once no delivery is pending (delivered, dead-lettered or recorded as undeliverable). */
  whenIdle(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Cancels pending retries and refuses new events; deliveries abandoned this way are logged, never hidden. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.pending.size > 0) {
      this.logger.warn(`EventBridge stopped with ${this.pending.size} delivery(ies) pending; they are abandoned`, {
        deliveries: [...this.pending].map((delivery) => ({
          eventId: delivery.event.id,
          ruleArn: delivery.rule.arn,
          targetArn: delivery.target.config.Arn,
        })),
      });
    }
    for (const delivery of this.pending) clearTimeout(delivery.timer);
    this.pending.clear();
    this.notifyIdle();
  }

  // ----- internals: lookups -----

  private newBus(name: string, description?: string): Bus {
    return {
      name,
      arn: `arn:aws:events:${this.region}:${this.accountId}:event-bus/${name}`,
      ...(description !== undefined && { description }),
      createdAt: this.now(),
      rules: new Map(),
    };
  }

  /** A bus by name or ARN (EventBridge takes either); absent means the default bus. */
  private bus(nameOrArn: string | undefined): Bus {
    const name = busName(nameOrArn);
    const bus = this.buses.get(name);
    if (!bus) throw new AwsServiceError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
    return bus;
  }

  private rule(name: string, busNameOrArn: string | undefined): Rule {
    const bus = this.bus(busNameOrArn);
    const rule = bus.rules.get(name);
    if (!rule) throw new AwsServiceError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${bus.name}.`);
    return rule;
  }

  private ruleArn(bus: string, name: string): string {
    const resource = bus === DEFAULT_BUS ? `rule/${name}` : `rule/${bus}/${name}`;
    return `arn:aws:events:${this.region}:${this.accountId}:${resource}`;
  }

  private describeRuleOf(rule: Rule): RuleDescription {
    return {
      Name: rule.name,
      Arn: rule.arn,
      EventPattern: rule.patternText,
      State: rule.state,
      ...(rule.description !== undefined && { Description: rule.description }),
      ...(rule.roleArn !== undefined && { RoleArn: rule.roleArn }),
      EventBusName: rule.busName,
      CreatedBy: this.accountId,
    };
  }

  private compileTarget(rule: Rule, config: TargetInput): Target {
    const where = `rule ${rule.name}, target ${config.Id}`;
    if (!TARGET_ID_PATTERN.test(config.Id)) {
      throw validation(`Target Id ${config.Id} is not valid: it must match [\\.\\-_A-Za-z0-9]+ and have at most 64 characters.`);
    }
    if (!config.Arn.startsWith('arn:')) {
      throw validation(`Parameter Arn ${config.Arn} of target ${config.Id} is not valid.`);
    }
    refuseUnsupported(where, config, UNSUPPORTED_TARGET_PARAMETERS);
    const unknown = Object.keys(config).filter((key) => !KNOWN_TARGET_FIELDS.has(key) && config[key] !== undefined);
    if (unknown.length > 0) throw validation(`${where}: ${unknown.join(', ')} is not supported by the local cloud.`);

    const fifoQueue = config.Arn.startsWith('arn:aws:sqs:') && config.Arn.endsWith('.fifo');
    const groupId = config.SqsParameters?.MessageGroupId;
    if (groupId !== undefined && !fifoQueue) {
      throw validation(`${where}: SqsParameters.MessageGroupId is only valid for a FIFO queue target; ${config.Arn} is not one.`);
    }
    if (fifoQueue && groupId === undefined) {
      throw validation(`${where}: a FIFO queue target needs SqsParameters.MessageGroupId.`);
    }

    const retry = { ...DEFAULT_RETRY, ...definedOnly(config.RetryPolicy ?? {}) };
    if (!Number.isInteger(retry.MaximumRetryAttempts) || retry.MaximumRetryAttempts < 0 || retry.MaximumRetryAttempts > 185) {
      throw validation(`${where}: RetryPolicy.MaximumRetryAttempts must be an integer between 0 and 185.`);
    }
    if (!Number.isInteger(retry.MaximumEventAgeInSeconds) || retry.MaximumEventAgeInSeconds < 60 || retry.MaximumEventAgeInSeconds > 86_400) {
      throw validation(`${where}: RetryPolicy.MaximumEventAgeInSeconds must be an integer between 60 and 86400.`);
    }
    const deadLetterArn = config.DeadLetterConfig?.Arn;
    if (deadLetterArn !== undefined && (!deadLetterArn.startsWith('arn:aws:sqs:') || deadLetterArn.endsWith('.fifo'))) {
      throw validation(`${where}: DeadLetterConfig.Arn ${deadLetterArn} must be a standard SQS queue (EventBridge cannot use a FIFO queue).`);
    }

    let render: TargetInputRenderer;
    try {
      render = compileTargetInput(config);
    } catch (error) {
      if (error instanceof TargetInputError) throw validation(error.message);
      throw error;
    }
    return { config: structuredClone(config), render, retry, deadLetterArn };
  }

  // ----- internals: events and deliveries -----

  private acceptEntry(entry: PutEventsEntry): PutEventsResultEntry {
    const invalid = (message: string): PutEventsResultEntry => ({ ErrorCode: 'InvalidArgument', ErrorMessage: message });
    for (const field of ['Source', 'DetailType', 'Detail'] as const) {
      if (typeof entry[field] !== 'string' || entry[field] === '') {
        return invalid(`Parameter ${field} is not valid. Reason: ${field} is a required argument.`);
      }
    }
    const source = entry.Source ?? '';
    const detailType = entry.DetailType ?? '';
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail ?? '');
    } catch {
      return invalid('Detail is malformed.');
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
      return invalid('Detail is malformed. Reason: Detail must be a JSON object.');
    }
    if (source.startsWith('aws.')) {
      return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
    }
    const time = entryTime(entry.Time, this.now());
    if (time === undefined) return invalid('Parameter Time is not valid.');
    const resources = entry.Resources ?? [];
    if (!Array.isArray(resources) || resources.some((resource) => typeof resource !== 'string')) {
      return invalid('Parameter Resources is not valid.');
    }
    const bus = this.buses.get(busName(entry.EventBusName));
    if (!bus) {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${busName(entry.EventBusName)} does not exist.` };
    }

    const ingestedAt = this.now();
    const event: EventBridgeEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': detailType,
      source,
      account: this.accountId,
      time: isoSeconds(time),
      region: this.region,
      resources,
      detail: detail as Record<string, unknown>,
    };
    const matches = eventMatcher(event);
    const matched = [...bus.rules.values()].filter((rule) => rule.state !== 'DISABLED' && matches(rule.pattern));
    this.notifyListeners({ event, eventBusName: bus.name, matchedRuleArns: matched.map((rule) => rule.arn) });
    for (const rule of matched) {
      for (const target of rule.targets.values()) this.fanOut(event, rule, target, ingestedAt);
    }
    return { EventId: event.id };
  }

  private notifyListeners(accepted: AcceptedEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(accepted);
      } catch (error) {
        // An observer (a tail, a timeline) must not make PutEvents fail for the producer.
        this.logger.error('EventBridge onEvent listener threw', { eventId: accepted.event.id, error: String(error) });
      }
    }
  }

  /** Starts the copies the fault plan asks for (1 normally), each delayed as it says, each retried on its own. */
  private fanOut(event: EventBridgeEvent, rule: Rule, target: Target, ingestedAt: Date): void {
    const context: DeliveryContext = { ruleArn: rule.arn, targetArn: target.config.Arn, detailType: event['detail-type'] };
    const payload = target.render(event, { ruleArn: rule.arn, ruleName: rule.name, ingestionTime: isoSeconds(ingestedAt) });
    // At least once: a fault plan may duplicate a delivery, never lose it.
    const copies = Math.max(1, Math.floor(this.faults.deliveryCopies(context)));
    for (let copy = 0; copy < copies; copy++) {
      const delivery: Delivery = { event, rule, target, ingestedAt, payload, retries: 0, timer: undefined };
      this.pending.add(delivery);
      // Even an undelayed copy waits for a timer: PutEvents returns before any target sees the event.
      this.schedule(delivery, Math.max(0, this.faults.deliveryDelayMs(context)));
    }
  }

  private schedule(delivery: Delivery, delayMs: number): void {
    delivery.timer = setTimeout(() => void this.attempt(delivery), delayMs);
    delivery.timer.unref();
  }

  private async attempt(delivery: Delivery): Promise<void> {
    delivery.timer = undefined;
    const { target, rule, event } = delivery;
    try {
      await this.dispatcher.deliver(
        { arn: target.config.Arn, id: target.config.Id },
        delivery.payload,
        {
          ruleArn: rule.arn,
          event,
          ...(target.config.SqsParameters?.MessageGroupId !== undefined && { messageGroupId: target.config.SqsParameters.MessageGroupId }),
        },
      );
      if (tracing) trace('events', `${event['detail-type']} → ${target.config.Arn.split(':').pop() ?? ''}`, { sinceIngestMs: Date.now() - delivery.ingestedAt.getTime() });
      this.finish(delivery);
    } catch (error) {
      if (!this.pending.has(delivery)) return;
      const failure = classify(error);
      if (!failure.retryable) {
        await this.deadLetter(delivery, failure, undefined);
      } else if (delivery.retries >= target.retry.MaximumRetryAttempts) {
        await this.deadLetter(delivery, failure, 'MaximumRetryAttempts');
      } else if (this.now().getTime() - delivery.ingestedAt.getTime() >= target.retry.MaximumEventAgeInSeconds * 1000) {
        await this.deadLetter(delivery, failure, 'MaximumEventAgeInSeconds');
      } else {
        delivery.retries++;
        this.schedule(delivery, this.retryDelayMs(delivery.retries));
      }
    }
  }

  /** Moves a failed delivery to the target's DLQ with AWS's attributes; without one, records it and says so. */
  private async deadLetter(delivery: Delivery, failure: Failure, exhausted: 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds' | undefined): Promise<void> {
    const { target, rule, event } = delivery;
    if (target.deadLetterArn === undefined) {
      this.recordUndeliverable(delivery, failure, 'no-dead-letter-queue');
      return;
    }
    const attributes: Record<string, string> = {
      ERROR_CODE: failure.code,
      ERROR_MESSAGE: failure.message,
      RULE_ARN: rule.arn,
      TARGET_ARN: target.config.Arn,
      RETRY_ATTEMPTS: String(delivery.retries),
      ...(exhausted !== undefined && { EXHAUSTED_RETRY_CONDITION: exhausted }),
    };
    try {
      // The DLQ keeps the original event, not the transformed input, so it can be replayed to the bus.
      await this.dispatcher.deliver({ arn: target.deadLetterArn, id: target.config.Id }, JSON.stringify(event), {
        ruleArn: rule.arn,
        event,
        messageAttributes: attributes,
      });
      if (!this.pending.has(delivery)) return;
      this.logger.warn(`EventBridge moved event ${event.id} to the dead-letter queue of ${rule.name}/${target.config.Id}`, {
        deadLetterArn: target.deadLetterArn,
        ...attributes,
      });
      this.finish(delivery);
    } catch (error) {
      if (!this.pending.has(delivery)) return;
      this.recordUndeliverable(
        delivery,
        { ...failure, message: `${failure.message}; sending to ${target.deadLetterArn} failed too: ${errorMessage(error)}` },
        'dead-letter-queue-failed',
      );
    }
  }

  private recordUndeliverable(delivery: Delivery, failure: Failure, reason: UndeliverableEvent['reason']): void {
    const record: UndeliverableEvent = {
      event: delivery.event,
      ruleArn: delivery.rule.arn,
      targetId: delivery.target.config.Id,
      targetArn: delivery.target.config.Arn,
      errorCode: failure.code,
      errorMessage: failure.message,
      retryAttempts: delivery.retries,
      reason,
      at: this.now().toISOString(),
    };
    this.undeliverable.push(record);
    // AWS drops such an event; locally it is kept in `undeliverable` and shouted about.
    const why = reason === 'no-dead-letter-queue' ? 'the target has no dead-letter queue' : 'its dead-letter queue refused it too';
    this.logger.error(
      `EventBridge could not deliver event ${delivery.event.id} (${delivery.event['detail-type']}) to ${record.targetArn} and ${why}: it is kept in \`undeliverable\``,
      { ...record, event: undefined, eventId: delivery.event.id },
    );
    this.finish(delivery);
  }

  private finish(delivery: Delivery): void {
    this.pending.delete(delivery);
    if (this.pending.size === 0) this.notifyIdle();
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

const consoleLogger: EventBridgeLogger = {
  warn: (message, details) => console.warn(`[eventbridge] ${message}`, details ?? ''),
  error: (message, details) => console.error(`[eventbridge] ${message}`, details ?? ''),
};

const validation = (message: string): AwsServiceError => new AwsServiceError('ValidationException', message);

/** EventBridge takes a bus as name or ARN (`arn:aws:events:<region>:<account>:event-bus/<name>`). */
function busName(nameOrArn: string | undefined): string {
  if (nameOrArn === undefined || nameOrArn === '') return DEFAULT_BUS;
  const arn = /^arn:[\w-]+:events:[\w-]*:\d*:event-bus\/(.+)$/.exec(nameOrArn);
  return arn?.[1] ?? nameOrArn;
}

function describeBus(bus: Bus): EventBusDescription {
  const created = Math.floor(bus.createdAt.getTime() / 1000);
  return {
    Name: bus.name,
    Arn: bus.arn,
    ...(bus.description !== undefined && { Description: bus.description }),
    CreationTime: created,
    LastModifiedTime: created,
  };
}

function refuseUnsupported(where: string, input: Record<string, unknown>, fields: readonly string[]): void {
  const used = fields.filter((field) => input[field] !== undefined);
  if (used.length > 0) {
    throw validation(`${where}: ${used.join(', ')} ${used.length === 1 ? 'is' : 'are'} not supported by the local cloud.`);
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}

/** NextToken is the offset of the next item, opaque to callers as on AWS. */
function paginate<T>(items: readonly T[], page: Page): { items: T[]; NextToken?: string } {
  const start = page.NextToken ? Number.parseInt(Buffer.from(page.NextToken, 'base64url').toString('utf8'), 10) : 0;
  if (!Number.isInteger(start) || start < 0) throw validation('The NextToken is not valid.');
  const limit = page.Limit ?? 100;
  const end = start + limit;
  return {
    items: items.slice(start, end),
    ...(end < items.length && { NextToken: Buffer.from(String(end)).toString('base64url') }),
  };
}

/** The size rule from the EventBridge user guide ("Calculating PutEvents event entry size"). */
function entrySize(entry: PutEventsEntry): number {
  const utf8 = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources : [];
  return 14 + utf8(entry.Source) + utf8(entry.DetailType) + utf8(entry.Detail) + resources.reduce((sum, r) => sum + utf8(r), 0);
}

function entryTime(time: PutEventsEntry['Time'], now: Date): Date | undefined {
  if (time === undefined) return now;
  // The JSON protocol carries timestamps as epoch seconds.
  const date = typeof time === 'number' ? new Date(time * 1000) : new Date(time);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** AWS writes event times to the second: `2015-11-11T21:29:54Z`. */
function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** How EventBridge reports a target failure in its DLQ attributes, and whether it retries it. */
function classify(error: unknown): Failure {
  if (error instanceof TargetDeliveryError) return { code: error.errorCode, message: error.message, retryable: error.retryable };
  const name = error instanceof Error ? error.name : '';
  const message = errorMessage(error);
  if (NO_RESOURCE_ERRORS.has(name)) return { code: 'NO_RESOURCE', message, retryable: false };
  if (NO_PERMISSION_ERRORS.has(name)) return { code: 'NO_PERMISSIONS', message, retryable: false };
  if (THROTTLING_ERRORS.has(name)) return { code: 'THROTTLING', message, retryable: true };
  return { code: 'SDK_CLIENT_ERROR', message, retryable: true };
}
