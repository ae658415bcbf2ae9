import '../support/environment';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { TransientError } from '#shared/errors';
import type { DeadLetterPort } from '#shared/middlewares';
import { createSimulatedCarrier } from '../../../../../services/shipping/src/adapters/carrier';
import type { Carrier, ShipmentRequest } from '../../../../../services/shipping/src/domain/carrier';
import { makeHandler } from '../../../../../services/shipping/src/handlers/onOrderCancelled';
import { startDynamo, type LocalDynamo } from '../../../../support/dynalite';
import { RecordingResumer } from '../../../../support/recordingResumer';
import { createdShipment, disabledTracer, lambdaContext, newOrderId, shipmentsOn, silentLogger } from '../support/fakes';

const SAMPLE_ORDER_ID = 'ord_7Hq2Kx9mPz4Lw8Rt';
const sample = readFileSync(join(__dirname, '../../../../../services/shipping/events/onOrderCancelled.json'), 'utf8');
const NOW = new Date('2026-11-25T09:44:00.000Z');

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynamo(['shipping']);
});
afterAll(() => dynamo.stop());

/** The sample event (`events/onOrderCancelled.json`) re-addressed to `orderId`, on its `receiveCount`-th receive. */
const orderCancelledFor = (orderId: string, receiveCount = 1): SQSEvent => {
  const event = JSON.parse(sample.split(SAMPLE_ORDER_ID).join(orderId)) as SQSEvent;
  (event.Records[0] as SQSRecord).attributes.ApproximateReceiveCount = String(receiveCount);
  return event;
};

const setup = () => {
  const shipments = shipmentsOn(dynamo);
  const resumer = new RecordingResumer();
  const real = createSimulatedCarrier();
  const carrier = {
    book: jest.fn((request: ShipmentRequest) => real.book(request)),
    cancel: jest.fn((orderId: string) => real.cancel(orderId)),
  } satisfies Carrier;
  const deadLetters: DeadLetterPort & { sent: { record: SQSRecord; error: Error }[] } = {
    sent: [],
    send(record, error) {
      this.sent.push({ record, error });
      return Promise.resolve();
    },
  };
  const handler = makeHandler({
    shipments,
    carrier,
    resumer,
    deadLetters,
    logger: silentLogger(),
    tracer: disabledTracer(),
    maxReceiveCount: 5,
    now: () => NOW,
  });
  const deliver = (event: SQSEvent) => handler(event, lambdaContext('onOrderCancelled'));
  return { shipments, resumer, carrier, deadLetters, deliver };
};

describe('onOrderCancelled', () => {
  it('leaves a tombstone, cancels nothing with the carrier and resumes nothing when the order has no shipment yet', async () => {
    // Arrange
    const { shipments, carrier, resumer, deliver } = setup();
    const orderId = newOrderId();

    // Act
    const response = await deliver(orderCancelledFor(orderId));

    // Assert
    expect(response).toEqual({ batchItemFailures: [] });
    await expect(shipments.get(orderId)).resolves.toMatchObject({
      status: 'CANCELLED',
      shipmentId: `unbooked-${orderId}`,
      cancelledAt: NOW.toISOString(),
      cancelledBy: `${orderId}:cancelled`,
    });
    expect(carrier.cancel).not.toHaveBeenCalled();
    expect(resumer.resumed).toEqual([]);
  });

  it('cancels an open shipment with the carrier and resumes its parked wait with CANCELLED', async () => {
    // Arrange
    const { shipments, carrier, resumer, deliver } = setup();
    const shipment = await shipments.create(createdShipment(newOrderId(), { status: 'DISPATCHED', wait: { awaiting: 'DELIVERED', taskToken: 'token-1' } }));

    // Act
    const response = await deliver(orderCancelledFor(shipment.orderId));

    // Assert
    expect(response).toEqual({ batchItemFailures: [] });
    expect(carrier.cancel).toHaveBeenCalledWith(shipment.orderId);
    expect(resumer.resumed).toEqual([
      {
        token: 'token-1',
        output: expect.objectContaining({ status: 'CANCELLED', cancelledAt: NOW.toISOString(), cancelledBy: `${shipment.orderId}:cancelled` }) as unknown,
      },
    ]);
    await expect(shipments.get(shipment.orderId)).resolves.toMatchObject({ status: 'CANCELLED' });
  });

  it('cancels with the carrier and tries the resume again, changing nothing stored, when OrderCancelled is redelivered', async () => {
    // Arrange
    const { shipments, carrier, resumer, deliver } = setup();
    const shipment = await shipments.create(createdShipment(newOrderId(), { wait: { awaiting: 'DISPATCHED', taskToken: 'token-1' } }));
    await deliver(orderCancelledFor(shipment.orderId));
    const before = await shipments.get(shipment.orderId);

    // Act
    const response = await deliver(orderCancelledFor(shipment.orderId, 2));

    // Assert
    expect(response).toEqual({ batchItemFailures: [] });
    expect(carrier.cancel).toHaveBeenCalledTimes(2);
    expect(resumer.resumed.map(({ token }) => token)).toEqual(['token-1']);
    await expect(shipments.get(shipment.orderId)).resolves.toEqual(before);
  });

  it.each([
    ['delivered', { status: 'DELIVERED' as const, deliveredAt: NOW.toISOString() }],
    ['failed', { status: 'FAILED' as const, failedAt: NOW.toISOString(), failureReason: 'DISPATCH_TIMED_OUT' as const }],
  ])('leaves a %s shipment as it is, without asking the carrier or resuming anything', async (_name, overrides) => {
    // Arrange
    const { shipments, carrier, resumer, deliver } = setup();
    const shipment = await shipments.create(createdShipment(newOrderId(), { ...overrides, wait: { awaiting: 'DELIVERED', taskToken: 'old-token' } }));

    // Act
    const response = await deliver(orderCancelledFor(shipment.orderId));

    // Assert
    expect(response).toEqual({ batchItemFailures: [] });
    await expect(shipments.get(shipment.orderId)).resolves.toEqual(shipment);
    expect(carrier.cancel).not.toHaveBeenCalled();
    expect(resumer.resumed).toEqual([]);
  });

  it('asks SQS to redeliver, resuming nothing yet, when the carrier cannot be reached; the redelivery finishes the job', async () => {
    // Arrange
    const { shipments, carrier, resumer, deliver } = setup();
    const shipment = await shipments.create(createdShipment(newOrderId(), { wait: { awaiting: 'DISPATCHED', taskToken: 'token-1' } }));
    carrier.cancel.mockRejectedValueOnce(new TransientError('carrier unavailable'));

    // Act
    const first = await deliver(orderCancelledFor(shipment.orderId));
    const resumedAfterFirst = resumer.resumed.length;
    const second = await deliver(orderCancelledFor(shipment.orderId, 2));

    // Assert
    expect(first.batchItemFailures).toHaveLength(1);
    expect(resumedAfterFirst).toBe(0);
    expect(second).toEqual({ batchItemFailures: [] });
    expect(resumer.resumed.map(({ token }) => token)).toEqual(['token-1']);
  });

  it('dead-letters the message and stores nothing when the event breaks its contract', async () => {
    // Arrange
    const { shipments, deadLetters, deliver } = setup();
    const orderId = newOrderId();
    const event = orderCancelledFor(orderId);
    const record = event.Records[0] as SQSRecord;
    record.body = record.body.replace('SHIPMENT_FAILED', 'CHANGED_MIND');

    // Act
    const response = await deliver(event);

    // Assert
    expect(response).toEqual({ batchItemFailures: [] });
    expect(deadLetters.sent.map(({ error }) => error.name)).toEqual(['InvalidEventError']);
    await expect(shipments.get(orderId)).resolves.toBeUndefined();
  });
});
