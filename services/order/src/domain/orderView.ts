import type { Order } from './order';
import { summarizeOutcomes } from './outcomes';

/**
 * What `GET /orders/{orderId}` shows: the order, where payment, stock and shipment stand, and its history.
 * Task tokens, the request fingerprint and the deduplication record are internal and stay out.
 */
export const orderView = (order: Order) => ({
  orderId: order.orderId,
  customerId: order.customerId,
  status: order.status,
  ...(order.cancellationReason && { cancellationReason: order.cancellationReason }),
  lines: order.lines,
  total: order.total,
  shippingAddress: order.shippingAddress,
  outcomes: summarizeOutcomes(order.outcomes),
  ...(order.shipmentId && { shipmentId: order.shipmentId }),
  ...(order.waiting && { awaiting: order.waiting.phase }),
  timestamps: {
    placedAt: order.placedAt,
    ...(order.confirmedAt && { confirmedAt: order.confirmedAt }),
    ...(order.completedAt && { completedAt: order.completedAt }),
    ...(order.cancelledAt && { cancelledAt: order.cancelledAt }),
    updatedAt: order.updatedAt,
  },
  deadline: order.deadline,
  history: order.history.map(({ detailType, source, occurredAt, recordedAt, idempotencyKey, causationId }) => ({
    detailType,
    source,
    time: occurredAt,
    recordedAt,
    idempotencyKey,
    causationId,
  })),
});

export type OrderView = ReturnType<typeof orderView>;
