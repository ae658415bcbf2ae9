import '../support/environment';
import { TransientError } from '#shared/errors';
import { makeHandler } from '../../../../../services/shipping/src/handlers/awaitCarrier';
import { startDynamo, type LocalDynamo } from '../../../../support/dynalite';
import { RecordingResumer } from '../../../../support/recordingResumer';
import { callback, createdShipment, disabledTracer, lambdaContext, newOrderId, shipmentsOn, silentLogger } from '../support/fakes';

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynamo(['shipping']);
});
afterAll(() => dynamo.stop());

const setup = async () => {
  const shipments = shipmentsOn(dynamo);
  const resumer = new RecordingResumer();
  const shipment = await shipments.create(createdShipment(newOrderId()));
  const handler = makeHandler({ shipments, resumer, logger: silentLogger(), tracer: disabledTracer() });
  return { shipments, resumer, shipment, invoke: (payload: unknown) => handler(payload, lambdaContext('awaitCarrier')) };
};

describe('awaitCarrier', () => {
  it('stores the task token on the shipment and resumes nothing when the carrier has not reported yet', async () => {
    const { invoke, shipments, resumer, shipment } = await setup();

    await expect(invoke({ orderId: shipment.orderId, awaiting: 'DISPATCHED', token: 'token-1' })).resolves.toEqual({
      awaiting: 'DISPATCHED',
      resumed: 'waiting',
    });

    await expect(shipments.get(shipment.orderId)).resolves.toMatchObject({ wait: { awaiting: 'DISPATCHED', taskToken: 'token-1' } });
    expect(resumer.resumed).toEqual([]);
  });

  it('resumes its own task at once when the awaited report was recorded before the wait began', async () => {
    const { invoke, shipments, resumer, shipment } = await setup();
    await shipments.recordCallback(shipment.orderId, callback(shipment.shipmentId, 'DISPATCHED'), new Date());

    await invoke({ orderId: shipment.orderId, awaiting: 'DISPATCHED', token: 'token-1' });

    expect(resumer.resumed).toEqual([
      {
        token: 'token-1',
        output: {
          status: 'DISPATCHED',
          dispatchedAt: '2026-11-25T11:02:00.000Z',
          deliveredAt: null,
          failedAt: null,
          failureReason: null,
          cancelledAt: null,
          cancelledBy: null,
        },
      },
    ]);
  });

  it('resumes a wait for dispatch with DELIVERED when the delivery report came first', async () => {
    const { invoke, shipments, resumer, shipment } = await setup();
    await shipments.recordCallback(shipment.orderId, callback(shipment.shipmentId, 'DELIVERED'), new Date());

    await invoke({ orderId: shipment.orderId, awaiting: 'DISPATCHED', token: 'token-1' });

    expect(resumer.resumed[0]?.output).toMatchObject({ status: 'DELIVERED', deliveredAt: '2026-11-26T14:45:00.000Z' });
  });

  it('resumes its own task at once with CANCELLED when the order was cancelled between two waits', async () => {
    const { invoke, shipments, resumer, shipment } = await setup();
    await shipments.cancel(shipment.orderId, { causationId: `${shipment.orderId}:cancelled`, cancelledAt: '2026-11-25T09:44:00.000Z' });

    await invoke({ orderId: shipment.orderId, awaiting: 'DELIVERED', token: 'token-2' });

    expect(resumer.resumed).toEqual([
      {
        token: 'token-2',
        output: expect.objectContaining({ status: 'CANCELLED', cancelledAt: '2026-11-25T09:44:00.000Z', cancelledBy: `${shipment.orderId}:cancelled` }) as unknown,
      },
    ]);
  });

  it('keeps waiting for delivery when only the dispatch was reported', async () => {
    const { invoke, shipments, resumer, shipment } = await setup();
    await shipments.recordCallback(shipment.orderId, callback(shipment.shipmentId, 'DISPATCHED'), new Date());

    await invoke({ orderId: shipment.orderId, awaiting: 'DELIVERED', token: 'token-2' });

    expect(resumer.resumed).toEqual([]);
  });

  it('throws a TransientError, which the workflow retries, when Step Functions throttles the resume', async () => {
    const { invoke, shipments, resumer, shipment } = await setup();
    await shipments.recordCallback(shipment.orderId, callback(shipment.shipmentId, 'DISPATCHED'), new Date());
    resumer.failNext = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

    await expect(invoke({ orderId: shipment.orderId, awaiting: 'DISPATCHED', token: 'token-1' })).rejects.toThrow(TransientError);
  });

  it('throws a PermanentError when the order has no shipment', async () => {
    const { invoke } = await setup();

    await expect(invoke({ orderId: newOrderId(), awaiting: 'DISPATCHED', token: 'token-1' })).rejects.toMatchObject({ name: 'PermanentError' });
  });

  it('refuses an input without a task token', async () => {
    const { invoke, shipment } = await setup();

    await expect(invoke({ orderId: shipment.orderId, awaiting: 'DISPATCHED' })).rejects.toMatchObject({
      name: 'InvalidTaskInputError',
      message: expect.stringContaining('token') as unknown,
    });
  });
});
