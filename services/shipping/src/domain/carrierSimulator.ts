import { createHash } from 'node:crypto';
import type { Booking, CarrierCancellation, ShipmentRequest } from './carrier';
import type { CarrierCallback } from './carrierCallback';
import type { CarrierStatus } from './shipment';

/**
 * The simulated carrier ("simulated-post") that stands in for a real one in tests, the local cloud and
 * demo stages. Its behaviour is chosen by the shipping address's postal code, so a test or a chaos run
 * picks a scenario through ordinary order data:
 *
 * | postal code starts with | booking                              | callbacks                               |
 * |-------------------------|--------------------------------------|-----------------------------------------|
 * | `REJECT`                | rejected                             | none                                    |
 * | `FLAKY`                 | first attempt unavailable, then OK   | dispatched, then delivered              |
 * | `DOWN`                  | unavailable on every attempt         | none                                    |
 * | `LOST`                  | accepted                             | none (the dispatch wait times out)      |
 * | `STUCK`                 | accepted                             | dispatched only (delivery times out)    |
 * | `SWAP`                  | accepted                             | delivered, then dispatched              |
 * | `ECHO`                  | accepted                             | each callback twice, same `callbackId`  |
 * | anything else           | accepted                             | dispatched, then delivered              |
 */
export const SIMULATED_CARRIER = 'simulated-post';

export type Scenario = 'REJECT' | 'FLAKY' | 'DOWN' | 'LOST' | 'STUCK' | 'SWAP' | 'ECHO' | 'NORMAL';

const SCENARIOS: readonly Exclude<Scenario, 'NORMAL'>[] = ['REJECT', 'FLAKY', 'DOWN', 'LOST', 'STUCK', 'SWAP', 'ECHO'];

export const scenarioOf = (postalCode: string): Scenario =>
  SCENARIOS.find((scenario) => postalCode.trim().toUpperCase().startsWith(scenario)) ?? 'NORMAL';

/** Stable per order, so a retried booking is answered with the same ids, as a real carrier's idempotency key does. */
const digest = (orderId: string): string => createHash('sha256').update(orderId).digest('hex');

export const simulatedShipmentId = (orderId: string): string => `shp_${digest(orderId).slice(0, 16)}`;

export const simulatedTrackingNumber = (orderId: string): string =>
  `SP${(BigInt(`0x${digest(orderId).slice(16, 30)}`) % 1_000_000_000n).toString().padStart(9, '0')}GB`;

/**
 * The simulated carrier's answer to the `attempt`-th booking of an order (1 for the first):
 * `'UNAVAILABLE'` stands for a transient outage the caller should retry.
 */
export const simulateBooking = (request: ShipmentRequest, attempt: number): Booking | 'UNAVAILABLE' => {
  const scenario = scenarioOf(request.shippingAddress.postalCode);
  if ((scenario === 'FLAKY' && attempt <= 1) || scenario === 'DOWN') return 'UNAVAILABLE';
  const shipmentId = simulatedShipmentId(request.orderId);
  return scenario === 'REJECT'
    ? { outcome: 'REJECTED', shipmentId, carrier: SIMULATED_CARRIER, reason: 'address is outside the service area' }
    : { outcome: 'ACCEPTED', shipmentId, carrier: SIMULATED_CARRIER, trackingNumber: simulatedTrackingNumber(request.orderId) };
};

/**
 * The simulated carrier's answer to cancelling an order's booking. It keeps no bookings (every answer is
 * derived from the order), so it cannot tell an order it booked from one it never did: it answers the one
 * shipment id the order has or would have had, the same every time, which is the idempotent answer either way.
 */
export const simulateCancellation = (orderId: string): CarrierCancellation => ({
  carrier: SIMULATED_CARRIER,
  shipmentId: simulatedShipmentId(orderId),
});

export interface PlannedCallback {
  /** When the carrier sends it, counted from the booking. */
  afterSeconds: number;
  /** The body of `POST /carrier/callbacks`. */
  body: CarrierCallback;
}

/**
 * The callbacks the simulated carrier sends for an accepted shipment, in sending order. Whoever plays the
 * carrier (the local cloud, a test) posts each body to the webhook at its time, and retries any answer
 * other than 2xx, as carriers do.
 *
 * @example
 * ```ts
 * for (const { afterSeconds, body } of callbackPlanFor({ shipmentId, postalCode, bookedAt }, { dispatchAfterSeconds: 2, deliveryAfterSeconds: 5 })) {
 *   setTimeout(() => post('/carrier/callbacks', body), afterSeconds * 1000);
 * }
 * ```
 */
export const callbackPlanFor = (
  { shipmentId, postalCode, bookedAt }: { shipmentId: string; postalCode: string; bookedAt: Date },
  { dispatchAfterSeconds, deliveryAfterSeconds }: { dispatchAfterSeconds: number; deliveryAfterSeconds: number },
): PlannedCallback[] => {
  const report = (status: CarrierStatus, afterSeconds: number): PlannedCallback => ({
    afterSeconds,
    body: {
      shipmentId,
      status,
      occurredAt: new Date(bookedAt.getTime() + afterSeconds * 1000).toISOString(),
      callbackId: `cb_${shipmentId}_${status.toLowerCase()}`,
    },
  });
  const dispatched = report('DISPATCHED', dispatchAfterSeconds);
  const delivered = report('DELIVERED', deliveryAfterSeconds);
  switch (scenarioOf(postalCode)) {
    case 'REJECT':
    case 'DOWN':
    case 'LOST':
      return [];
    case 'STUCK':
      return [dispatched];
    case 'SWAP':
      // Both happened in order, but reach the webhook delivery first, as a carrier's batched scan events can.
      return [delivered, { ...dispatched, afterSeconds: deliveryAfterSeconds }];
    case 'ECHO':
      return [dispatched, dispatched, delivered, delivered];
    case 'FLAKY':
    case 'NORMAL':
      return [dispatched, delivered];
  }
};
