import '../support/environment';
import { makeHandler } from '../../../../../services/shipping/src/handlers/expireWait';
import { startDynamo, type LocalDynamo } from '../../../../support/dynalite';
import { callback, createdShipment, disabledTracer, lambdaContext, newOrderId, shipmentsOn, silentLogger } from '../support/fakes';

const NOW = new Date('2026-11-26T09:38:00.000Z');
let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynamo(['shipping']);
});
afterAll(() => dynamo.stop());

const setup = async () => {
  const shipments = shipmentsOn(dynamo);
  const shipment = await shipments.create(createdShipment(newOrderId(), { wait: { awaiting: 'DISPATCHED', taskToken: 't' } }));
  const handler = makeHandler({ shipments, logger: silentLogger(), tracer: disabledTracer(), now: () => NOW });
  return { shipments, shipment, invoke: (payload: unknown) => handler(payload, lambdaContext('expireWait')) };
};

describe('expireWait', () => {
  it('fails the shipment with DISPATCH_TIMED_OUT and returns the FAILED outcome when the dispatch never came', async () => {
    const { invoke, shipments, shipment } = await setup();

    await expect(invoke({ orderId: shipment.orderId, awaiting: 'DISPATCHED' })).resolves.toEqual({
      status: 'FAILED',
      dispatchedAt: null,
      deliveredAt: null,
      failedAt: NOW.toISOString(),
      failureReason: 'DISPATCH_TIMED_OUT',
      cancelledAt: null,
      cancelledBy: null,
    });
    await expect(shipments.get(shipment.orderId)).resolves.toMatchObject({ status: 'FAILED' });
  });

  it('fails a dispatched shipment with DELIVERY_TIMED_OUT when the delivery never came', async () => {
    const { invoke, shipments, shipment } = await setup();
    await shipments.recordCallback(shipment.orderId, callback(shipment.shipmentId, 'DISPATCHED'), NOW);

    await expect(invoke({ orderId: shipment.orderId, awaiting: 'DELIVERED' })).resolves.toMatchObject({
      status: 'FAILED',
      dispatchedAt: '2026-11-25T11:02:00.000Z',
      failureReason: 'DELIVERY_TIMED_OUT',
    });
  });

  it('returns the reached status instead of failing when the report landed between the timeout and this task', async () => {
    const { invoke, shipments, shipment } = await setup();
    await shipments.recordCallback(shipment.orderId, callback(shipment.shipmentId, 'DELIVERED'), NOW);

    await expect(invoke({ orderId: shipment.orderId, awaiting: 'DISPATCHED' })).resolves.toMatchObject({
      status: 'DELIVERED',
      failureReason: null,
    });
  });

  it('returns CANCELLED instead of failing when the order was cancelled between the timeout and this task', async () => {
    const { invoke, shipments, shipment } = await setup();
    await shipments.cancel(shipment.orderId, { causationId: `${shipment.orderId}:cancelled`, cancelledAt: NOW.toISOString() });

    await expect(invoke({ orderId: shipment.orderId, awaiting: 'DISPATCHED' })).resolves.toMatchObject({
      status: 'CANCELLED',
      failureReason: null,
      cancelledBy: `${shipment.orderId}:cancelled`,
    });
    await expect(shipments.get(shipment.orderId)).resolves.toMatchObject({ status: 'CANCELLED' });
  });
});
