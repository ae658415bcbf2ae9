import { z } from 'zod';
import { cancellationReasons, moneySchema, orderIdSchema, shippingAddressSchema, skuSchema } from '#shared/contracts';
import { ORDER_STATUSES, type Order } from './order';
import { summarizeOutcomes } from './outcomes';

/**
 * What `GET /orders/{orderId}` shows the customer who placed the order: what they ordered and where it goes,
 * what it cost, where payment, stock and shipment stand, when each step happened, and the facts of its
 * history by name and time. Nothing internal: not the Idempotency-Key or the request fingerprint (a client's
 * own bookkeeping), not task tokens (a token resumes a workflow), not the deduplication record or the events'
 * idempotency and causation keys, not the saga's deadline or which wait the workflow is in (operations'
 * concerns, in the incomplete-orders report), not the sources of the facts (the services behind the API), and
 * not the customer id, which is the caller's own identity-provider id: echoing it would invite clients to send
 * it back, which POST /orders refuses.
 */
export const orderViewSchema = z
  .object({
    orderId: orderIdSchema,
    status: z.enum(ORDER_STATUSES),
    cancellationReason: z.enum(cancellationReasons).optional(),
    lines: z.array(z.object({ sku: skuSchema, quantity: z.number().int().min(1), unitPrice: moneySchema }).strict()),
    total: moneySchema,
    shippingAddress: shippingAddressSchema,
    outcomes: z
      .object({
        payment: z.enum(['PENDING', 'SUCCEEDED', 'DECLINED', 'FAILED', 'REFUNDED']),
        stock: z.enum(['PENDING', 'RESERVED', 'FAILED', 'RELEASED']),
        shipment: z.enum(['PENDING', 'CREATED', 'DISPATCHED', 'DELIVERED', 'FAILED', 'CANCELLED']),
      })
      .strict(),
    /** The carrier's id for the parcel, once it is booked: what the customer quotes to the carrier. */
    shipmentId: z.string().optional(),
    timestamps: z
      .object({
        placedAt: z.iso.datetime({ offset: true }),
        confirmedAt: z.iso.datetime({ offset: true }).optional(),
        completedAt: z.iso.datetime({ offset: true }).optional(),
        cancelledAt: z.iso.datetime({ offset: true }).optional(),
        updatedAt: z.iso.datetime({ offset: true }),
      })
      .strict(),
    /** Every fact about the order, in the order it was recorded: `OrderPlaced`, `PaymentSucceeded`, … */
    history: z.array(z.object({ detailType: z.string(), time: z.iso.datetime({ offset: true }) }).strict()),
  })
  .strict()
  .meta({ description: 'An order, as the customer who placed it sees it.' });

export type OrderView = z.infer<typeof orderViewSchema>;

/**
 * The order as its customer sees it, or undefined when the caller is not that customer: to anyone else an
 * order that exists is indistinguishable from one that does not (the same 404), so ids cannot be probed.
 *
 * @example
 * ```ts
 * const view = orderViewFor(await orders.get(orderId), caller.subject);
 * return view ? json(200, view) : notFound;
 * ```
 */
export const orderViewFor = (order: Order | undefined, customerId: string): OrderView | undefined =>
  order?.customerId === customerId ? orderView(order) : undefined;

/** The view of an order, whoever asks: callers decide who may see it ({@link orderViewFor}). @internal */
export const orderView = (order: Order): OrderView => ({
  orderId: order.orderId,
  status: order.status,
  ...(order.cancellationReason && { cancellationReason: order.cancellationReason }),
  lines: order.lines.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
  total: order.total,
  shippingAddress: order.shippingAddress,
  outcomes: summarizeOutcomes(order.outcomes),
  ...(order.shipmentId && { shipmentId: order.shipmentId }),
  timestamps: {
    placedAt: order.placedAt,
    ...(order.confirmedAt && { confirmedAt: order.confirmedAt }),
    ...(order.completedAt && { completedAt: order.completedAt }),
    ...(order.cancelledAt && { cancelledAt: order.cancelledAt }),
    updatedAt: order.updatedAt,
  },
  history: order.history.map(({ detailType, occurredAt }) => ({ detailType, time: occurredAt })),
});
