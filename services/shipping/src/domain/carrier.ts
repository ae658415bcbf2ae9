import type { DataOf, orderConfirmed } from '#shared/contracts';
import type { Shipment } from './shipment';

export type ShipmentRequest = Pick<DataOf<typeof orderConfirmed>, 'orderId' | 'lines' | 'shippingAddress'>;

/** A carrier's answer to a booking. A rejection is a business outcome, not an error. */
export type Booking =
  | { outcome: 'ACCEPTED'; shipmentId: string; carrier: string; trackingNumber: string }
  | { outcome: 'REJECTED'; shipmentId: string; carrier: string; reason: string };

/**
 * The carrier port. `book` is idempotent per order (the order id is the booking's idempotency key), so a
 * retried booking answers the same shipment. Throws `TransientError` when the carrier cannot answer.
 */
export interface Carrier {
  book(request: ShipmentRequest): Promise<Booking>;
}

/** A booking as the shipment this service keeps: accepted is CREATED, rejected is FAILED at once. */
export const shipmentFromBooking = (orderId: string, booking: Booking, now: Date): Shipment => {
  const at = now.toISOString();
  const common = { orderId, shipmentId: booking.shipmentId, carrier: booking.carrier, createdAt: at, callbacks: {} };
  return booking.outcome === 'ACCEPTED'
    ? { ...common, trackingNumber: booking.trackingNumber, status: 'CREATED' }
    : { ...common, status: 'FAILED', failedAt: at, failureReason: 'CARRIER_REJECTED' };
};

/**
 * What the createShipment task returns; the workflow routes on `outcome`. Every field is present (null when
 * it does not apply), so the state machine selects them by name whatever the outcome.
 */
export interface CreateShipmentResult {
  outcome: 'CREATED' | 'REJECTED';
  shipmentId: string;
  carrier: string;
  trackingNumber: string | null;
  createdAt: string;
  failureReason: 'CARRIER_REJECTED' | null;
  failedAt: string | null;
}

/**
 * The creation outcome of the shipment as stored: on a retried task the booking stored first is the
 * answer, whatever the carrier said the second time.
 */
export const creationResultOf = (shipment: Shipment): CreateShipmentResult => {
  const rejected = shipment.failureReason === 'CARRIER_REJECTED';
  return {
    outcome: rejected ? 'REJECTED' : 'CREATED',
    shipmentId: shipment.shipmentId,
    carrier: shipment.carrier,
    trackingNumber: shipment.trackingNumber ?? null,
    createdAt: shipment.createdAt,
    failureReason: rejected ? 'CARRIER_REJECTED' : null,
    failedAt: rejected ? (shipment.failedAt ?? shipment.createdAt) : null,
  };
};
