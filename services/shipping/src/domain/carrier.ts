import type { DataOf, orderConfirmed } from '#shared/contracts';
import type { FailureReason, Shipment } from './shipment';
import type { ShipmentRepository } from './shipmentRepository';

export type ShipmentRequest = Pick<DataOf<typeof orderConfirmed>, 'orderId' | 'lines' | 'shippingAddress'>;

/** A carrier's answer to a booking. A rejection is a business outcome, not an error. */
export type Booking =
  | { outcome: 'ACCEPTED'; shipmentId: string; carrier: string; trackingNumber: string }
  | { outcome: 'REJECTED'; shipmentId: string; carrier: string; reason: string };

/** A carrier's answer to a cancellation: the same however often it is asked. */
export interface CarrierCancellation {
  carrier: string;
  /** The carrier's id of the shipment booked under the order: the one `book` answered, or would answer. */
  shipmentId: string;
}

/**
 * The carrier port. `book` is idempotent per order (the order id is the booking's idempotency key), so a
 * retried booking answers the same shipment. `cancel` finds the booking by that same key, so it also
 * cancels a booking whose answer never reached us (a task that booked, then crashed before storing it); it
 * is idempotent: cancelling twice, cancelling what the carrier already cancelled, or an order it never
 * booked, answers the same. Both throw `TransientError` when the carrier cannot answer.
 */
export interface Carrier {
  book(request: ShipmentRequest): Promise<Booking>;
  cancel(orderId: string): Promise<CarrierCancellation>;
}

/**
 * The id of a shipment no carrier ever booked (every booking attempt failed, or the order was cancelled
 * first). It cannot be a carrier's id; it is derived from the order, so a retried task writes the same one.
 */
export const unbookedShipmentId = (orderId: string): string => `unbooked-${orderId}`;

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
 * `ShipmentFailed` now instead of at its shipment deadline (a week in prod).
 */
export const unbookedShipment = (orderId: string, now: Date): Shipment => {
  const at = now.toISOString();
  return {
    orderId,
    shipmentId: unbookedShipmentId(orderId),
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
 * Only an accepted booking gives a shipment a tracking number: a shipment without one was rejected, never
 * booked, or is the tombstone of an order cancelled before it was booked.
 */
export const wasBooked = (shipment: Shipment): boolean => shipment.trackingNumber !== undefined;

/**
 * The shipment of an order cancelled before it had one: CANCELLED from the start, so that a later
 * OrderConfirmed never books it (see `bookShipment`).
 */
export const isCancelledBeforeBooking = (shipment: Shipment): boolean => shipment.status === 'CANCELLED' && !wasBooked(shipment);

/**
 * What the createShipment and recordBookingFailure tasks return; the workflow routes on `outcome`. Every
 * field is present (null when it does not apply), so the state machine selects them by name whatever the
 * outcome.
 */
export interface CreateShipmentResult {
  outcome: 'CREATED' | 'CANCELLED' | (typeof BOOKING_OUTCOMES)[BookingFailure];
  shipmentId: string;
  carrier: string;
  trackingNumber: string | null;
  createdAt: string;
  failureReason: BookingFailure | null;
  failedAt: string | null;
  cancelledAt: string | null;
  /** The OrderCancelled's idempotency key when the order was cancelled before it was booked. */
  cancelledBy: string | null;
}

/**
 * The creation outcome of the shipment as stored: on a retried task the booking stored first is the
 * answer, whatever the carrier said the second time; after a failed booking, a shipment stored by an attempt
 * whose reply was lost is the answer, and the workflow carries on with it. An order cancelled before it was
 * booked answers CANCELLED. A booked shipment answers CREATED even if it has been cancelled since: the
 * workflow announces the booking, and its next wait finds the cancellation.
 */
export const creationResultOf = (shipment: Shipment): CreateShipmentResult => {
  const failure = isBookingFailure(shipment.failureReason) ? shipment.failureReason : undefined;
  const cancelled = isCancelledBeforeBooking(shipment);
  return {
    outcome: cancelled ? 'CANCELLED' : failure ? BOOKING_OUTCOMES[failure] : 'CREATED',
    shipmentId: shipment.shipmentId,
    carrier: shipment.carrier,
    trackingNumber: shipment.trackingNumber ?? null,
    createdAt: shipment.createdAt,
    failureReason: failure ?? null,
    failedAt: failure ? (shipment.failedAt ?? shipment.createdAt) : null,
    cancelledAt: cancelled ? (shipment.cancelledAt ?? shipment.createdAt) : null,
    cancelledBy: cancelled ? (shipment.cancelledBy ?? null) : null,
  };
};

/**
 * The createShipment task: books the carrier and stores the order's one shipment. Safe to retry at any
 * point: the booking is idempotent per order and the first stored shipment wins, so an order never gets two.
 * The read first is what keeps a cancelled order from being booked at all (its tombstone is already
 * stored); the conditional create still decides. When the answer is that tombstone, whatever this or an
 * earlier attempt may have booked (one that raced the tombstone, or crashed before storing) is cancelled with
 * the carrier, which finds it by the order id.
 *
 * @example
 * ```ts
 * const result = await bookShipment({ carrier, shipments }, request, now());
 * ```
 */
export const bookShipment = async (
  { carrier, shipments }: { carrier: Carrier; shipments: ShipmentRepository },
  request: ShipmentRequest,
  now: Date,
): Promise<CreateShipmentResult> => {
  const shipment =
    (await shipments.get(request.orderId)) ?? (await shipments.create(shipmentFromBooking(request.orderId, await carrier.book(request), now)));
  if (isCancelledBeforeBooking(shipment)) await carrier.cancel(request.orderId);
  return creationResultOf(shipment);
};
