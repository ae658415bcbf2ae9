import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { classifyError, PermanentError } from '#shared/errors';
import { createDynamoShipmentRepository } from '../../../../../services/shipping/src/adapters/shipmentRepository';
import { CALLBACKS_KEPT, LATE_REPORTS_KEPT } from '../../../../../services/shipping/src/domain/shipment';
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
const cancellation = (orderId: string) => ({ causationId: `${orderId}:cancelled`, cancelledAt: NOW.toISOString() });

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

  it('keeps a report on a cancelled shipment apart as late, moving nothing and leaving the callbacks alone', async () => {
    const shipment = await stored({ status: 'CANCELLED', cancelledAt: NOW.toISOString() });

    const late = await shipments.recordCallback(shipment.orderId, callback(shipment.shipmentId, 'DISPATCHED'), RECEIVED_AT);

    expect(late.outcome).toBe('late');
    expect(late.shipment).toMatchObject({
      status: 'CANCELLED',
      callbacks: {},
      lateReports: [
        { callbackId: `cb_${shipment.shipmentId}_dispatched`, status: 'DISPATCHED', occurredAt: '2026-11-25T11:02:00.000Z', receivedAt: RECEIVED_AT.toISOString() },
      ],
    });
    expect(late.shipment.dispatchedAt).toBeUndefined();
  });

  it('keeps only the first late reports when a carrier goes on reporting a cancelled shipment', async () => {
    const shipment = await stored({ status: 'CANCELLED' });
    const reports = Array.from({ length: LATE_REPORTS_KEPT + 5 }, (_, i) => callback(shipment.shipmentId, 'DELIVERED', { callbackId: `cb_${i}` }));

    const outcomes = [];
    for (const report of reports) outcomes.push((await shipments.recordCallback(shipment.orderId, report, RECEIVED_AT)).outcome);

    expect(new Set(outcomes)).toEqual(new Set(['late']));
    const after = await shipments.get(shipment.orderId);
    expect(after?.lateReports?.map(({ callbackId }) => callbackId)).toEqual(reports.slice(0, LATE_REPORTS_KEPT).map(({ callbackId }) => callbackId));
    expect(after?.callbacks).toEqual({});
  });

  it('refuses a new report without writing anything when the shipment already keeps CALLBACKS_KEPT', async () => {
    const shipment = await stored();
    for (let i = 0; i < CALLBACKS_KEPT; i++) {
      await shipments.recordCallback(shipment.orderId, callback(shipment.shipmentId, 'DISPATCHED', { callbackId: `cb_${i}` }), RECEIVED_AT);
    }
    const full = await shipments.get(shipment.orderId);

    const refused = await shipments.recordCallback(shipment.orderId, callback(shipment.shipmentId, 'DELIVERED', { callbackId: 'cb_one_too_many' }), NOW);

    expect(refused).toEqual({ outcome: 'limit-reached', shipment: full });
    await expect(shipments.get(shipment.orderId)).resolves.toEqual(full);
  });

  it('still answers duplicate for a report it keeps when the shipment is full', async () => {
    const shipment = await stored();
    const reports = Array.from({ length: CALLBACKS_KEPT }, (_, i) => callback(shipment.shipmentId, 'DISPATCHED', { callbackId: `cb_${i}` }));
    for (const report of reports) await shipments.recordCallback(shipment.orderId, report, RECEIVED_AT);

    const again = await shipments.recordCallback(shipment.orderId, reports[0] ?? callback(shipment.shipmentId, 'DISPATCHED'), NOW);

    expect(again.outcome).toBe('duplicate');
  });

  it('never keeps more than CALLBACKS_KEPT reports when new ones race for the last places', async () => {
    const shipment = await stored();
    const reports = Array.from({ length: CALLBACKS_KEPT + 10 }, (_, i) => callback(shipment.shipmentId, i % 2 ? 'DELIVERED' : 'DISPATCHED', { callbackId: `cb_${i}` }));

    const outcomes = await Promise.all(reports.map(async (report) => (await shipments.recordCallback(shipment.orderId, report, RECEIVED_AT)).outcome));

    expect(outcomes.filter((outcome) => outcome === 'recorded')).toHaveLength(CALLBACKS_KEPT);
    expect(outcomes.filter((outcome) => outcome === 'limit-reached')).toHaveLength(10);
    expect(Object.keys((await shipments.get(shipment.orderId))?.callbacks ?? {})).toHaveLength(CALLBACKS_KEPT);
  });

  it('answers duplicate when a report recorded before the cancellation comes again after it', async () => {
    const shipment = await stored();
    const report = callback(shipment.shipmentId, 'DISPATCHED');
    await shipments.recordCallback(shipment.orderId, report, RECEIVED_AT);
    await shipments.cancel(shipment.orderId, cancellation(shipment.orderId));

    const again = await shipments.recordCallback(shipment.orderId, report, NOW);

    expect(again.outcome).toBe('duplicate');
    expect(again.shipment.lateReports).toBeUndefined();
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

describe('cancel', () => {
  it('stores the tombstone and answers tombstoned when the order has no shipment yet', async () => {
    const orderId = newOrderId();

    const { outcome, shipment } = await shipments.cancel(orderId, cancellation(orderId));

    expect(outcome).toBe('tombstoned');
    expect(shipment).toMatchObject({ orderId, shipmentId: `unbooked-${orderId}`, status: 'CANCELLED', cancelledBy: `${orderId}:cancelled` });
    await expect(shipments.get(orderId)).resolves.toEqual(shipment);
  });

  it('keeps the tombstone, so the shipment a later booking tries to store is refused', async () => {
    const orderId = newOrderId();
    const { shipment: tombstone } = await shipments.cancel(orderId, cancellation(orderId));

    await expect(shipments.create(createdShipment(orderId))).resolves.toEqual(tombstone);
  });

  it.each(['CREATED', 'DISPATCHED'] as const)('cancels a %s shipment and keeps its wait for the task to be resumed', async (status) => {
    const shipment = await stored({ status, wait: { awaiting: 'DELIVERED', taskToken: 't' } });

    const { outcome, shipment: after } = await shipments.cancel(shipment.orderId, cancellation(shipment.orderId));

    expect(outcome).toBe('cancelled');
    expect(after).toMatchObject({
      status: 'CANCELLED',
      cancelledAt: NOW.toISOString(),
      cancelledBy: `${shipment.orderId}:cancelled`,
      trackingNumber: shipment.trackingNumber,
      wait: { awaiting: 'DELIVERED', taskToken: 't' },
    });
  });

  it('answers duplicate and keeps the first cancellation when OrderCancelled comes again', async () => {
    const shipment = await stored();
    const first = await shipments.cancel(shipment.orderId, cancellation(shipment.orderId));

    const again = await shipments.cancel(shipment.orderId, { causationId: 'other', cancelledAt: '2026-12-01T00:00:00.000Z' });

    expect(again).toEqual({ outcome: 'duplicate', shipment: first.shipment });
  });

  it.each([
    ['DELIVERED', { status: 'DELIVERED' as const, deliveredAt: NOW.toISOString() }],
    ['FAILED', { status: 'FAILED' as const, failedAt: NOW.toISOString(), failureReason: 'DISPATCH_TIMED_OUT' as const }],
  ])('leaves a %s shipment as it is and answers not-open', async (status, overrides) => {
    const shipment = await stored(overrides);

    const { outcome, shipment: after } = await shipments.cancel(shipment.orderId, cancellation(shipment.orderId));

    expect(outcome).toBe('not-open');
    expect(after).toEqual(shipment);
    expect(after.status).toBe(status);
  });

  it('cancels exactly once when the cancellation and a delivery report race', async () => {
    const shipment = await stored({ status: 'DISPATCHED' });

    const [cancelled, reported] = await Promise.all([
      shipments.cancel(shipment.orderId, cancellation(shipment.orderId)),
      shipments.recordCallback(shipment.orderId, callback(shipment.shipmentId, 'DELIVERED'), RECEIVED_AT),
    ]);

    // Whichever wrote first decided; the other saw what it wrote and changed nothing.
    const after = await shipments.get(shipment.orderId);
    expect(['CANCELLED', 'DELIVERED']).toContain(after?.status);
    expect([cancelled.outcome, reported.outcome]).toEqual(after?.status === 'CANCELLED' ? ['cancelled', 'late'] : ['not-open', 'recorded']);
  });
});

describe('when DynamoDB throttles', () => {
  const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
  mockClient(client).onAnyCommand().rejects(throttled);
  const busy = createDynamoShipmentRepository({ client, tableName: 'ordering-shipping-dev-shipments' });

  it.each([
    ['create', () => busy.create(createdShipment(newOrderId()))],
    ['orderIdOf', () => busy.orderIdOf('shp_1')],
    ['recordCallback', () => busy.recordCallback(newOrderId(), callback('shp_1', 'DISPATCHED'), NOW)],
    ['registerWait', () => busy.registerWait(newOrderId(), 'DISPATCHED', 't')],
    ['expireWait', () => busy.expireWait(newOrderId(), 'DISPATCHED', NOW)],
    ['cancel', () => busy.cancel(newOrderId(), cancellation('ord_x'))],
    ['get', () => busy.get(newOrderId())],
  ])('%s lets the throttle through unchanged, which the task and consumer boundary retries', async (_method, call) => {
    const error: unknown = await call().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    expect(error).toBe(throttled);
    expect(classifyError(error)).toMatchObject({ name: 'TransientError' });
  });
});
