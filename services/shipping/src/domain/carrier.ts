import type { DataOf, orderConfirmed } from '#shared/contracts';
import type { FailureReason, Shipment } from './shipment';

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
 * The shipment kept for an order whose booking failed on every attempt: FAILED at once, so the order hears
 * `ShipmentFailed` now instead of at its shipment deadline (a week in prod). Its id cannot be the carrier's,
 * which never answered; it is derived from the order, so a retried task writes the same record.
 */
export const unbookedShipment = (orderId: string, now: Date): Shipment => {
  const at = now.toISOString();
  return {
    orderId,
    shipmentId: `unbooked-${orderId}`,
    carrier: 'none',
    status: 'FAILED',
    createdAt: at,
    failedAt: at,
    failureReason: 'CARRIER_UNAVAILABLE',
    callbacks: {},
  };
};

/** The failures that happen at booking, and the outcome each gives the workflow to route on. */
const BOOKING_OUTCOMES = { CARRIER_REJECTED: 'REJECTED', CARRIER_UNAVAILABLE: 'UNAVAILABLE' } as const satisfies Partial<Record<FailureReason, string>>;
type BookingFailure = keyof typeof BOOKING_OUTCOMES;
const isBookingFailure = (reason: FailureReason | undefined): reason is BookingFailure => reason !== undefined && reason in BOOKING_OUTCOMES;

/**
 * What the createShipment and recordBookingFailure tasks return; the workflow routes on `outcome`. Every
 * field is present (null when it does not apply), so the state machine selects them by name whatever the
 * outcome.
 */
export interface CreateShipmentResult {
  outcome: 'CREATED' | (typeof BOOKING_OUTCOMES)[BookingFailure];
  shipmentId: string;
  carrier: string;
  trackingNumber: string | null;
  createdAt: string;
  failureReason: BookingFailure | null;
  failedAt: string | null;
}

/**
 * The creation outcome of the shipment as stored: on a retried task the booking stored first is the
 * answer, whatever the carrier said the second time; after a failed booking, a shipment stored by an attempt
 * whose reply was lost is the answer, and the workflow carries on with it.
 */
export const creationResultOf = (shipment: Shipment): CreateShipmentResult => {
  const failure = isBookingFailure(shipment.failureReason) ? shipment.failureReason : undefined;
  return {
    outcome: failure ? BOOKING_OUTCOMES[failure] : 'CREATED',
    shipmentId: shipment.shipmentId,
    carrier: shipment.carrier,
    trackingNumber: shipment.trackingNumber ?? null,
    createdAt: shipment.createdAt,
    failureReason: failure ?? null,
    failedAt: failure ? (shipment.failedAt ?? shipment.createdAt) : null,
  };
};
