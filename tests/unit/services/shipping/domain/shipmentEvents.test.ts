import { parseEvent, shipmentCancelled, shipmentCreated, shipmentDelivered, shipmentDispatched, shipmentFailed } from '#shared/contracts';
import { InvalidEventError } from '#shared/errors';
import {
  publishShipmentEventInput,
  shipmentEventFor,
  type PublishShipmentEventInput,
} from '../../../../../services/shipping/src/domain/shipmentEvents';

const ORDER_ID = 'ord_7Hq2Kx9mPz4Lw8Rt';
const common = { orderId: ORDER_ID, shipmentId: 'shp_8Vb2Nc4X' };

/** What a consumer would receive: the event through EventBridge and its contract. */
const received = (input: PublishShipmentEventInput) => {
  const event = shipmentEventFor(input);
  return parseEvent([shipmentCreated, shipmentDispatched, shipmentDelivered, shipmentFailed, shipmentCancelled], {
    source: event.source,
    'detail-type': event.detailType,
    detail: event.detail,
  });
};

describe('shipmentEventFor', () => {
  it('builds ShipmentCreated caused by the order confirmation, at the booking time', () => {
    const event = received({
      event: 'ShipmentCreated',
      ...common,
      carrier: 'simulated-post',
      trackingNumber: 'SP123456789GB',
      createdAt: '2026-11-25T09:38:00.000Z',
      causationId: `${ORDER_ID}:confirmed`,
    });

    expect(event).toMatchObject({
      source: 'ordering.shipping',
      detailType: 'ShipmentCreated',
      data: { ...common, carrier: 'simulated-post', trackingNumber: 'SP123456789GB' },
      metadata: {
        'idempotency-key': `${ORDER_ID}:shipment-created`,
        'correlation-id': ORDER_ID,
        'causation-id': `${ORDER_ID}:confirmed`,
        'occurred-at': '2026-11-25T09:38:00.000Z',
      },
    });
  });

  it('builds ShipmentDispatched at the time the carrier reported', () => {
    const event = received({ event: 'ShipmentDispatched', ...common, dispatchedAt: '2026-11-25T11:02:00.000Z', causationId: `${ORDER_ID}:shipment-created` });

    expect(event).toMatchObject({
      detailType: 'ShipmentDispatched',
      data: { ...common, dispatchedAt: '2026-11-25T11:02:00.000Z' },
      metadata: { 'idempotency-key': `${ORDER_ID}:shipment-dispatched`, 'occurred-at': '2026-11-25T11:02:00.000Z' },
    });
  });

  it('builds ShipmentDelivered at the time the carrier reported', () => {
    const event = received({ event: 'ShipmentDelivered', ...common, deliveredAt: '2026-11-26T14:45:00.000Z', causationId: `${ORDER_ID}:shipment-dispatched` });

    expect(event).toMatchObject({
      detailType: 'ShipmentDelivered',
      data: { ...common, deliveredAt: '2026-11-26T14:45:00.000Z' },
      metadata: { 'idempotency-key': `${ORDER_ID}:shipment-delivered`, 'causation-id': `${ORDER_ID}:shipment-dispatched` },
    });
  });

  it('builds ShipmentFailed with its reason', () => {
    const event = received({
      event: 'ShipmentFailed',
      ...common,
      reason: 'DISPATCH_TIMED_OUT',
      failedAt: '2026-11-26T09:38:00.000Z',
      causationId: `${ORDER_ID}:shipment-created`,
    });

    expect(event).toMatchObject({
      detailType: 'ShipmentFailed',
      data: { ...common, reason: 'DISPATCH_TIMED_OUT' },
      metadata: { 'idempotency-key': `${ORDER_ID}:shipment-failed`, 'occurred-at': '2026-11-26T09:38:00.000Z' },
    });
  });

  it('builds ShipmentCancelled caused by the OrderCancelled, at the time the shipment was cancelled', () => {
    const event = received({ event: 'ShipmentCancelled', ...common, cancelledAt: '2026-11-25T09:44:00.000Z', causationId: `${ORDER_ID}:cancelled` });

    expect(event).toMatchObject({
      detailType: 'ShipmentCancelled',
      data: common,
      metadata: {
        'idempotency-key': `${ORDER_ID}:shipment-cancelled`,
        'causation-id': `${ORDER_ID}:cancelled`,
        'occurred-at': '2026-11-25T09:44:00.000Z',
      },
    });
  });

  it('builds the identical event when the same input is published again', () => {
    const input: PublishShipmentEventInput = { event: 'ShipmentDispatched', ...common, dispatchedAt: '2026-11-25T11:02:00.000Z', causationId: 'c' };

    expect(shipmentEventFor(input)).toEqual(shipmentEventFor(structuredClone(input)));
  });

  it('refuses to build an event its contract rejects', () => {
    expect(() =>
      shipmentEventFor({ event: 'ShipmentDispatched', ...common, orderId: 'not-an-order', dispatchedAt: '2026-11-25T11:02:00.000Z', causationId: 'c' }),
    ).toThrow(InvalidEventError);
  });
});

describe('publishShipmentEventInput', () => {
  it('refuses a fact the workflow does not publish', () => {
    expect(publishShipmentEventInput.safeParse({ event: 'ShipmentLost', ...common, causationId: 'c' }).success).toBe(false);
  });

  it('refuses a dispatch without its time, as a wait that never saw one would send', () => {
    expect(publishShipmentEventInput.safeParse({ event: 'ShipmentDispatched', ...common, dispatchedAt: null, causationId: 'c' }).success).toBe(false);
  });

  it('refuses a cancellation without its cause, as a wait that was not cancelled would send', () => {
    const input = { event: 'ShipmentCancelled', ...common, cancelledAt: '2026-11-25T09:44:00.000Z', causationId: null };

    expect(publishShipmentEventInput.safeParse(input).success).toBe(false);
  });
});
