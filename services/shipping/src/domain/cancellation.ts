import type { EventOf, orderCancelled } from '#shared/contracts';
import { unbookedShipmentId, wasBooked, type Carrier, type CarrierCancellation } from './carrier';
import { wakeUp, type Shipment, type ShipmentStatus } from './shipment';
import type { CancelOutcome, ShipmentRepository } from './shipmentRepository';

/** What cancels a shipment, as stored on it: the cause and the time of ShipmentCancelled. */
export interface ShipmentCancellation {
  /** The idempotency key of the OrderCancelled. */
  causationId: string;
  cancelledAt: string;
}

/**
 * The statuses a cancellation moves to CANCELLED: a parcel the carrier still has to deliver. A DELIVERED
 * parcel is with the customer, and a FAILED shipment was already given up; neither has anything to stop.
 */
export const CANCELLABLE_STATUSES = ['CREATED', 'DISPATCHED'] as const satisfies readonly ShipmentStatus[];

export const cancellationOf = (event: EventOf<typeof orderCancelled>, now: Date): ShipmentCancellation => ({
  causationId: event.metadata['idempotency-key'],
  cancelledAt: now.toISOString(),
});

/**
 * What an order cancelled before it had a shipment keeps in its place: EventBridge and SQS do not order, so
 * OrderCancelled may overtake OrderConfirmed, and the later createShipment must find that the order is
 * cancelled instead of booking it. Shaped like any shipment (CANCELLED, never booked), so the one-item-per-
 * order condition that keeps an order from getting two shipments also keeps this one from being booked.
 */
export const tombstoneFor = (orderId: string, { causationId, cancelledAt }: ShipmentCancellation): Shipment => ({
  orderId,
  shipmentId: unbookedShipmentId(orderId),
  carrier: 'none',
  status: 'CANCELLED',
  createdAt: cancelledAt,
  cancelledAt,
  cancelledBy: causationId,
  callbacks: {},
});

export interface CancelShipmentResult {
  outcome: CancelOutcome;
  shipment: Shipment;
  /** The carrier's answer, when the shipment had been booked with one. */
  carrier: CarrierCancellation | undefined;
  /** The workflow task to resume with the cancellation, if one is parked on the shipment. */
  wake: ReturnType<typeof wakeUp>;
}

/**
 * What `OrderCancelled` does to the order's shipment: CANCELLED if it is still open, a tombstone if there is
 * none yet, nothing if it was delivered or failed. A booked shipment is then cancelled with the carrier, and
 * the wait it holds is handed back to be resumed. Every step is repeated on a redelivery (the stored
 * CANCELLED is found again, the carrier's cancel is idempotent, a resumed token answers "already-closed"),
 * so a failure anywhere is healed by SQS delivering the event again.
 *
 * @example
 * ```ts
 * const { outcome, wake } = await cancelShipment({ shipments, carrier }, orderId, cancellationOf(event, now()));
 * ```
 */
export const cancelShipment = async (
  { shipments, carrier }: { shipments: ShipmentRepository; carrier: Carrier },
  orderId: string,
  cancellation: ShipmentCancellation,
): Promise<CancelShipmentResult> => {
  const { outcome, shipment } = await shipments.cancel(orderId, cancellation);
  const cancelled = shipment.status === 'CANCELLED';
  // The carrier first: ShipmentCancelled, which the resumed workflow publishes, says the booking is cancelled.
  const answer = cancelled && wasBooked(shipment) ? await carrier.cancel(orderId) : undefined;
  return { outcome, shipment, carrier: answer, wake: cancelled ? wakeUp(shipment) : undefined };
};
