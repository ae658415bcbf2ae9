import {
  buildEvent,
  orderCancelled,
  orderCompleted,
  orderConfirmed,
  orderPlaced,
  SOURCES,
  type EventCause,
  type OutgoingEvent,
} from '#shared/contracts';
import { IllegalTransitionError } from './errors';
import { requireOrder, statusesBefore, type CancellationReason, type HistoryEntry, type Order, type OrderStatus } from './order';

/** A step of the order workflow: each records one fact of the order's own and publishes it. */
export type StepRequest =
  | { orderId: string; action: 'PLACE'; causationId: string }
  | { orderId: string; action: 'CONFIRM'; causationId: string }
  | { orderId: string; action: 'CANCEL'; reason: CancellationReason; causationId: string }
  | { orderId: string; action: 'COMPLETE'; shipmentId: string; causationId: string };

export type StepAction = StepRequest['action'];

const STEPS = {
  // Placing moves nothing (the order was stored PLACED); the step exists to record and publish the fact once.
  PLACE: { to: 'PLACED', from: ['PLACED'], fact: 'placed', detailType: orderPlaced.detailType },
  CONFIRM: { to: 'CONFIRMED', from: statusesBefore('CONFIRMED'), fact: 'confirmed', detailType: orderConfirmed.detailType },
  CANCEL: { to: 'CANCELLED', from: statusesBefore('CANCELLED'), fact: 'cancelled', detailType: orderCancelled.detailType },
  COMPLETE: { to: 'COMPLETED', from: statusesBefore('COMPLETED'), fact: 'completed', detailType: orderCompleted.detailType },
} as const satisfies Record<StepAction, { to: OrderStatus; from: readonly OrderStatus[]; fact: string; detailType: string }>;

/** The attributes a step sets besides `status`. */
export type StepAttributes = Partial<Pick<Order, 'confirmedAt' | 'cancelledAt' | 'completedAt' | 'cancellationReason' | 'shipmentId'>>;

export interface Step {
  request: StepRequest;
  orderId: string;
  /** The move happens only from one of these statuses, and only once (the idempotency key is not yet processed). */
  from: readonly OrderStatus[];
  to: OrderStatus;
  /** `<orderId>:<fact>`: deduplicates the step in the order and is the published event's idempotency key. */
  idempotencyKey: string;
  at: string;
  set: StepAttributes;
  history: HistoryEntry;
}

/**
 * @example
 * ```ts
 * const step = planStep({ orderId, action: 'CANCEL', reason: 'PAYMENT_DECLINED', causationId }, now);
 * const order = settleStep(step, await orders.advance(step));
 * await publisher.publish([eventForStep(order, step)]);
 * ```
 */
export const planStep = (request: StepRequest, now: Date): Step => {
  const { to, from, fact, detailType } = STEPS[request.action];
  const at = now.toISOString();
  const idempotencyKey = `${request.orderId}:${fact}`;
  return {
    request,
    orderId: request.orderId,
    from,
    to,
    idempotencyKey,
    at,
    set: attributesOf(request, at),
    history: {
      detailType,
      source: SOURCES.order,
      idempotencyKey,
      causationId: request.causationId,
      occurredAt: at,
      recordedAt: at,
    },
  };
};

const attributesOf = (request: StepRequest, at: string): StepAttributes => {
  switch (request.action) {
    case 'PLACE':
      return {};
    case 'CONFIRM':
      return { confirmedAt: at };
    case 'CANCEL':
      return { cancelledAt: at, cancellationReason: request.reason };
    case 'COMPLETE':
      return { completedAt: at, shipmentId: request.shipmentId };
  }
};

/**
 * The order after the step. A step refused because it already happened (its key is processed: the task is
 * re-run after the move but before the publish succeeded) counts as done, so the event is published again
 * with the same idempotency key; a step refused because the status forbids it is a bug, never retried.
 */
export const settleStep = (step: Step, result: { applied: boolean; order: Order | undefined }): Order => {
  const order = requireOrder(step.orderId, result.order);
  if (result.applied || order.processed[step.idempotencyKey] !== undefined) return order;
  throw new IllegalTransitionError(
    `order ${step.orderId} is ${order.status}; ${step.request.action} needs ${step.from.join(' or ')}`,
  );
};

/**
 * The event a step publishes. Its time is when the step was first recorded, so a re-run publishes the very
 * same event and consumers' deduplication sees one fact.
 */
export const eventForStep = (order: Order, step: Step): OutgoingEvent => {
  const { request } = step;
  const cause: EventCause = {
    idempotencyKey: step.idempotencyKey,
    correlationId: order.orderId,
    causationId: request.causationId,
    occurredAt: new Date(order.processed[step.idempotencyKey] ?? step.at),
  };
  switch (request.action) {
    case 'PLACE':
      return buildEvent(
        orderPlaced,
        {
          orderId: order.orderId,
          customerId: order.customerId,
          lines: order.lines,
          total: order.total,
          shippingAddress: order.shippingAddress,
          placedAt: order.placedAt,
        },
        cause,
      );
    case 'CONFIRM':
      return buildEvent(
        orderConfirmed,
        {
          orderId: order.orderId,
          lines: order.lines.map(({ sku, quantity }) => ({ sku, quantity })),
          shippingAddress: order.shippingAddress,
        },
        cause,
      );
    case 'CANCEL':
      return buildEvent(orderCancelled, { orderId: order.orderId, reason: request.reason }, cause);
    case 'COMPLETE':
      return buildEvent(orderCompleted, { orderId: order.orderId, shipmentId: request.shipmentId }, cause);
  }
};
