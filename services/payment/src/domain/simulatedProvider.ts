import type { Money } from '#shared/contracts';
import { PermanentError } from '#shared/errors';
import { hashString } from '#shared/random';
import type { DeclineReason, ProviderChargeRequest } from './paymentProvider';

/**
 * Rules of the simulated payment provider. They are deterministic, so a test (or a chaos run) that names a
 * customer, an amount or a failure rate knows exactly what the provider will answer, attempt by attempt.
 *
 * Test customers, by id prefix:
 * - `cus_declined…` → CARD_DECLINED; `cus_broke…` → INSUFFICIENT_FUNDS;
 * - `cus_flaky<N>…` → the first N attempts of every idempotency key fail before the provider acts (N defaults to 2);
 * - `cus_timeout<N>…` → the first N attempts of every key are processed, but their reply is lost (N defaults to 2).
 * Any amount above `amountLimit` is declined with AMOUNT_LIMIT_EXCEEDED.
 */
export interface ProviderRules {
  /** Largest chargeable amount, in minor units, whatever the currency. */
  amountLimit: number;
  /** Share of attempts, in [0, 1], that fail transiently (chaos runs); half of them after the provider acted. */
  transientFailureRate: number;
}

export const DEFAULT_AMOUNT_LIMIT = 1_000_000;
const DEFAULT_FLAKY_ATTEMPTS = 2;

export const defaultProviderRules: ProviderRules = { amountLimit: DEFAULT_AMOUNT_LIMIT, transientFailureRate: 0 };

/** `unavailable`: refused before anything happened. `reply-lost`: the provider acted, the caller never heard. */
export type InjectedFailure = 'unavailable' | 'reply-lost';

/** The provider's verdict on a new charge: undefined means it goes through. */
export const declineReasonFor = (
  { customerId, amount }: { customerId: string; amount: Money },
  rules: ProviderRules,
): DeclineReason | undefined => {
  if (customerId.startsWith('cus_declined')) return 'CARD_DECLINED';
  if (customerId.startsWith('cus_broke')) return 'INSUFFICIENT_FUNDS';
  if (amount.amount > rules.amountLimit) return 'AMOUNT_LIMIT_EXCEEDED';
  return undefined;
};

/**
 * Whether attempt `attempt` (1-based, counted per idempotency key by the provider) of a request fails.
 * Test customers fail their first N attempts; otherwise a draw seeded by key and attempt is compared with
 * the configured rate, so a chaos run replays identically and every retry gets a fresh, independent draw.
 */
export const injectedFailure = (
  { idempotencyKey, customerId, attempt }: { idempotencyKey: string; customerId: string; attempt: number },
  rules: ProviderRules,
): InjectedFailure | undefined => {
  const scripted = /^cus_(flaky|timeout)(\d*)/.exec(customerId);
  if (scripted) {
    const failures = scripted[2] ? Number(scripted[2]) : DEFAULT_FLAKY_ATTEMPTS;
    if (attempt > failures) return undefined;
    return scripted[1] === 'flaky' ? 'unavailable' : 'reply-lost';
  }
  const draw = seededUnit(`${idempotencyKey}#${attempt}`);
  if (draw >= rules.transientFailureRate) return undefined;
  return draw < rules.transientFailureRate / 2 ? 'reply-lost' : 'unavailable';
};

/** A number in [0, 1) that depends only on `seed`. */
export const seededUnit = (seed: string): number => hashString(seed) / 2 ** 32;

/** A key reused with other parameters: the provider refuses it, as real payment APIs do. */
export class IdempotencyKeyReusedError extends PermanentError {}

/**
 * A replayed key must carry the request it was first used with; answering a different request with the
 * stored result would silently charge the wrong amount or customer.
 */
export const assertSameCharge = (
  stored: Pick<ProviderChargeRequest, 'customerId' | 'amount'>,
  request: ProviderChargeRequest,
): void => {
  if (
    stored.customerId !== request.customerId ||
    stored.amount.amount !== request.amount.amount ||
    stored.amount.currency !== request.amount.currency
  ) {
    throw new IdempotencyKeyReusedError(
      `idempotency key ${request.idempotencyKey} was first used for ${describe(stored)}, not ${describe(request)}`,
    );
  }
};

const describe = ({ customerId, amount }: { customerId: string; amount: Money }) =>
  `${amount.amount} ${amount.currency} from ${customerId}`;

/**
 * Reads the provider settings from configuration text (the adapter passes environment values in).
 * A malformed value fails loudly at cold start rather than silently disabling the chaos it was meant to inject.
 */
export const providerRulesFrom = ({
  transientFailureRate,
  amountLimit,
}: {
  transientFailureRate?: string;
  amountLimit?: string;
}): ProviderRules => {
  const rate = transientFailureRate === undefined || transientFailureRate === '' ? 0 : Number(transientFailureRate);
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new PermanentError(`transient failure rate must be a number in [0, 1], got ${String(transientFailureRate)}`);
  }
  const limit = amountLimit === undefined || amountLimit === '' ? DEFAULT_AMOUNT_LIMIT : Number(amountLimit);
  if (!Number.isInteger(limit) || limit < 0) {
    throw new PermanentError(`amount limit must be a non-negative integer of minor units, got ${String(amountLimit)}`);
  }
  return { transientFailureRate: rate, amountLimit: limit };
};

/**
 * A charge attempt that reached the provider after a refund had voided its key (an attempt still in flight when
 * the workflow gave up): the provider refunded it at once, so nothing is owed, and the attempt learns it.
 */
export class ChargeReversedError extends PermanentError {}

/** A charge refunded under another idempotency key: a second, different refund is refused, never paid twice. */
export class ChargeAlreadyRefundedError extends PermanentError {}

/**
 * What a refund request gets. `nothing-charged` when no successful charge exists under the key (a decline, or
 * retries that never reached the provider); `replay` when this refund key already refunded the charge.
 */
export const refundVerdict = (
  { charge, refund }: { charge?: { outcome: 'succeeded' | 'declined' } | undefined; refund?: { idempotencyKey: string } | undefined },
  request: { idempotencyKey: string; chargeIdempotencyKey: string },
): 'nothing-charged' | 'refund' | 'replay' => {
  if (charge?.outcome !== 'succeeded') return 'nothing-charged';
  if (!refund) return 'refund';
  if (refund.idempotencyKey === request.idempotencyKey) return 'replay';
  throw new ChargeAlreadyRefundedError(
    `charge ${request.chargeIdempotencyKey} was already refunded under ${refund.idempotencyKey}`,
  );
};
