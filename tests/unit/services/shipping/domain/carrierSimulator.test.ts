import {
  callbackPlanFor,
  scenarioOf,
  SIMULATED_CARRIER,
  simulateBooking,
  simulateCancellation,
  simulatedShipmentId,
  simulatedTrackingNumber,
} from '../../../../../services/shipping/src/domain/carrierSimulator';
import { shipmentRequest } from '../support/fakes';

const ORDER_ID = 'ord_7Hq2Kx9mPz4Lw8Rt';
const BOOKED_AT = new Date('2026-11-25T09:38:00.000Z');
const DELAYS = { dispatchAfterSeconds: 2, deliveryAfterSeconds: 5 };

describe('scenarioOf', () => {
  it.each([
    ['REJECT-1', 'REJECT'],
    ['flaky 9', 'FLAKY'],
    ['down 1aa', 'DOWN'],
    ['LOST', 'LOST'],
    ['STUCK1', 'STUCK'],
    [' swap', 'SWAP'],
    ['ECHO 2', 'ECHO'],
    ['N1 9GU', 'NORMAL'],
    ['XREJECT', 'NORMAL'],
  ])('reads postal code "%s" as %s', (postalCode, scenario) => {
    expect(scenarioOf(postalCode)).toBe(scenario);
  });
});

describe('simulateCancellation', () => {
  it('answers the shipment the order was booked under, the same every time', () => {
    const booked = simulateBooking(shipmentRequest(ORDER_ID), 1);

    expect(simulateCancellation(ORDER_ID)).toEqual({ carrier: SIMULATED_CARRIER, shipmentId: booked === 'UNAVAILABLE' ? undefined : booked.shipmentId });
    expect(simulateCancellation(ORDER_ID)).toEqual(simulateCancellation(ORDER_ID));
  });
});

describe('simulateBooking', () => {
  it('accepts with ids derived from the order when the address is ordinary', () => {
    expect(simulateBooking(shipmentRequest(ORDER_ID), 1)).toEqual({
      outcome: 'ACCEPTED',
      shipmentId: simulatedShipmentId(ORDER_ID),
      carrier: SIMULATED_CARRIER,
      trackingNumber: simulatedTrackingNumber(ORDER_ID),
    });
  });

  it('answers the same shipment when the same order is booked again', () => {
    expect(simulateBooking(shipmentRequest(ORDER_ID), 2)).toEqual(simulateBooking(shipmentRequest(ORDER_ID), 1));
  });

  it('gives different orders different shipments', () => {
    expect(simulatedShipmentId(ORDER_ID)).not.toBe(simulatedShipmentId('ord_8Hq2Kx9mPz4Lw8Rt'));
    expect(simulatedTrackingNumber(ORDER_ID)).not.toBe(simulatedTrackingNumber('ord_8Hq2Kx9mPz4Lw8Rt'));
  });

  it('shapes ids like a carrier would', () => {
    expect(simulatedShipmentId(ORDER_ID)).toMatch(/^shp_[0-9a-f]{16}$/);
    expect(simulatedTrackingNumber(ORDER_ID)).toMatch(/^SP\d{9}GB$/);
  });

  it('rejects when the postal code starts with REJECT', () => {
    expect(simulateBooking(shipmentRequest(ORDER_ID, 'REJECT 1'), 1)).toMatchObject({
      outcome: 'REJECTED',
      shipmentId: simulatedShipmentId(ORDER_ID),
    });
  });

  it('is unavailable on every attempt when the postal code starts with DOWN', () => {
    expect([1, 2, 6, 50].map((attempt) => simulateBooking(shipmentRequest(ORDER_ID, 'DOWN 1AA'), attempt))).toEqual(Array(4).fill('UNAVAILABLE'));
  });

  it('is unavailable on the first attempt and accepts on the next when the postal code starts with FLAKY', () => {
    expect(simulateBooking(shipmentRequest(ORDER_ID, 'FLAKY'), 1)).toBe('UNAVAILABLE');
    expect(simulateBooking(shipmentRequest(ORDER_ID, 'FLAKY'), 2)).toMatchObject({ outcome: 'ACCEPTED' });
  });
});

describe('callbackPlanFor', () => {
  const plan = (postalCode: string) => callbackPlanFor({ shipmentId: 'shp_1', postalCode, bookedAt: BOOKED_AT }, DELAYS);

  it('reports dispatch then delivery at their delays when the address is ordinary', () => {
    expect(plan('N1 9GU')).toEqual([
      {
        afterSeconds: 2,
        body: { shipmentId: 'shp_1', status: 'DISPATCHED', occurredAt: '2026-11-25T09:38:02.000Z', callbackId: 'cb_shp_1_dispatched' },
      },
      {
        afterSeconds: 5,
        body: { shipmentId: 'shp_1', status: 'DELIVERED', occurredAt: '2026-11-25T09:38:05.000Z', callbackId: 'cb_shp_1_delivered' },
      },
    ]);
  });

  it('reports nothing when the shipment was rejected or is lost', () => {
    expect(plan('REJECT')).toEqual([]);
    expect(plan('LOST')).toEqual([]);
  });

  it('reports dispatch only when the parcel is stuck', () => {
    expect(plan('STUCK').map(({ body }) => body.status)).toEqual(['DISPATCHED']);
  });

  it('sends delivery before dispatch, each with its true time, when the scenario is SWAP', () => {
    const swapped = plan('SWAP');

    expect(swapped.map(({ body }) => body.status)).toEqual(['DELIVERED', 'DISPATCHED']);
    expect(swapped.map(({ afterSeconds }) => afterSeconds)).toEqual([5, 5]);
    expect(swapped[1]?.body.occurredAt).toBe('2026-11-25T09:38:02.000Z');
  });

  it('sends every report twice with the same callback id when the scenario is ECHO', () => {
    const echoed = plan('ECHO').map(({ body }) => body.callbackId);

    expect(echoed).toEqual(['cb_shp_1_dispatched', 'cb_shp_1_dispatched', 'cb_shp_1_delivered', 'cb_shp_1_delivered']);
  });

  it('reports normally once a FLAKY booking went through', () => {
    expect(plan('FLAKY')).toEqual(plan('N1 9GU'));
  });
});
