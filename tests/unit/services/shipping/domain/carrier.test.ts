import { tombstoneFor } from '../../../../../services/shipping/src/domain/cancellation';
import {
  creationResultOf,
  isCancelledBeforeBooking,
  shipmentFromBooking,
  unbookedShipment,
  wasBooked,
} from '../../../../../services/shipping/src/domain/carrier';

const NOW = new Date('2026-11-25T09:38:00.000Z');
const ORDER_ID = 'ord_7Hq2Kx9mPz4Lw8Rt';

describe('shipmentFromBooking', () => {
  it('creates a CREATED shipment with the tracking number when the carrier accepts', () => {
    const shipment = shipmentFromBooking(
      ORDER_ID,
      { outcome: 'ACCEPTED', shipmentId: 'shp_1', carrier: 'simulated-post', trackingNumber: 'SP000000001GB' },
      NOW,
    );

    expect(shipment).toEqual({
      orderId: ORDER_ID,
      shipmentId: 'shp_1',
      carrier: 'simulated-post',
      trackingNumber: 'SP000000001GB',
      status: 'CREATED',
      createdAt: NOW.toISOString(),
      callbacks: {},
    });
  });

  it('creates a FAILED shipment with CARRIER_REJECTED when the carrier rejects', () => {
    const shipment = shipmentFromBooking(ORDER_ID, { outcome: 'REJECTED', shipmentId: 'shp_1', carrier: 'simulated-post', reason: 'no' }, NOW);

    expect(shipment).toMatchObject({ status: 'FAILED', failureReason: 'CARRIER_REJECTED', failedAt: NOW.toISOString() });
    expect(shipment.trackingNumber).toBeUndefined();
  });
});

describe('creationResultOf', () => {
  it('reports CREATED with every field when the shipment was accepted', () => {
    const shipment = shipmentFromBooking(ORDER_ID, { outcome: 'ACCEPTED', shipmentId: 'shp_1', carrier: 'c', trackingNumber: 'T1' }, NOW);

    expect(creationResultOf(shipment)).toEqual({
      outcome: 'CREATED',
      shipmentId: 'shp_1',
      carrier: 'c',
      trackingNumber: 'T1',
      createdAt: NOW.toISOString(),
      failureReason: null,
      failedAt: null,
      cancelledAt: null,
      cancelledBy: null,
    });
  });

  it('reports REJECTED with the failure when the carrier rejected it', () => {
    const shipment = shipmentFromBooking(ORDER_ID, { outcome: 'REJECTED', shipmentId: 'shp_1', carrier: 'c', reason: 'no' }, NOW);

    expect(creationResultOf(shipment)).toEqual({
      outcome: 'REJECTED',
      shipmentId: 'shp_1',
      carrier: 'c',
      trackingNumber: null,
      createdAt: NOW.toISOString(),
      failureReason: 'CARRIER_REJECTED',
      failedAt: NOW.toISOString(),
      cancelledAt: null,
      cancelledBy: null,
    });
  });

  it('still reports CREATED when the stored shipment has moved on since (a retried task)', () => {
    const shipment = { ...shipmentFromBooking(ORDER_ID, { outcome: 'ACCEPTED', shipmentId: 's', carrier: 'c', trackingNumber: 'T' }, NOW), status: 'DELIVERED' as const };

    expect(creationResultOf(shipment).outcome).toBe('CREATED');
  });

  it('reports CANCELLED with the cancellation\'s time and cause when the order was cancelled before it was booked', () => {
    const tombstone = tombstoneFor(ORDER_ID, { causationId: `${ORDER_ID}:cancelled`, cancelledAt: NOW.toISOString() });

    expect(creationResultOf(tombstone)).toEqual({
      outcome: 'CANCELLED',
      shipmentId: `unbooked-${ORDER_ID}`,
      carrier: 'none',
      trackingNumber: null,
      createdAt: NOW.toISOString(),
      failureReason: null,
      failedAt: null,
      cancelledAt: NOW.toISOString(),
      cancelledBy: `${ORDER_ID}:cancelled`,
    });
  });

  it('still reports CREATED when a booked shipment was cancelled since, so the workflow announces the booking first', () => {
    const booked = shipmentFromBooking(ORDER_ID, { outcome: 'ACCEPTED', shipmentId: 's', carrier: 'c', trackingNumber: 'T' }, NOW);
    const cancelled = { ...booked, status: 'CANCELLED' as const, cancelledAt: NOW.toISOString(), cancelledBy: `${ORDER_ID}:cancelled` };

    expect(creationResultOf(cancelled)).toMatchObject({ outcome: 'CREATED', cancelledAt: null, cancelledBy: null });
  });
});

describe('isCancelledBeforeBooking', () => {
  const cancellation = { causationId: `${ORDER_ID}:cancelled`, cancelledAt: NOW.toISOString() };

  it('recognises the tombstone of an order cancelled before its shipment', () => {
    expect(isCancelledBeforeBooking(tombstoneFor(ORDER_ID, cancellation))).toBe(true);
  });

  it('does not take a booked shipment that was cancelled for one', () => {
    const booked = shipmentFromBooking(ORDER_ID, { outcome: 'ACCEPTED', shipmentId: 's', carrier: 'c', trackingNumber: 'T' }, NOW);

    expect(isCancelledBeforeBooking({ ...booked, status: 'CANCELLED' })).toBe(false);
  });

  it('does not take a shipment that failed unbooked for one', () => {
    expect(isCancelledBeforeBooking(unbookedShipment(ORDER_ID, NOW))).toBe(false);
  });
});

describe('wasBooked', () => {
  it('answers true only for a booking the carrier accepted', () => {
    const accepted = shipmentFromBooking(ORDER_ID, { outcome: 'ACCEPTED', shipmentId: 's', carrier: 'c', trackingNumber: 'T' }, NOW);
    const rejected = shipmentFromBooking(ORDER_ID, { outcome: 'REJECTED', shipmentId: 's', carrier: 'c', reason: 'no' }, NOW);

    expect([accepted, rejected, unbookedShipment(ORDER_ID, NOW)].map(wasBooked)).toEqual([true, false, false]);
  });
});
