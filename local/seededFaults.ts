import { hashString, mulberry32 } from '#shared/random';
import { NO_API_FAULT, type ApiCall, type ApiFault, type ApiService, type DeliveryContext, type FailedEntry, type FaultPlan } from './faults';

/**
 * A seeded fault plan for chaos runs: at-least-once and unordered EventBridge delivery, Lambda service errors
 * and throttles, SQS visibility timeouts that expire while a message is still being processed, and the
 * errors AWS's APIs answer with (DynamoDB, PutEvents, Step Functions, SQS) — each at a configured rate, each
 * decision drawn from a seeded PRNG, each one counted.
 *
 * Determinism: every hook subject (a rule target, a function, a queue, an API operation on one resource)
 * draws from its own stream, seeded by the run's seed and the subject. The same seed therefore gives the same sequence of faults to every subject
 * in the same call order, and one subject's traffic never shifts another's draws — which matters locally,
 * where concurrent orders interleave differently from run to run.
 */
export interface SeededFaultOptions {
  seed: number | string;
  /** Share of EventBridge deliveries (per rule target) that arrive more than once. */
  duplicateRate?: number;
  /** Copies of a duplicated delivery, at most (at least 2 when duplicated). */
  maxCopies?: number;
  /** Share of delivery copies held back a random time, so they overtake one another. */
  reorderRate?: number;
  /** Longest hold-back of a delayed copy. */
  maxDelayMs?: number;
  /** Share of invocations of a safely retried function that fail with `Lambda.ServiceException`. */
  transientErrorRate?: number;
  /** Share of invocations of a safely retried function that fail with `Lambda.TooManyRequestsException`. */
  throttleRate?: number;
  /** Share of SQS receives whose visibility timeout expires while the batch is still being processed. */
  visibilityExpiryRate?: number;
  /** Seconds an expiring receive stays hidden: 0 = visible again at once, to the next poller. */
  visibilityExpirySeconds?: number;
  /**
   * Share of invocations (of the functions `replyLossOn` names) that run to completion but whose caller is
   * told `Sandbox.Timedout`, as Lambda reports a function that overran its timeout after its writes landed.
   * Not a {@link FaultPlan} hook: whoever runs the cloud applies it around the runtime's invoke.
   */
  replyLossRate?: number;
  replyLossOn?: (functionName: string) => boolean;
  /**
   * The functions whose callers retry an invocation that failed before it ran: the only ones that get Lambda
   * faults. None by default: a fault where nobody retries is a lost request, a failure of the test, not of
   * the system under test.
   */
  retriedSafely?: (functionName: string) => boolean;
  /** The queues whose receives may expire early; every queue by default. */
  expireVisibilityOn?: (queueArn: string) => boolean;
  /**
   * AWS API faults. Each rate is a share of requests (of entries, for `putEventsEntryFailureRate`) and is
   * drawn once per HTTP request, so every attempt of the SDK's own retries draws again, as on AWS.
   * DynamoDB: any operation may be throttled (`ThrottlingException`, `ProvisionedThroughputExceededException`)
   * or fail (`InternalServerError`); a write may land and lose its reply.
   */
  dynamodbThrottleRate?: number;
  dynamodbThroughputExceededRate?: number;
  dynamodbInternalErrorRate?: number;
  dynamodbReplyLossRate?: number;
  /** `PutEvents` throttled as a whole (`ThrottlingException`). */
  putEventsThrottleRate?: number;
  /** Share of the entries of a `PutEvents` that fail with `InternalFailure` inside an HTTP 200. */
  putEventsEntryFailureRate?: number;
  /** `StartExecution`, `SendTaskSuccess`/`SendTaskFailure` and `SendTaskHeartbeat` throttled (`ThrottlingException`). */
  sfnThrottleRate?: number;
  /** `SendMessage`, `DeleteMessage` and their batch forms (the event source mappings' deletes too) throttled (`RequestThrottled`) or failed (`InternalFailure`). */
  sqsThrottleRate?: number;
  sqsInternalErrorRate?: number;
  /** The API calls that may be faulted; every one by default (a run spares its own, by their access key). */
  apiFaultsOn?: (call: ApiCall) => boolean;
}

/** One kind of AWS API fault, counted against the requests (or entries) it could have hit. */
export interface ApiFaultCount {
  service: ApiService;
  /** The error code, or what happened instead (`reply lost after the write landed`, `entries InternalFailure`). */
  fault: string;
  injected: number;
  /** The requests (entries) this fault was decided on: the base of its rate. */
  base: number;
  /** What the base counts: `DynamoDB requests`, `DynamoDB writes`, `PutEvents entries`… */
  of: string;
  /** Faults by operation (`event source mapping DeleteMessageBatch` for the pollers' own deletes). */
  byOperation: Record<string, number>;
}

/** Every fault injected so far, by kind, and the Lambda faults by function. */
export interface FaultStats {
  /** EventBridge deliveries (rule target × event) decided while injecting: the base of the delivery rates. */
  deliveries: number;
  /** Invocations of functions that may be faulted (see `retriedSafely`): the base of the Lambda rates. */
  faultableInvocations: number;
  /** Deliveries sent more than once, and the extra copies they made. */
  duplicatedDeliveries: number;
  extraCopies: number;
  /** Delivery copies held back. */
  delayedDeliveries: number;
  transientErrors: number;
  throttles: number;
  /** Receives whose messages became visible again while in flight. */
  visibilityExpiries: number;
  /** Invocations that ran but were reported as timed out. */
  lostReplies: number;
  /** Invocations that were not faulted because nobody would retry them. */
  sparedInvocations: number;
  byFunction: Record<string, { transientErrors: number; throttles: number; lostReplies: number }>;
  /** AWS API faults, one entry per service and fault, in a fixed order. */
  api: ApiFaultCount[];
}

export interface SeededFaultPlan extends FaultPlan {
  /** Whether this completed invocation's reply is lost (see `replyLossRate`). */
  replyLost(functionName: string): boolean;
  stats(): FaultStats;
  /** Stops (or resumes) injecting: a run quiesces before its invariants are read. */
  setEnabled(enabled: boolean): void;
}

/**
 * One seeded stream of floats in [0, 1) per (seed, stream) pair: plenty for fault draws.
 *
 * @example
 * ```ts
 * const random = seededRandom(42, 'order-mix');
 * const scenario = random() < 0.1 ? 'declined' : 'success';
 * ```
 */
export const seededRandom = (seed: number | string, stream = ''): (() => number) => mulberry32(hashString(`${String(seed)}|${stream}`));

const rate = (name: string, value: number | undefined): number => {
  const resolved = value ?? 0;
  if (!(resolved >= 0 && resolved <= 1)) throw new RangeError(`${name} must be between 0 and 1, got ${String(value)}`);
  return resolved;
};

/** DynamoDB operations that write: a lost reply matters only where the operation changed something. */
const DYNAMODB_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const SFN_FAULTED = new Set(['StartExecution', 'SendTaskSuccess', 'SendTaskFailure', 'SendTaskHeartbeat']);
const SQS_FAULTED = new Set(['SendMessage', 'SendMessageBatch', 'DeleteMessage', 'DeleteMessageBatch']);

/** A request-level API fault: the operations it may hit, its rate, and what the call gets. */
interface RequestFault {
  count: ApiFaultCount;
  hits: (operation: string) => boolean;
  rate: number;
  outcome: ApiFault;
}

/** The resource a call is about, so that each (operation, resource) draws from its own stream. */
const resourceOf = ({ input }: ApiCall): string => {
  const named = input.TableName ?? input.QueueUrl ?? input.stateMachineArn;
  if (typeof named === 'string') return named;
  const entries = Array.isArray(input.Entries) ? (input.Entries as unknown[]) : [];
  const first = entries[0] as { EventBusName?: unknown } | undefined;
  if (typeof first?.EventBusName === 'string') return first.EventBusName;
  if (typeof input.RequestItems === 'object' && input.RequestItems !== null) return Object.keys(input.RequestItems).sort().join(',');
  return '';
};

/**
 * Builds a {@link FaultPlan} for the local cloud from rates and a seed.
 *
 * @example
 * ```ts
 * const faults = createSeededFaultPlan({ seed: 7, duplicateRate: 0.3, reorderRate: 0.3, transientErrorRate: 0.05,
 *   retriedSafely: (name) => safelyRetried.has(name), dynamodbThrottleRate: 0.02, putEventsEntryFailureRate: 0.02,
 *   apiFaultsOn: (call) => call.accessKeyId !== 'test-runner' });
 * const cloud = await startLocalCloud({ ...options, faults });
 * // …
 * console.table(faults.stats());
 * ```
 */
export const createSeededFaultPlan = (options: SeededFaultOptions): SeededFaultPlan => {
  const duplicateRate = rate('duplicateRate', options.duplicateRate);
  const reorderRate = rate('reorderRate', options.reorderRate);
  const transientErrorRate = rate('transientErrorRate', options.transientErrorRate);
  const throttleRate = rate('throttleRate', options.throttleRate);
  const visibilityExpiryRate = rate('visibilityExpiryRate', options.visibilityExpiryRate);
  const replyLossRate = rate('replyLossRate', options.replyLossRate);
  const replyLossOn = options.replyLossOn ?? (() => false);
  if (transientErrorRate + throttleRate > 1) throw new RangeError('transientErrorRate + throttleRate must not exceed 1');
  const maxCopies = Math.max(2, Math.floor(options.maxCopies ?? 3));
  const maxDelayMs = Math.max(1, Math.floor(options.maxDelayMs ?? 2_000));
  const visibilityExpirySeconds = Math.max(0, options.visibilityExpirySeconds ?? 0);
  const retriedSafely = options.retriedSafely ?? (() => false);
  const expireVisibilityOn = options.expireVisibilityOn ?? (() => true);
  const apiFaultsOn = options.apiFaultsOn ?? (() => true);
  const putEventsEntryFailureRate = rate('putEventsEntryFailureRate', options.putEventsEntryFailureRate);

  const streams = new Map<string, () => number>();
  const draw = (hook: string, subject: string): number => {
    const key = `${hook}|${subject}`;
    let stream = streams.get(key);
    if (!stream) {
      stream = seededRandom(options.seed, key);
      streams.set(key, stream);
    }
    return stream();
  };
  const deliverySubject = ({ ruleArn, targetArn, detailType }: DeliveryContext) => `${ruleArn}|${targetArn}|${detailType}`;

  let enabled = true;
  const stats: FaultStats = {
    deliveries: 0,
    faultableInvocations: 0,
    duplicatedDeliveries: 0,
    extraCopies: 0,
    delayedDeliveries: 0,
    transientErrors: 0,
    throttles: 0,
    visibilityExpiries: 0,
    lostReplies: 0,
    sparedInvocations: 0,
    byFunction: {},
    api: [],
  };
  const apiCount = (service: ApiService, fault: string, of: string): ApiFaultCount => {
    const count: ApiFaultCount = { service, fault, injected: 0, base: 0, of, byOperation: {} };
    stats.api.push(count);
    return count;
  };
  type ApiRate = 'dynamodbThrottleRate' | 'dynamodbThroughputExceededRate' | 'dynamodbInternalErrorRate' | 'dynamodbReplyLossRate' | 'putEventsThrottleRate' | 'sfnThrottleRate' | 'sqsThrottleRate' | 'sqsInternalErrorRate';
  const requestFault = (service: ApiService, fault: string, of: string, option: ApiRate, hits: (operation: string) => boolean, outcome: ApiFault): RequestFault => ({
    count: apiCount(service, fault, of),
    hits,
    rate: rate(option, options[option]),
    outcome,
  });
  const any = () => true;
  const dynamodbWrite = (operation: string) => DYNAMODB_WRITES.has(operation);
  const putEvents = (operation: string) => operation === 'PutEvents';
  const sfnFaulted = (operation: string) => SFN_FAULTED.has(operation);
  const sqsFaulted = (operation: string) => SQS_FAULTED.has(operation);
  const requestFaults: Record<ApiService, RequestFault[]> = {
    dynamodb: [
      requestFault('dynamodb', 'ThrottlingException', 'DynamoDB requests', 'dynamodbThrottleRate', any, { kind: 'error', error: 'ThrottlingException' }),
      requestFault('dynamodb', 'ProvisionedThroughputExceededException', 'DynamoDB requests', 'dynamodbThroughputExceededRate', any, { kind: 'error', error: 'ProvisionedThroughputExceededException' }),
      requestFault('dynamodb', 'InternalServerError', 'DynamoDB requests', 'dynamodbInternalErrorRate', any, { kind: 'error', error: 'InternalServerError' }),
      requestFault('dynamodb', 'reply lost after the write landed', 'DynamoDB writes', 'dynamodbReplyLossRate', dynamodbWrite, { kind: 'reply-lost' }),
    ],
    events: [requestFault('events', 'ThrottlingException', 'PutEvents requests', 'putEventsThrottleRate', putEvents, { kind: 'error', error: 'ThrottlingException' })],
    states: [requestFault('states', 'ThrottlingException', 'StartExecution/SendTask* requests', 'sfnThrottleRate', sfnFaulted, { kind: 'error', error: 'ThrottlingException' })],
    sqs: [
      requestFault('sqs', 'RequestThrottled', 'SendMessage/DeleteMessage requests', 'sqsThrottleRate', sqsFaulted, { kind: 'error', error: 'RequestThrottled' }),
      requestFault('sqs', 'InternalFailure', 'SendMessage/DeleteMessage requests', 'sqsInternalErrorRate', sqsFaulted, { kind: 'error', error: 'InternalFailure' }),
    ],
    // Faultable by a test's own plan; chaos runs fault it once someone gives it a rate.
    secretsmanager: [],
  };
  const entryFailures = apiCount('events', 'entries InternalFailure', 'PutEvents entries');
  for (const [service, faults] of Object.entries(requestFaults)) {
    if (faults.reduce((sum, fault) => sum + fault.rate, 0) > 1) throw new RangeError(`the ${service} API fault rates must not add up to more than 1`);
  }
  const injectApiFault = (count: ApiFaultCount, operation: string, times = 1) => {
    count.injected += times;
    count.byOperation[operation] = (count.byOperation[operation] ?? 0) + times;
  };
  const countFor = (functionName: string) => (stats.byFunction[functionName] ??= { transientErrors: 0, throttles: 0, lostReplies: 0 });

  return {
    deliveryCopies(context) {
      if (!enabled) return 1;
      stats.deliveries++;
      if (duplicateRate === 0) return 1;
      const subject = deliverySubject(context);
      // Two draws per decision, always: whether, then how many, so the stream stays aligned across runs.
      const duplicated = draw('copies', subject) < duplicateRate;
      const copies = 2 + Math.floor(draw('copies', subject) * (maxCopies - 1));
      if (!duplicated) return 1;
      stats.duplicatedDeliveries++;
      stats.extraCopies += copies - 1;
      return copies;
    },

    deliveryDelayMs(context) {
      if (!enabled || reorderRate === 0) return 0;
      const subject = deliverySubject(context);
      const delayed = draw('delay', subject) < reorderRate;
      const delayMs = 1 + Math.floor(draw('delay', subject) * maxDelayMs);
      if (!delayed) return 0;
      stats.delayedDeliveries++;
      return delayMs;
    },

    invocationFault(functionName) {
      if (!enabled) return 'none';
      if (retriedSafely(functionName)) stats.faultableInvocations++;
      if (transientErrorRate + throttleRate === 0) return 'none';
      const roll = draw('invoke', functionName);
      if (roll >= transientErrorRate + throttleRate) return 'none';
      if (!retriedSafely(functionName)) {
        stats.sparedInvocations++;
        return 'none';
      }
      if (roll < transientErrorRate) {
        stats.transientErrors++;
        countFor(functionName).transientErrors++;
        return 'transient-error';
      }
      stats.throttles++;
      countFor(functionName).throttles++;
      return 'throttle';
    },

    visibilityTimeoutOverride(queueArn) {
      if (!enabled || visibilityExpiryRate === 0 || !expireVisibilityOn(queueArn)) return undefined;
      if (draw('visibility', queueArn) >= visibilityExpiryRate) return undefined;
      stats.visibilityExpiries++;
      return visibilityExpirySeconds;
    },

    apiFault(call) {
      if (!enabled || !apiFaultsOn(call)) return NO_API_FAULT;
      const faults = requestFaults[call.service].filter((fault) => fault.hits(call.operation));
      const entries = call.service === 'events' && call.operation === 'PutEvents' && Array.isArray(call.input.Entries) ? call.input.Entries.length : 0;
      if (faults.length === 0 && entries === 0) return NO_API_FAULT;
      const subject = `${call.service}|${call.operation}|${resourceOf(call)}|${call.caller ?? ''}`;
      const operation = call.caller ? `${call.caller.replaceAll('-', ' ')} ${call.operation}` : call.operation;
      // One roll per request, against the bands of the faults this operation may get, in a fixed order.
      const roll = draw('api', subject);
      let band = 0;
      let hit: RequestFault | undefined;
      for (const fault of faults) {
        fault.count.base++;
        if (!hit && roll >= band && roll < band + fault.rate) hit = fault;
        band += fault.rate;
      }
      if (hit) {
        injectApiFault(hit.count, operation);
        return hit.outcome;
      }
      if (entries === 0) return NO_API_FAULT;
      entryFailures.base += entries;
      const failed: FailedEntry[] = [];
      for (let index = 0; index < entries; index++) {
        if (draw('api-entry', subject) < putEventsEntryFailureRate) failed.push({ index, errorCode: 'InternalFailure' });
      }
      if (failed.length === 0) return NO_API_FAULT;
      injectApiFault(entryFailures, operation, failed.length);
      return { kind: 'failed-entries', entries: failed };
    },

    replyLost(functionName) {
      if (!enabled || replyLossRate === 0 || !replyLossOn(functionName)) return false;
      if (draw('reply', functionName) >= replyLossRate) return false;
      stats.lostReplies++;
      countFor(functionName).lostReplies++;
      return true;
    },

    stats: () => structuredClone(stats),

    setEnabled(value) {
      enabled = value;
    },
  };
};
