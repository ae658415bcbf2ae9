import { UnexpectedStatusError } from './errors';
import { requireOrder, WAITING_STATUS, type CancellationReason, type Order, type WaitPhase, type Waiting } from './order';
import type { Outcomes } from './outcomes';

/** What the workflow does next; the resumed wait returns it and the workflow's Choice routes on `action`. */
export type Decision =
  | { action: 'CONFIRM'; causationId: string }
  | { action: 'CANCEL'; reason: CancellationReason; causationId: string }
  | { action: 'COMPLETE'; shipmentId: string; causationId: string };

export type Verdict = Decision | { action: 'WAIT' };

const WAIT: Verdict = { action: 'WAIT' };

/**
 * The payment and stock phase. Any failure decides at once (cancel, without waiting for the other side, which
 * compensates when it learns of the cancellation); confirming needs both successes. When several failures are
 * known, payment's is reported first, so the reason does not depend on arrival order.
 *
 * @example
 * ```ts
 * decidePaymentAndStock({ PaymentDeclined: declined }); // { action: 'CANCEL', reason: 'PAYMENT_DECLINED', ... }
 * ```
 */
export const decidePaymentAndStock = (outcomes: Outcomes): Verdict => {
  const { PaymentDeclined, PaymentFailed, StockReservationFailed, PaymentSucceeded, StockReserved } = outcomes;
  if (PaymentDeclined) return cancel('PAYMENT_DECLINED', PaymentDeclined.idempotencyKey);
  if (PaymentFailed) return cancel('PAYMENT_FAILED', PaymentFailed.idempotencyKey);
  // Whatever inventory's reason (out of stock, unknown sku, already cancelled), the order cannot be filled.
  if (StockReservationFailed) return cancel('OUT_OF_STOCK', StockReservationFailed.idempotencyKey);
  if (PaymentSucceeded && StockReserved) {
    const last = Date.parse(PaymentSucceeded.occurredAt) >= Date.parse(StockReserved.occurredAt) ? PaymentSucceeded : StockReserved;
    return { action: 'CONFIRM', causationId: last.idempotencyKey };
  }
  return WAIT;
};

/**
 * The shipping phase: the shipment's end decides. Should both ends be known by the time the wait looks, the
 * delivery wins: the customer has the goods, and cancelling would refund an order that was fulfilled.
 */
export const decideShipment = (outcomes: Outcomes): Verdict => {
  const { ShipmentDelivered, ShipmentFailed } = outcomes;
  if (ShipmentDelivered) {
    return { action: 'COMPLETE', shipmentId: ShipmentDelivered.data.shipmentId, causationId: ShipmentDelivered.idempotencyKey };
  }
  if (ShipmentFailed) return cancel('SHIPMENT_FAILED', ShipmentFailed.idempotencyKey);
  return WAIT;
};

export const decide = (phase: WaitPhase, outcomes: Outcomes): Verdict =>
  phase === 'OUTCOMES' ? decidePaymentAndStock(outcomes) : decideShipment(outcomes);

/**
 * The wait to resume, if any: the order is waiting (a token is stored) in the phase its status says, and what
 * is recorded now decides that phase. Both the consumer that records an outcome and the task that stores the
 * token ask this of the item their write returned; whichever writes second sees both, so no wake-up is lost.
 */
export const wakeUp = (order: Order): { token: string; decision: Decision } | undefined => {
  const { waiting } = order;
  if (!waiting || WAITING_STATUS[waiting.phase] !== order.status) return undefined;
  const verdict = decide(waiting.phase, order.outcomes);
  return verdict.action === 'WAIT' ? undefined : { token: waiting.token, decision: verdict };
};

export interface WaitRequest {
  orderId: string;
  phase: WaitPhase;
  token: string;
}

/** The token to store, and the status the order must have for the wait to make sense. */
export const planWait = ({ orderId, phase, token }: WaitRequest, now: Date) => ({
  orderId,
  expectedStatus: WAITING_STATUS[phase],
  waiting: { phase, token, since: now.toISOString() } satisfies Waiting,
});

/** Only the workflow moves an order, one step at a time: a wait on an order in another status is a bug. */
export const settleWait = (
  plan: ReturnType<typeof planWait>,
  result: { stored: boolean; order: Order | undefined },
): Order => {
  const order = requireOrder(plan.orderId, result.order);
  if (!result.stored) {
    throw new UnexpectedStatusError(
      `order ${plan.orderId} is ${order.status}; waiting for ${plan.waiting.phase} needs ${plan.expectedStatus}`,
    );
  }
  return order;
};

const cancel = (reason: CancellationReason, causationId: string): Decision => ({ action: 'CANCEL', reason, causationId });
