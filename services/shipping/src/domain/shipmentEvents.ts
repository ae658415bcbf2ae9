import { z } from 'zod';
import {
  buildEvent,
  orderIdSchema,
  shipmentCancelled,
  shipmentCreated,
  shipmentDelivered,
  shipmentDispatched,
  shipmentFailed,
  type EventCause,
  type OutgoingEvent,
} from '#shared/contracts';
import { FAILURE_REASONS } from './shipment';

const timestamp = z.iso.datetime({ offset: true });
const common = {
  orderId: orderIdSchema,
  shipmentId: z.string().min(1),
  /**
   * The idempotency key of the fact this one follows: OrderConfirmed, the previous shipping fact, or (for
   * ShipmentCancelled) the OrderCancelled.
   */
  causationId: z.string().min(1),
};

/**
 * The input of the publishShipmentEvent task: which fact, and the facts' own times, so a retried publish
 * builds the identical event (same idempotency key, same `occurred-at`).
 */
export const publishShipmentEventInput = z.discriminatedUnion('event', [
  z.object({ event: z.literal('ShipmentCreated'), ...common, carrier: z.string().min(1), trackingNumber: z.string().min(1), createdAt: timestamp }),
  z.object({ event: z.literal('ShipmentDispatched'), ...common, dispatchedAt: timestamp }),
  z.object({ event: z.literal('ShipmentDelivered'), ...common, deliveredAt: timestamp }),
  z.object({
    event: z.literal('ShipmentFailed'),
    ...common,
    reason: z.enum(FAILURE_REASONS),
    failedAt: timestamp,
  }),
  z.object({ event: z.literal('ShipmentCancelled'), ...common, cancelledAt: timestamp }),
]);

export type PublishShipmentEventInput = z.infer<typeof publishShipmentEventInput>;

/** `ShipmentDispatched` → `shipment-dispatched`: one fact per order, so `<orderId>:<fact>` is its idempotency key. */
const idempotencyKeyOf = (orderId: string, detailType: string): string =>
  `${orderId}:${detailType.replace(/(?<!^)([A-Z])/g, '-$1').toLowerCase()}`;

/** Builds (and validates against its contract) the event a publish task announces. */
export const shipmentEventFor = (input: PublishShipmentEventInput): OutgoingEvent => {
  const cause = (occurredAt: string): EventCause => ({
    idempotencyKey: idempotencyKeyOf(input.orderId, input.event),
    correlationId: input.orderId,
    causationId: input.causationId,
    occurredAt: new Date(occurredAt),
  });
  const { orderId, shipmentId } = input;
  switch (input.event) {
    case 'ShipmentCreated':
      return buildEvent(
        shipmentCreated,
        { orderId, shipmentId, carrier: input.carrier, trackingNumber: input.trackingNumber },
        cause(input.createdAt),
      );
    case 'ShipmentDispatched':
      return buildEvent(shipmentDispatched, { orderId, shipmentId, dispatchedAt: input.dispatchedAt }, cause(input.dispatchedAt));
    case 'ShipmentDelivered':
      return buildEvent(shipmentDelivered, { orderId, shipmentId, deliveredAt: input.deliveredAt }, cause(input.deliveredAt));
    case 'ShipmentFailed':
      return buildEvent(shipmentFailed, { orderId, shipmentId, reason: input.reason }, cause(input.failedAt));
    case 'ShipmentCancelled':
      return buildEvent(shipmentCancelled, { orderId, shipmentId }, cause(input.cancelledAt));
  }
};
