import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PermanentError, TransientError } from '#shared/errors';
import { createDynamoShipmentRepository } from '../../../../../services/shipping/src/adapters/shipmentRepository';
import type { ShipmentRepository } from '../../../../../services/shipping/src/domain/shipmentRepository';
import { startDynamo, type LocalDynamo } from '../../../../support/dynalite';
import { callback, createdShipment, newOrderId, shipmentsOn } from '../support/fakes';

const RECEIVED_AT = new Date('2026-11-25T11:02:05.000Z');
const NOW = new Date('2026-11-26T09:38:00.000Z');

let dynamo: LocalDynamo;
let shipments: ShipmentRepository;

beforeAll(async () => {
  dynamo = await startDynamo(['shipping']);
  shipments = shipmentsOn(dynamo);
});
afterAll(() => dynamo.stop());

const stored = async (overrides: Parameters<typeof createdShipment>[1] = {}) => shipments.create(createdShipment(newOrderId(), overrides));

describe('create', () => {
  it('stores a new shipment and returns it', async () => {
    const shipment = createdShipment(newOrderId());

    await expect(shipments.create(shipment)).resolves.toEqual(shipment);
    await expect(shipments.get(shipment.orderId)).resolves.toEqual(shipment);
  });

  it('keeps the first shipment and returns it when the order already has one', async () => {
    const first = await stored();

    const again = await shipments.create({ ...first, shipmentId: 'shp_other', createdAt: NOW.toISOString() });

    expect(again).toEqual(first);
    await expect(shipments.get(first.orderId)).resolves.toEqual(first);
  });
});

describe('orderIdOf', () => {
  it('finds the order of a carrier shipment id', async () => {
    const shipment = await stored();

    await expect(shipments.orderIdOf(shipment.shipmentId)).resolves.toBe(shipment.orderId);
  });

  it('answers undefined when the shipment id is unknown', async () => {
    await expect(shipments.orderIdOf('shp_nobody')).resolves.toBeUndefined();
  });
});

describe('recordCallback', () => {
  it('records a dispatch report and moves a created shipment to DISPATCHED', async () => {
    const shipment = await stored();

    const { outcome, shipment: after } = await shipments.recordCallback(shipment.orderId, callback(shipment.shipmentId, 'DISPATCHED'), RECEIVED_AT);

    expect(outcome).toBe('recorded');
    expect(after).toMatchObject({
      status: 'DISPATCHED',
      dispatchedAt: '2026-11-25T11:02:00.000Z',
      callbacks: {
        [`cb_${shipment.shipmentId}_dispatched`]: { status: 'DISPATCHED', occurredAt: '2026-11-25T11:02:00.000Z', receivedAt: RECEIVED_AT.toISOString() },
      },
    });
  });

  it('answers duplicate and changes nothing when the same callback comes again', async () => {
    const shipment = await stored();
    const report = callback(shipment.shipmentId, 'DISPATCHED');
    const first = await shipments.recordCallback(shipment.orderId, report, RECEIVED_AT);

    const again = await shipments.recordCallback(shipment.orderId, report, NOW);

    expect(again).toEqual({ outcome: 'duplicate', shipment: first.shipment });
  });

  it('moves a shipment straight to DELIVERED and keeps it there when the dispatch report comes late', async () => {
    const shipment = await stored();
    await shipments.recordCallback(shipment.orderId, callback(shipment.shipmentId, 'DELIVERED'), RECEIVED_AT);

    const late = await shipments.recordCallback(shipment.orderId, callback(shipment.shipmentId, 'DISPATCHED'), NOW);

    expect(late.outcome).toBe('recorded');
    expect(late.shipment).toMatchObject({ status: 'DELIVERED', deliveredAt: '2026-11-26T14:45:00.000Z', dispatchedAt: '2026-11-25T11:02:00.000Z' });
    expect(Object.keys(late.shipment.callbacks)).toHaveLength(2);
  });

  it('records a report on a failed shipment without moving it', async () => {
    const shipment = await stored({ status: 'FAILED', failedAt: NOW.toISOString(), failureReason: 'DISPATCH_TIMED_OUT' });

    const late = await shipments.recordCallback(shipment.orderId, callback(shipment.shipmentId, 'DISPATCHED'), NOW);

    expect(late.outcome).toBe('recorded');
    expect(late.shipment).toMatchObject({ status: 'FAILED', failureReason: 'DISPATCH_TIMED_OUT' });
    expect(late.shipment.callbacks[`cb_${shipment.shipmentId}_dispatched`]).toBeDefined();
  });

  it('keeps the first report time when a second report of the same status has another callback id', async () => {
    const shipment = await stored();
    await shipments.recordCallback(shipment.orderId, callback(shipment.shipmentId, 'DISPATCHED'), RECEIVED_AT);

    const second = await shipments.recordCallback(
      shipment.orderId,
      callback(shipment.shipmentId, 'DISPATCHED', { callbackId: 'cb_again', occurredAt: '2026-11-25T12:00:00.000Z' }),
      NOW,
    );

    expect(second.outcome).toBe('recorded');
    expect(second.shipment.dispatchedAt).toBe('2026-11-25T11:02:00.000Z');
  });

  it('records each of many concurrent reports exactly once', async () => {
    const shipment = await stored();
    const reports = [callback(shipment.shipmentId, 'DISPATCHED'), callback(shipment.shipmentId, 'DELIVERED')];

    const outcomes = await Promise.all(
      [...reports, ...reports, ...reports].map((report) => shipments.recordCallback(shipment.orderId, report, RECEIVED_AT)),
    );

    expect(outcomes.filter(({ outcome }) => outcome === 'recorded')).toHaveLength(2);
    await expect(shipments.get(shipment.orderId)).resolves.toMatchObject({ status: 'DELIVERED' });
  });
});

describe('registerWait', () => {
  it('stores the task token and the awaited status, replacing an earlier wait', async () => {
    const shipment = await stored({ wait: { awaiting: 'DISPATCHED', taskToken: 'old' } });

    const after = await shipments.registerWait(shipment.orderId, 'DELIVERED', 'new');

    expect(after.wait).toEqual({ awaiting: 'DELIVERED', taskToken: 'new' });
  });

  it('returns the shipment with a report recorded before the wait began', async () => {
    const shipment = await stored();
    await shipments.recordCallback(shipment.orderId, callback(shipment.shipmentId, 'DISPATCHED'), RECEIVED_AT);

    await expect(shipments.registerWait(shipment.orderId, 'DISPATCHED', 't')).resolves.toMatchObject({ status: 'DISPATCHED' });
  });

  it('throws a PermanentError when the order has no shipment', async () => {
    await expect(shipments.registerWait(newOrderId(), 'DISPATCHED', 't')).rejects.toThrow(PermanentError);
  });
});

describe('expireWait', () => {
  it('fails a shipment with DISPATCH_TIMED_OUT and forgets its wait when no dispatch came', async () => {
    const shipment = await stored({ wait: { awaiting: 'DISPATCHED', taskToken: 't' } });

    const after = await shipments.expireWait(shipment.orderId, 'DISPATCHED', NOW);

    expect(after).toMatchObject({ status: 'FAILED', failureReason: 'DISPATCH_TIMED_OUT', failedAt: NOW.toISOString() });
    expect(after.wait).toBeUndefined();
  });

  it('fails a dispatched shipment with DELIVERY_TIMED_OUT when no delivery came', async () => {
    const shipment = await stored({ status: 'DISPATCHED' });

    await expect(shipments.expireWait(shipment.orderId, 'DELIVERED', NOW)).resolves.toMatchObject({ status: 'FAILED', failureReason: 'DELIVERY_TIMED_OUT' });
  });

  it('leaves the shipment as it is when the awaited report arrived just after the timeout', async () => {
    const shipment = await stored({ wait: { awaiting: 'DISPATCHED', taskToken: 't' } });
    await shipments.recordCallback(shipment.orderId, callback(shipment.shipmentId, 'DISPATCHED'), RECEIVED_AT);

    const after = await shipments.expireWait(shipment.orderId, 'DISPATCHED', NOW);

    expect(after).toMatchObject({ status: 'DISPATCHED' });
    expect(after.failureReason).toBeUndefined();
  });

  it('keeps the first failure when it runs again', async () => {
    const shipment = await stored();
    const first = await shipments.expireWait(shipment.orderId, 'DISPATCHED', NOW);

    await expect(shipments.expireWait(shipment.orderId, 'DISPATCHED', new Date('2026-12-01T00:00:00.000Z'))).resolves.toEqual(first);
  });
});

describe('when DynamoDB cannot be reached', () => {
  const unreachable = createDynamoShipmentRepository({
    client: DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: 'http://127.0.0.1:9', region: 'eu-west-1', maxAttempts: 1, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    ),
    tableName: 'ordering-shipping-dev-shipments',
  });

  it.each([
    ['create', () => unreachable.create(createdShipment(newOrderId()))],
    ['orderIdOf', () => unreachable.orderIdOf('shp_1')],
    ['recordCallback', () => unreachable.recordCallback(newOrderId(), callback('shp_1', 'DISPATCHED'), NOW)],
    ['registerWait', () => unreachable.registerWait(newOrderId(), 'DISPATCHED', 't')],
    ['expireWait', () => unreachable.expireWait(newOrderId(), 'DISPATCHED', NOW)],
    ['get', () => unreachable.get(newOrderId())],
  ])('%s throws a TransientError, which the workflow retries', async (_method, call) => {
    await expect(call()).rejects.toThrow(TransientError);
  });
});
