import { executionName, type WorkflowStart } from '#shared/workflows';
import { deadlineOf, type Order, type WorkflowTimeouts } from './order';
import { orderIdFor, requestFingerprint } from './orderId';
import { checkIdempotencyKey, checkOrderRequest, priceOrder, type Checked } from './orderRequest';

export type Placement =
  /** The request is malformed: 400, naming every field to fix. */
  | { kind: 'invalid'; issues: string[] }
  /** The request is well formed but cannot be fulfilled as asked (an unknown sku): 422. */
  | { kind: 'unfulfillable'; issues: string[] }
  | { kind: 'order'; order: Order };

/**
 * Turns `POST /orders` into the order to store: the id derives from the Idempotency-Key and the fingerprint
 * from the request, so storing it is also how a retry is recognised.
 *
 * @example
 * ```ts
 * const placement = placementOf({ idempotencyKey: headers['idempotency-key'], body: { ok: true, value }, timeouts, now });
 * if (placement.kind === 'order') await orders.create(placement.order);
 * ```
 */
export const placementOf = ({
  idempotencyKey,
  body,
  timeouts,
  now,
}: {
  idempotencyKey: string | undefined;
  /** The body as JSON, or why it is not JSON. */
  body: Checked<unknown>;
  timeouts: WorkflowTimeouts;
  now: Date;
}): Placement => {
  const key = checkIdempotencyKey(idempotencyKey);
  if (!key.ok) return { kind: 'invalid', issues: key.issues };
  if (!body.ok) return { kind: 'invalid', issues: body.issues };
  const request = checkOrderRequest(body.value);
  if (!request.ok) return { kind: 'invalid', issues: request.issues };
  const priced = priceOrder(request.value);
  if (!priced.ok) return { kind: 'unfulfillable', issues: priced.issues };

  const placedAt = now.toISOString();
  return {
    kind: 'order',
    order: {
      orderId: orderIdFor(key.value),
      customerId: request.value.customerId,
      status: 'PLACED',
      lines: priced.value.lines,
      total: priced.value.total,
      shippingAddress: request.value.shippingAddress,
      requestKey: key.value,
      requestFingerprint: requestFingerprint(request.value),
      timeouts,
      placedAt,
      updatedAt: placedAt,
      deadline: deadlineOf(now, timeouts),
      outcomes: {},
      history: [],
      processed: {},
    },
  };
};

/**
 * The Idempotency-Key was used before: for this very request (a retry, answered like the first time) or for
 * another one (a client bug, refused rather than silently answered with someone else's order).
 */
export const isSameRequest = (stored: Order, attempted: Order): boolean =>
  stored.requestFingerprint === attempted.requestFingerprint;

/** Where a client reads its order. */
export const orderLocation = (orderId: string): string => `/orders/${orderId}`;

/**
 * The order's workflow, one per order: the execution is named after the order, so starting it again on a
 * client retry is absorbed, and a crash between storing the order and starting its workflow heals on retry.
 * Built from the stored order, so every start of one order carries the same input.
 */
export const orderWorkflowStart = (order: Order): WorkflowStart => ({
  name: executionName('order', order.orderId),
  input: { orderId: order.orderId, timeouts: order.timeouts, causationId: order.requestKey },
});
