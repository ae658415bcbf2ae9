import type { DataOf, Money, paymentDeclined } from '#shared/contracts';

/** Why a provider refused a charge: the reasons `PaymentDeclined` carries, so the two cannot drift. */
export type DeclineReason = DataOf<typeof paymentDeclined>['reason'];

// A record over the contract's union: adding a reason to the contract fails compilation here until it is listed.
const DECLINE_REASONS: Record<DeclineReason, true> = {
  CARD_DECLINED: true,
  INSUFFICIENT_FUNDS: true,
  AMOUNT_LIMIT_EXCEEDED: true,
};
/** Every decline reason, for schemas. */
export const declineReasons = Object.keys(DECLINE_REASONS) as [DeclineReason, ...DeclineReason[]];

export interface ProviderChargeRequest {
  /** The provider replays the original answer for a key it has seen, so a retried charge never charges twice. */
  idempotencyKey: string;
  customerId: string;
  amount: Money;
  /** Metadata the provider stores with the charge (as real providers do), so its ledger can be reconciled. */
  orderId: string;
}

export type ProviderCharge =
  | { outcome: 'succeeded'; paymentId: string; amount: Money }
  | { outcome: 'declined'; reason: DeclineReason };

export interface ProviderRefundRequest {
  idempotencyKey: string;
  /** Refunds are addressed by the charge's own idempotency key: it is known even when the charge's reply was lost. */
  chargeIdempotencyKey: string;
}

export type ProviderRefund =
  | { outcome: 'refunded'; refundId: string; paymentId: string; amount: Money }
  /** No successful charge exists under that key: nothing was taken, so nothing is owed back. */
  | { outcome: 'nothing-charged' };

/**
 * The payment provider, as payment sees it: a remote API that honours idempotency keys. Transient failures
 * (the provider unavailable, or its reply lost after it acted) throw `TransientError`; business outcomes
 * (a decline) are values.
 */
export interface PaymentProvider {
  charge(request: ProviderChargeRequest): Promise<ProviderCharge>;
  refund(request: ProviderRefundRequest): Promise<ProviderRefund>;
}
