import '../support/environment';
import { makeHandler } from '../../../../../services/shipping/src/handlers/recordBookingFailure';
import { startDynamo, type LocalDynamo } from '../../../../support/dynalite';
import { createdShipment, disabledTracer, lambdaContext, newOrderId, shipmentsOn, silentLogger } from '../support/fakes';

const NOW = new Date('2026-11-26T09:38:00.000Z');
let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynamo(['shipping']);
});
afterAll(() => dynamo.stop());

const setup = () => {
  const shipments = shipmentsOn(dynamo);
  const handler = makeHandler({ shipments, logger: silentLogger(), tracer: disabledTracer(), now: () => NOW });
  return { shipments, invoke: (payload: unknown) => handler(payload, lambdaContext('recordBookingFailure')) };
};

describe('recordBookingFailure', () => {
  it('stores the shipment FAILED with CARRIER_UNAVAILABLE and answers UNAVAILABLE when no attempt booked the carrier', async () => {
    // Arrange
    const { invoke, shipments } = setup();
    const orderId = newOrderId();

    // Act
    const result = await invoke({ orderId });

    // Assert
    expect(result).toEqual({
      outcome: 'UNAVAILABLE',
      shipmentId: `unbooked-${orderId}`,
      carrier: 'none',
      trackingNumber: null,
      createdAt: NOW.toISOString(),
      failureReason: 'CARRIER_UNAVAILABLE',
      failedAt: NOW.toISOString(),
      cancelledAt: null,
      cancelledBy: null,
    });
    await expect(shipments.get(orderId)).resolves.toMatchObject({ status: 'FAILED', failureReason: 'CARRIER_UNAVAILABLE' });
  });

  it('answers the stored booking, CREATED, and fails nothing when an attempt whose reply was lost had booked the carrier', async () => {
    // Arrange
    const { invoke, shipments } = setup();
    const booked = await shipments.create(createdShipment(newOrderId()));

    // Act
    const result = await invoke({ orderId: booked.orderId });

    // Assert
    expect(result).toMatchObject({ outcome: 'CREATED', shipmentId: booked.shipmentId, failureReason: null, failedAt: null });
    await expect(shipments.get(booked.orderId)).resolves.toMatchObject({ status: 'CREATED' });
  });

  it('answers CANCELLED and fails nothing when the order was cancelled before any booking', async () => {
    // Arrange
    const { invoke, shipments } = setup();
    const orderId = newOrderId();
    await shipments.cancel(orderId, { causationId: `${orderId}:cancelled`, cancelledAt: NOW.toISOString() });

    // Act
    const result = await invoke({ orderId });

    // Assert
    expect(result).toMatchObject({ outcome: 'CANCELLED', shipmentId: `unbooked-${orderId}`, failureReason: null, cancelledBy: `${orderId}:cancelled` });
    await expect(shipments.get(orderId)).resolves.toMatchObject({ status: 'CANCELLED' });
  });

  it('answers the same failure when it runs again', async () => {
    // Arrange
    const { invoke } = setup();
    const orderId = newOrderId();
    const first = await invoke({ orderId });

    // Act
    const second = await invoke({ orderId });

    // Assert
    expect(second).toEqual(first);
  });

  it('refuses an input without an order id', async () => {
    const { invoke } = setup();

    await expect(invoke({})).rejects.toThrow(/orderId/);
  });
});
