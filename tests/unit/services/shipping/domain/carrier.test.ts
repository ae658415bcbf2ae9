import { creationResultOf, shipmentFromBooking } from '../../../../../services/shipping/src/domain/carrier';

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
    });
  });

  it('still reports CREATED when the stored shipment has moved on since (a retried task)', () => {
    const shipment = { ...shipmentFromBooking(ORDER_ID, { outcome: 'ACCEPTED', shipmentId: 's', carrier: 'c', trackingNumber: 'T' }, NOW), status: 'DELIVERED' as const };

    expect(creationResultOf(shipment).outcome).toBe('CREATED');
  });
});
