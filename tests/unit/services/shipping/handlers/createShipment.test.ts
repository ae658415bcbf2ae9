import '../support/environment';
import { TransientError } from '#shared/errors';
import type { Carrier } from '../../../../../services/shipping/src/domain/carrier';
import { createSimulatedCarrier } from '../../../../../services/shipping/src/adapters/carrier';
import { makeHandler } from '../../../../../services/shipping/src/handlers/createShipment';
import { startDynamo, type LocalDynamo } from '../../../../support/dynalite';
import { disabledTracer, lambdaContext, newOrderId, shipmentRequest, shipmentsOn, silentLogger } from '../support/fakes';

const NOW = new Date('2026-11-25T09:38:00.000Z');
let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynamo(['shipping']);
});
afterAll(() => dynamo.stop());

const setup = (carrier: Carrier = createSimulatedCarrier(), now = () => NOW) => {
  const shipments = shipmentsOn(dynamo);
  const handler = makeHandler({ carrier, shipments, logger: silentLogger(), tracer: disabledTracer(), now });
  return { shipments, invoke: (payload: unknown) => handler(payload, lambdaContext('createShipment')) };
};

describe('createShipment', () => {
  it('books the carrier, stores a CREATED shipment and returns it when the carrier accepts', async () => {
    const { invoke, shipments } = setup();
    const request = shipmentRequest(newOrderId());

    const result = await invoke(request);

    expect(result).toEqual({
      outcome: 'CREATED',
      shipmentId: expect.stringMatching(/^shp_/) as unknown,
      carrier: 'simulated-post',
      trackingNumber: expect.stringMatching(/^SP\d{9}GB$/) as unknown,
      createdAt: NOW.toISOString(),
      failureReason: null,
      failedAt: null,
      cancelledAt: null,
      cancelledBy: null,
    });
    await expect(shipments.get(request.orderId)).resolves.toMatchObject({ status: 'CREATED', shipmentId: result.shipmentId });
  });

  it('stores a FAILED shipment and returns REJECTED when the carrier rejects', async () => {
    const { invoke, shipments } = setup();
    const request = shipmentRequest(newOrderId(), 'REJECT');

    await expect(invoke(request)).resolves.toMatchObject({ outcome: 'REJECTED', failureReason: 'CARRIER_REJECTED', failedAt: NOW.toISOString() });
    await expect(shipments.get(request.orderId)).resolves.toMatchObject({ status: 'FAILED', failureReason: 'CARRIER_REJECTED' });
  });

  it('returns the first shipment again when the task is retried later', async () => {
    const request = shipmentRequest(newOrderId());
    const first = await setup().invoke(request);

    const retried = await setup(createSimulatedCarrier(), () => new Date('2026-11-25T10:00:00.000Z')).invoke(request);

    expect(retried).toEqual(first);
  });

  it('books nothing and answers CANCELLED when the order was cancelled before its shipment', async () => {
    const carrier = createSimulatedCarrier();
    const book = jest.spyOn(carrier, 'book');
    const { invoke, shipments } = setup(carrier);
    const request = shipmentRequest(newOrderId());
    await shipments.cancel(request.orderId, { causationId: `${request.orderId}:cancelled`, cancelledAt: NOW.toISOString() });

    const result = await invoke(request);

    expect(book).not.toHaveBeenCalled();
    expect(result).toMatchObject({ outcome: 'CANCELLED', shipmentId: `unbooked-${request.orderId}`, cancelledBy: `${request.orderId}:cancelled` });
    await expect(shipments.get(request.orderId)).resolves.toMatchObject({ status: 'CANCELLED', carrier: 'none' });
  });

  it('cancels its booking with the carrier and answers CANCELLED when the cancellation landed while it booked', async () => {
    const real = createSimulatedCarrier();
    const { shipments } = setup();
    const cancel = jest.fn((orderId: string) => real.cancel(orderId));
    // OrderCancelled's tombstone is stored between this task's read and its write.
    const racing: Carrier = {
      book: async (request) => {
        await shipments.cancel(request.orderId, { causationId: `${request.orderId}:cancelled`, cancelledAt: NOW.toISOString() });
        return real.book(request);
      },
      cancel,
    };
    const request = shipmentRequest(newOrderId());

    const result = await setup(racing).invoke(request);

    expect(result.outcome).toBe('CANCELLED');
    expect(cancel).toHaveBeenCalledWith(request.orderId);
    await expect(shipments.get(request.orderId)).resolves.toMatchObject({ status: 'CANCELLED', carrier: 'none' });
  });

  it('asks the carrier nothing again when a retried task finds the shipment its first attempt stored', async () => {
    const carrier = createSimulatedCarrier();
    const book = jest.spyOn(carrier, 'book');
    const request = shipmentRequest(newOrderId());
    await setup(carrier).invoke(request);

    await setup(carrier).invoke(request);

    expect(book).toHaveBeenCalledTimes(1);
  });

  it('throws the TransientError the workflow retries when the carrier is unavailable', async () => {
    const { invoke, shipments } = setup();
    const request = shipmentRequest(newOrderId(), 'FLAKY');

    await expect(invoke(request)).rejects.toThrow(TransientError);
    await expect(shipments.get(request.orderId)).resolves.toBeUndefined();
  });

  it('throws InvalidTaskInputError naming the field when the input is malformed', async () => {
    const { invoke } = setup();

    await expect(invoke({ ...shipmentRequest(newOrderId()), lines: [] })).rejects.toMatchObject({
      name: 'InvalidTaskInputError',
      message: expect.stringContaining('lines') as unknown,
    });
  });
});
