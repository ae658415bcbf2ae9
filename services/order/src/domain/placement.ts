import { customerIdSchema } from '#shared/contracts';
import { executionName, type WorkflowStart } from '#shared/workflows';
import { deadlineOf, type Order, type WorkflowTimeouts } from './order';
import { requestFingerprint } from './orderId';
import { checkIdempotencyKey, checkOrderRequest, priceOrder, type Checked } from './orderRequest';

/**
 * A customer's Idempotency-Key and the order it names: the first request that claims the key decides the
 * order id, and every later request under the same key (a retry, or a client bug) finds that order. Keys are
 * the customer's own: two customers who happen to send the same key place two orders.
 */
export interface KeyClaim {
  customerId: string;
  idempotencyKey: string;
  orderId: string;
  /** What the first request asked for, to tell a retry from a different request under a reused key. */
  requestFingerprint: string;
  claimedAt: string;
}

export type Placement =
  /** The request is malformed: 400, naming every field to fix. */
  | { kind: 'invalid'; issues: string[] }
  /** The request is well formed but cannot be fulfilled as asked (an unknown sku): 422. */
  | { kind: 'unfulfillable'; issues: string[] }
  /** The signed-in user cannot be a customer (an id the OrderPlaced contract would refuse): 403. */
  | { kind: 'forbidden'; issues: string[] }
  /** The key to claim and, once claimed, the order to store under the id the claim names. */
  | { kind: 'order'; claim: KeyClaim; order: Order };

/**
 * Turns `POST /orders` from a signed-in customer into the key claim and the order to store. `orderId` is a
 * fresh random id drawn for this attempt; it becomes the order's only if this attempt is the first to claim the
 * key (see {@link orderClaimedBy}).
 *
 * @example
 * ```ts
 * const placement = placementOf({ customerId: caller.subject, idempotencyKey, body, timeouts, now, orderId: newOrderId() });
 * if (placement.kind === 'order') await keys.claim(placement.claim);
 * ```
 */
export const placementOf = ({
  customerId,
  idempotencyKey,
  body,
  timeouts,
  now,
  orderId,
}: {
  /** The signed-in user (`callerOf(event).subject`), never anything the request body says. */
  customerId: string;
  idempotencyKey: string | undefined;
  /** The body as JSON, or why it is not JSON. */
  body: Checked<unknown>;
  timeouts: WorkflowTimeouts;
  now: Date;
  orderId: string;
}): Placement => {
  if (!customerIdSchema.safeParse(customerId).success) {
    return { kind: 'forbidden', issues: ['the signed-in user cannot place orders: their id (sub) must be 1 to 64 characters'] };
  }
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
    claim: { customerId, idempotencyKey: key.value, orderId, requestFingerprint: requestFingerprint(request.value), claimedAt: placedAt },
    order: {
      orderId,
      customerId,
      status: 'PLACED',
      lines: priced.value.lines,
      total: priced.value.total,
      shippingAddress: request.value.shippingAddress,
      requestKey: key.value,
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
 * The Idempotency-Key was claimed before: for this very request (a retry, answered like the first time) or for
 * another one (a client bug, refused rather than silently answered with a different order).
 */
export const isSameRequest = (stored: KeyClaim, attempted: KeyClaim): boolean => stored.requestFingerprint === attempted.requestFingerprint;

/**
 * The order to store once the key is claimed: under the id the claim names, which is this attempt's own id
 * when it claimed the key first, and the first attempt's when it is a retry. Storing it then either creates
 * the order or finds it, so a crash between claiming the key and storing the order heals on the retry.
 */
export const orderClaimedBy = (order: Order, claim: KeyClaim): Order => ({ ...order, orderId: claim.orderId });

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
