import { hashString, mulberry32 } from '#shared/random';
import type { DeliveryContext, FaultPlan } from './faults';

/**
 * A seeded fault plan for chaos runs: at-least-once and unordered EventBridge delivery, Lambda service errors
 * and throttles, SQS visibility timeouts that expire while a message is still being processed — each at a
 * configured rate, each decision drawn from a seeded PRNG, each one counted.
 *
 * Determinism: every hook subject (a rule target, a function, a queue) draws from its own stream, seeded by
 * the run's seed and the subject. The same seed therefore gives the same sequence of faults to every subject
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

/**
 * Builds a {@link FaultPlan} for the local cloud from rates and a seed.
 *
 * @example
 * ```ts
 * const faults = createSeededFaultPlan({ seed: 7, duplicateRate: 0.3, reorderRate: 0.3, transientErrorRate: 0.05,
 *   retriedSafely: (name) => safelyRetried.has(name) });
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
