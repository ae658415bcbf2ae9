import '../../unit/services/shipping/support/environment';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { orderConfirmed, parseEvent, type OutgoingEvent } from '#shared/contracts';
import { TransientError } from '#shared/errors';
import type { ResumeResult, TaskResumer } from '#shared/workflows';
import { TaskTokenClosedError, TaskTokens } from '../../../local/stepfunctions/taskTokens';
import { createSimulatedCarrier } from '../../../services/shipping/src/adapters/carrier';
import type { Carrier } from '../../../services/shipping/src/domain/carrier';
import type { CarrierCallback } from '../../../services/shipping/src/domain/carrierCallback';
import type { CarrierStatus, Shipment } from '../../../services/shipping/src/domain/shipment';
import { shipmentWorkflowFor, type ShipmentTimeouts } from '../../../services/shipping/src/domain/workflowStarts';
import { makeHandler as awaitCarrier } from '../../../services/shipping/src/handlers/awaitCarrier';
import { makeHandler as createShipment } from '../../../services/shipping/src/handlers/createShipment';
import { makeHandler as expireWait } from '../../../services/shipping/src/handlers/expireWait';
import { makeHandler as onOrderCancelled } from '../../../services/shipping/src/handlers/onOrderCancelled';
import { makeHandler as publishShipmentEvent } from '../../../services/shipping/src/handlers/publishShipmentEvent';
import { makeHandler as recordBookingFailure } from '../../../services/shipping/src/handlers/recordBookingFailure';
import { makeHandler as recordCarrierCallback } from '../../../services/shipping/src/handlers/recordCarrierCallback';
import { startDynamo, type LocalDynamo } from '../../support/dynalite';
import { runWorkflow, type TaskHandler, type WorkflowRun } from '../../support/workflows';
import {
  carrierSigner,
  disabledTracer,
  fixedSecret,
  lambdaContext,
  newOrderId,
  RecordingPublisher,
  shipmentsOn,
  silentLogger,
  usedSignaturesOn,
} from '../../unit/services/shipping/support/fakes';

const SAMPLE = JSON.parse(readFileSync(join(__dirname, '../../../shared/contracts/samples/OrderConfirmed.v1.json'), 'utf8')) as {
  detail: { data: { orderId: string; shippingAddress: { postalCode: string } }; metadata: Record<string, string> };
};
/** The OrderCancelled that shipping's queue delivers (`events/onOrderCancelled.json`), about the sample order. */
const CANCELLED_SAMPLE = readFileSync(join(__dirname, '../../../services/shipping/events/onOrderCancelled.json'), 'utf8');
/** Long enough never to fire unless a test means it to. */
const PATIENT: ShipmentTimeouts = { dispatchSeconds: 60, deliverySeconds: 60 };

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynamo(['shipping']);
});
afterAll(() => dynamo.stop());

/** The workflow input onOrderConfirmed would start with, for a fresh order. */
const confirmedOrder = (postalCode: string, timeouts: ShipmentTimeouts) => {
  const orderId = newOrderId();
  const event = structuredClone(SAMPLE);
  event.detail.data.orderId = orderId;
  event.detail.data.shippingAddress.postalCode = postalCode;
  event.detail.metadata['idempotency-key'] = `${orderId}:confirmed`;
  event.detail.metadata['correlation-id'] = orderId;
  return { orderId, start: shipmentWorkflowFor(parseEvent([orderConfirmed], event), timeouts) };
};

/** The carrier posting a report to the real webhook: the answer's status code and body. */
type Post = (status: CarrierStatus, overrides?: Partial<CarrierCallback>) => Promise<{ statusCode: number | undefined; outcome?: string; status?: string }>;

/**
 * Ships one order through the packaged state machine with the real handlers on DynamoDB. The carrier's
 * callbacks go through the real webhook handler, each signed afresh as the carrier signs them, whose resumer
 * settles the local execution's task tokens exactly as SendTaskSuccess would (a token answers once; a closed
 * one is "already-closed").
 */
const ship = ({
  postalCode = 'N1 9GU',
  timeouts = PATIENT,
  carrier = createSimulatedCarrier(),
  wrap = {},
}: {
  postalCode?: string;
  timeouts?: ShipmentTimeouts;
  carrier?: Carrier;
  /**
   * Replaces a task's handler, given the real one and the order's carrier and customer: to act at a precise
   * point of the workflow.
   */
  wrap?: Partial<Record<'createShipment' | 'expireWait', (real: TaskHandler, order: { post: Post; cancel: () => Promise<void> }) => TaskHandler>>;
} = {}) => {
  const { orderId, start } = confirmedOrder(postalCode, timeouts);
  const shipments = shipmentsOn(dynamo);
  const publisher = new RecordingPublisher();
  const taskTokens = new TaskTokens();
  const resumer: TaskResumer = {
    succeed: (token, output) => settle(() => taskTokens.succeed(token, output)),
    fail: (token, error, cause) => settle(() => taskTokens.fail(token, error, cause)),
  };
  const dependencies = { logger: silentLogger(), tracer: disabledTracer() };
  const asTask =
    (name: string, handler: (payload: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>): TaskHandler =>
    (payload) =>
      handler(payload, lambdaContext(name));
  const webhook = recordCarrierCallback({ shipments, resumer, usedSignatures: usedSignaturesOn(dynamo), secret: fixedSecret(), ...dependencies });
  const sign = carrierSigner();

  const post: Post = async (status, overrides = {}) => {
    const shipment = await shipments.get(orderId);
    const body: CarrierCallback = {
      shipmentId: shipment?.shipmentId ?? 'shp_unknown',
      status,
      occurredAt: status === 'DISPATCHED' ? '2026-11-25T11:02:00.000Z' : '2026-11-26T14:45:00.000Z',
      callbackId: `cb_${status.toLowerCase()}`,
      ...overrides,
    };
    const response = await webhook(sign(JSON.stringify(body)), lambdaContext('recordCarrierCallback'));
    return { statusCode: response.statusCode, ...(JSON.parse(String(response.body)) as { outcome?: string; status?: string }) };
  };

  /** OrderCancelled for this order, delivered to shipping's real consumer; its resumes settle this execution's tokens. */
  const consumer = onOrderCancelled({
    shipments,
    carrier,
    resumer,
    deadLetters: { send: () => Promise.reject(new Error('nothing should be dead-lettered here')) },
    maxReceiveCount: 5,
    ...dependencies,
  });
  const cancel = async () => {
    const event = JSON.parse(CANCELLED_SAMPLE.split(SAMPLE.detail.data.orderId).join(orderId)) as Parameters<typeof consumer>[0];
    const { batchItemFailures } = await consumer(event, lambdaContext('onOrderCancelled'));
    if (batchItemFailures.length > 0) throw new Error('onOrderCancelled failed the message');
  };

  const realExpire = asTask('expireWait', expireWait({ shipments, ...dependencies }));
  const realCreate = asTask('createShipment', createShipment({ carrier, shipments, ...dependencies }));
  const run: WorkflowRun = runWorkflow({
    stack: 'shipping',
    workflow: 'shipment',
    input: start.input,
    executionName: start.name,
    taskTokens,
    handlers: {
      createShipment: wrap.createShipment ? wrap.createShipment(realCreate, { post, cancel }) : realCreate,
      recordBookingFailure: asTask('recordBookingFailure', recordBookingFailure({ shipments, ...dependencies })),
      awaitCarrier: asTask('awaitCarrier', awaitCarrier({ shipments, resumer, ...dependencies })),
      expireWait: wrap.expireWait ? wrap.expireWait(realExpire, { post, cancel }) : realExpire,
      publishShipmentEvent: asTask('publishShipmentEvent', publishShipmentEvent({ publisher, ...dependencies })),
    },
  });

  /** Resolves once the workflow's task waits for `awaiting`: the moment a test plays the carrier. */
  const waitingFor = (awaiting: CarrierStatus) =>
    eventually(async () => (await shipments.get(orderId))?.wait?.awaiting === awaiting && taskTokens.pending > 0);

  return { orderId, run, post, cancel, waitingFor, publisher, shipments, taskTokens };
};

const settle = (send: () => void): Promise<ResumeResult> => {
  try {
    send();
    return Promise.resolve('resumed');
  } catch (error) {
    if (error instanceof TaskTokenClosedError) return Promise.resolve('already-closed');
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
};

const eventually = async (condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

const facts = (publisher: RecordingPublisher) =>
  publisher.published.map((event: OutgoingEvent) => ({
    type: event.detailType,
    key: event.detail.metadata['idempotency-key'],
    cause: event.detail.metadata['causation-id'],
    data: event.detail.data,
  }));

describe('shipment workflow', () => {
  it('publishes created, dispatched and delivered, each caused by the one before, when the carrier reports in order', async () => {
    const { orderId, run, post, waitingFor, publisher, shipments } = ship();

    await waitingFor('DISPATCHED');
    await expect(post('DISPATCHED')).resolves.toEqual({ statusCode: 202, outcome: 'recorded', status: 'DISPATCHED' });
    await waitingFor('DELIVERED');
    await expect(post('DELIVERED')).resolves.toEqual({ statusCode: 202, outcome: 'recorded', status: 'DELIVERED' });
    await run.result;

    expect(facts(publisher)).toEqual([
      { type: 'ShipmentCreated', key: `${orderId}:shipment-created`, cause: `${orderId}:confirmed`, data: expect.objectContaining({ orderId }) as unknown },
      {
        type: 'ShipmentDispatched',
        key: `${orderId}:shipment-dispatched`,
        cause: `${orderId}:shipment-created`,
        data: expect.objectContaining({ dispatchedAt: '2026-11-25T11:02:00.000Z' }) as unknown,
      },
      {
        type: 'ShipmentDelivered',
        key: `${orderId}:shipment-delivered`,
        cause: `${orderId}:shipment-dispatched`,
        data: expect.objectContaining({ deliveredAt: '2026-11-26T14:45:00.000Z' }) as unknown,
      },
    ]);
    await expect(shipments.get(orderId)).resolves.toMatchObject({ status: 'DELIVERED' });
  });

  it('skips the dispatch path and keeps the shipment DELIVERED when delivery is reported before dispatch', async () => {
    const { orderId, run, post, waitingFor, publisher, shipments } = ship();

    await waitingFor('DISPATCHED');
    await post('DELIVERED');
    await run.result;
    const late = await post('DISPATCHED');

    expect(late).toEqual({ statusCode: 202, outcome: 'recorded', status: 'DELIVERED' });
    expect(facts(publisher).map(({ type, cause }) => [type, cause])).toEqual([
      ['ShipmentCreated', `${orderId}:confirmed`],
      ['ShipmentDelivered', `${orderId}:shipment-created`],
    ]);
    expect(run.statesEntered()).not.toContain('AwaitDelivery');
    await expect(shipments.get(orderId)).resolves.toMatchObject({
      status: 'DELIVERED',
      dispatchedAt: '2026-11-25T11:02:00.000Z',
      deliveredAt: '2026-11-26T14:45:00.000Z',
    });
  });

  it('resumes itself when the carrier reported before the workflow began to wait', async () => {
    const { run, post, waitingFor, publisher } = ship();
    // The carrier calls back the moment the shipment is announced, before AwaitDispatch stores its token.
    publisher.onPublish = async (event) => {
      if (event.detailType === 'ShipmentCreated') await post('DISPATCHED');
    };

    await waitingFor('DELIVERED');
    await post('DELIVERED');
    await run.result;

    expect(publisher.detailTypes()).toEqual(['ShipmentCreated', 'ShipmentDispatched', 'ShipmentDelivered']);
  });

  it('fails the shipment with DISPATCH_TIMED_OUT and ignores a late report when the carrier never dispatches', async () => {
    const { orderId, run, post, publisher, shipments, taskTokens } = ship({ timeouts: { dispatchSeconds: 1, deliverySeconds: 60 } });

    await run.result;
    const late = await post('DISPATCHED');

    expect(facts(publisher).map(({ type, data }) => [type, (data as { reason?: string }).reason])).toEqual([
      ['ShipmentCreated', undefined],
      ['ShipmentFailed', 'DISPATCH_TIMED_OUT'],
    ]);
    expect(run.statesEntered()).toContain('ExpireDispatchWait');
    expect(late).toEqual({ statusCode: 202, outcome: 'recorded', status: 'FAILED' });
    await expect(shipments.get(orderId)).resolves.toMatchObject({ status: 'FAILED', failureReason: 'DISPATCH_TIMED_OUT' });
    expect(publisher.published).toHaveLength(2);
    expect(taskTokens.pending).toBe(0);
  });

  it('fails the shipment with DELIVERY_TIMED_OUT when the parcel is dispatched but never delivered', async () => {
    const { orderId, run, post, waitingFor, publisher } = ship({ timeouts: { dispatchSeconds: 60, deliverySeconds: 1 } });

    await waitingFor('DISPATCHED');
    await post('DISPATCHED');
    await run.result;

    expect(facts(publisher).map(({ type, cause }) => [type, cause])).toEqual([
      ['ShipmentCreated', `${orderId}:confirmed`],
      ['ShipmentDispatched', `${orderId}:shipment-created`],
      ['ShipmentFailed', `${orderId}:shipment-dispatched`],
    ]);
    expect(publisher.published[2]?.detail.data).toMatchObject({ reason: 'DELIVERY_TIMED_OUT' });
  });

  it('carries on instead of failing when the report lands between the timeout and the expiry', async () => {
    const shipping = ship({
      timeouts: { dispatchSeconds: 1, deliverySeconds: 60 },
      wrap: {
        // The carrier's report arrives after the wait timed out but before the expiry task writes.
        expireWait: (real) => async (payload) => {
          await shipping.post('DISPATCHED');
          return real(payload);
        },
      },
    });

    await shipping.waitingFor('DELIVERED');
    await shipping.post('DELIVERED');
    await shipping.run.result;

    expect(shipping.publisher.detailTypes()).toEqual(['ShipmentCreated', 'ShipmentDispatched', 'ShipmentDelivered']);
    await expect(shipping.shipments.get(shipping.orderId)).resolves.toMatchObject({ status: 'DELIVERED' });
  });

  it('publishes ShipmentFailed with CARRIER_REJECTED and waits for nothing when the carrier rejects the parcel', async () => {
    const { orderId, run, publisher, shipments } = ship({ postalCode: 'REJECT 1' });

    await run.result;

    expect(facts(publisher)).toEqual([
      {
        type: 'ShipmentFailed',
        key: `${orderId}:shipment-failed`,
        cause: `${orderId}:confirmed`,
        data: expect.objectContaining({ reason: 'CARRIER_REJECTED' }) as unknown,
      },
    ]);
    expect(run.statesEntered()).not.toContain('AwaitDispatch');
    await expect(shipments.get(orderId)).resolves.toMatchObject({ status: 'FAILED', failureReason: 'CARRIER_REJECTED' });
  });

  it('publishes each fact once when the carrier sends every callback twice', async () => {
    const { run, post, waitingFor, publisher } = ship({ postalCode: 'ECHO' });

    await waitingFor('DISPATCHED');
    const dispatched = [await post('DISPATCHED'), await post('DISPATCHED')];
    await waitingFor('DELIVERED');
    const delivered = [await post('DELIVERED'), await post('DELIVERED')];
    await run.result;

    expect([...dispatched, ...delivered].map(({ outcome }) => outcome)).toEqual(['recorded', 'duplicate', 'recorded', 'duplicate']);
    expect(publisher.detailTypes()).toEqual(['ShipmentCreated', 'ShipmentDispatched', 'ShipmentDelivered']);
  });

  it('retries the booking and ships once when the carrier is unavailable at first', async () => {
    const carrier = createSimulatedCarrier();
    const book = jest.spyOn(carrier, 'book');
    const { orderId, run, post, waitingFor, publisher } = ship({ postalCode: 'FLAKY', carrier });

    await waitingFor('DISPATCHED');
    await post('DISPATCHED');
    await waitingFor('DELIVERED');
    await post('DELIVERED');
    await run.result;

    expect(book).toHaveBeenCalledTimes(2);
    expect(run.events.filter((event) => event.type === 'StateRetried').map((event) => event.stateName)).toEqual(['CreateShipment']);
    expect(publisher.published.filter((event) => event.detailType === 'ShipmentCreated')).toHaveLength(1);
    expect(publisher.published[0]?.detail.data).toMatchObject({ orderId });
  });

  it('publishes ShipmentFailed with CARRIER_UNAVAILABLE at once, waiting for nothing, when no booking attempt reaches the carrier', async () => {
    // Arrange
    const carrier: Carrier = {
      book: () => Promise.reject(new TransientError('carrier unavailable')),
      cancel: () => Promise.reject(new TransientError('carrier unavailable')),
    };

    // Act
    const { orderId, run, publisher, shipments } = ship({ carrier });
    await run.result;

    // Assert
    expect(run.events.filter((event) => event.type === 'StateRetried').map((event) => event.stateName)).toEqual(Array(5).fill('CreateShipment'));
    expect(facts(publisher)).toEqual([
      {
        type: 'ShipmentFailed',
        key: `${orderId}:shipment-failed`,
        cause: `${orderId}:confirmed`,
        data: { orderId, shipmentId: `unbooked-${orderId}`, reason: 'CARRIER_UNAVAILABLE' },
      },
    ]);
    await expect(shipments.get(orderId)).resolves.toMatchObject({ status: 'FAILED', failureReason: 'CARRIER_UNAVAILABLE' });
  });

  it('ships with the booking a lost reply had stored when every booking attempt books but never answers', async () => {
    // Arrange
    const loseReply = (real: TaskHandler): TaskHandler => async (payload) => {
      await real(payload);
      throw new TransientError('reply lost');
    };

    // Act
    const { orderId, run, post, waitingFor, publisher } = ship({ wrap: { createShipment: loseReply } });
    await waitingFor('DISPATCHED');
    await post('DISPATCHED');
    await waitingFor('DELIVERED');
    await post('DELIVERED');
    await run.result;

    // Assert
    expect(publisher.published.map((event) => event.detailType)).toEqual(['ShipmentCreated', 'ShipmentDispatched', 'ShipmentDelivered']);
    expect(publisher.published[0]?.detail.data).toMatchObject({ orderId, carrier: expect.not.stringMatching(/^none$/) as unknown });
  });
});

describe('shipment workflow, when the order is cancelled', () => {
  const cancelledBy = (orderId: string) => `${orderId}:cancelled`;

  it('cancels with the carrier, publishes ShipmentCancelled caused by OrderCancelled and ends when the cancellation resumes the wait for dispatch', async () => {
    // Arrange
    const carrier = createSimulatedCarrier();
    const cancelWithCarrier = jest.spyOn(carrier, 'cancel');
    const { orderId, run, cancel, waitingFor, publisher, shipments, taskTokens } = ship({ carrier });
    await waitingFor('DISPATCHED');

    // Act
    await cancel();
    await run.result;

    // Assert
    expect(facts(publisher)).toEqual([
      expect.objectContaining({ type: 'ShipmentCreated' }) as unknown,
      { type: 'ShipmentCancelled', key: `${orderId}:shipment-cancelled`, cause: cancelledBy(orderId), data: { orderId, shipmentId: expect.stringMatching(/^shp_/) as unknown } },
    ]);
    expect(run.statesEntered().slice(-2)).toEqual(['AfterDispatchWait', 'PublishShipmentCancelled']);
    expect(cancelWithCarrier).toHaveBeenCalledWith(orderId);
    await expect(shipments.get(orderId)).resolves.toMatchObject({ status: 'CANCELLED', cancelledBy: cancelledBy(orderId) });
    expect(taskTokens.pending).toBe(0);
  });

  it('publishes ShipmentCancelled after ShipmentDispatched when the cancellation resumes the wait for delivery', async () => {
    // Arrange
    const { orderId, run, post, cancel, waitingFor, publisher } = ship();
    await waitingFor('DISPATCHED');
    await post('DISPATCHED');
    await waitingFor('DELIVERED');

    // Act
    await cancel();
    await run.result;

    // Assert
    expect(facts(publisher).map(({ type, cause }) => [type, cause])).toEqual([
      ['ShipmentCreated', `${orderId}:confirmed`],
      ['ShipmentDispatched', `${orderId}:shipment-created`],
      ['ShipmentCancelled', cancelledBy(orderId)],
    ]);
  });

  it('lets the next wait find a cancellation that landed while the workflow was between two waits', async () => {
    // Arrange
    const shipping = ship();
    // OrderCancelled lands while ShipmentDispatched is being published: no task token is stored for anyone to resume.
    shipping.publisher.onPublish = async (event) => {
      if (event.detailType === 'ShipmentDispatched') await shipping.cancel();
    };
    await shipping.waitingFor('DISPATCHED');

    // Act
    await shipping.post('DISPATCHED');
    await shipping.run.result;

    // Assert
    expect(shipping.publisher.detailTypes()).toEqual(['ShipmentCreated', 'ShipmentDispatched', 'ShipmentCancelled']);
    expect(shipping.run.statesEntered()).toContain('AwaitDelivery');
    expect(shipping.run.statesEntered()).not.toContain('ExpireDeliveryWait');
  });

  it('books nothing and publishes ShipmentCancelled at once when OrderCancelled arrived before the booking', async () => {
    // Arrange
    const carrier = createSimulatedCarrier();
    const book = jest.spyOn(carrier, 'book');
    const shipping = ship({
      carrier,
      // OrderCancelled overtook OrderConfirmed: its tombstone is stored before the booking task runs.
      wrap: {
        createShipment: (real, { cancel }) => async (payload) => {
          await cancel();
          return real(payload);
        },
      },
    });

    // Act
    await shipping.run.result;

    // Assert
    expect(book).not.toHaveBeenCalled();
    expect(facts(shipping.publisher)).toEqual([
      {
        type: 'ShipmentCancelled',
        key: `${shipping.orderId}:shipment-cancelled`,
        cause: cancelledBy(shipping.orderId),
        data: { orderId: shipping.orderId, shipmentId: `unbooked-${shipping.orderId}` },
      },
    ]);
    expect(shipping.run.statesEntered()).not.toContain('AwaitDispatch');
    await expect(shipping.shipments.get(shipping.orderId)).resolves.toMatchObject({ status: 'CANCELLED', carrier: 'none' });
  });

  it('cancels the booking with the carrier and announces no shipment when the tombstone was stored while the carrier booked', async () => {
    // Arrange
    const real = createSimulatedCarrier();
    const cancelWithCarrier = jest.fn((orderId: string) => real.cancel(orderId));
    let cancelOrder = (): Promise<void> => Promise.resolve();
    const racing: Carrier = {
      book: async (request) => {
        await cancelOrder();
        return real.book(request);
      },
      cancel: cancelWithCarrier,
    };
    const shipping = ship({ carrier: racing });
    // Bound before the booking runs: createShipment reads the shipment first, and books only after that read.
    cancelOrder = shipping.cancel;

    // Act
    await shipping.run.result;

    // Assert
    expect(shipping.publisher.detailTypes()).toEqual(['ShipmentCancelled']);
    expect(cancelWithCarrier).toHaveBeenCalledWith(shipping.orderId);
    await expect(shipping.shipments.get(shipping.orderId)).resolves.toMatchObject({ status: 'CANCELLED', carrier: 'none' });
  });

  it('records a carrier report that arrives after the cancellation as late, and resumes, publishes and moves nothing', async () => {
    // Arrange
    const { orderId, run, post, cancel, waitingFor, publisher, shipments } = ship();
    await waitingFor('DISPATCHED');
    await cancel();
    await run.result;

    // Act
    const dispatched = await post('DISPATCHED');
    const delivered = await post('DELIVERED');

    // Assert
    expect([dispatched, delivered]).toEqual([
      { statusCode: 202, outcome: 'late', status: 'CANCELLED' },
      { statusCode: 202, outcome: 'late', status: 'CANCELLED' },
    ]);
    expect(publisher.detailTypes()).toEqual(['ShipmentCreated', 'ShipmentCancelled']);
    const after = (await shipments.get(orderId)) as Shipment;
    expect(after).toMatchObject({ status: 'CANCELLED', callbacks: {} });
    expect(after.lateReports?.map(({ status }) => status)).toEqual(['DISPATCHED', 'DELIVERED']);
    expect(after.dispatchedAt).toBeUndefined();
  });
});
