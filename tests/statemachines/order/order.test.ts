import '../../unit/services/order/support/environment';
import type { Context } from 'aws-lambda';
import type { ResumeResult, TaskResumer, WorkflowStarter } from '#shared/workflows';
import { TaskTokenClosedError, TaskTokens } from '../../../local/stepfunctions/taskTokens';
import { createIdempotencyKeys } from '../../../services/order/src/adapters/idempotencyKeys';
import { createOrderRepository } from '../../../services/order/src/adapters/orderRepository';
import type { Order, WorkflowTimeouts } from '../../../services/order/src/domain/order';
import type { OrderView } from '../../../services/order/src/domain/orderView';
import { makeHandler as makeAdvanceOrder } from '../../../services/order/src/handlers/advanceOrder';
import { makeHandler as makeAwaitOutcomes } from '../../../services/order/src/handlers/awaitOutcomes';
import { makeHandler as makeGetOrder } from '../../../services/order/src/handlers/getOrder';
import { makeHandler as makeOnOrderOutcome } from '../../../services/order/src/handlers/onOrderOutcome';
import { makeHandler as makePlaceOrder } from '../../../services/order/src/handlers/placeOrder';
import { startDynamo, type LocalDynamo } from '../../support/dynalite';
import { runWorkflow, type WorkflowRun } from '../../support/workflows';
import {
  catalogEvent,
  getOrderEvent,
  keyFor,
  lambdaContext,
  postOrder,
  requestBody,
  sqsEvent,
  type CatalogEventOptions,
} from '../../unit/services/order/support/events';
import {
  disabledTracer,
  RecordingDeadLetters,
  RecordingPublisher,
  silentLogger,
} from '../../unit/services/order/support/fakes';

const TABLE = 'ordering-order-dev-orders';
const KEYS_TABLE = 'ordering-order-dev-idempotency-keys';
/** Long enough never to fire unless a test means it to. */
const PATIENT: WorkflowTimeouts = { outcomesSeconds: 30, shipmentSeconds: 30 };

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynamo(['order']);
});
afterAll(() => dynamo.stop());

type Fact = [detailType: string, options?: CatalogEventOptions];

/**
 * The order service as deployed, minus AWS: the packaged `order` state machine runs on aws-local-stepfunctions
 * with the real handlers, against dynalite. Outcomes go through the real consumer as SQS batches, and its
 * resumer answers the local task tokens (the one fake: Step Functions' SendTaskSuccess).
 */
const orderService = ({ timeouts = PATIENT, hold }: { timeouts?: WorkflowTimeouts; hold?: 'OUTCOMES' | 'SHIPMENT' } = {}) => {
  const logger = silentLogger();
  const tracer = disabledTracer();
  const orders = createOrderRepository({ client: dynamo.client, tableName: TABLE });
  const keys = createIdempotencyKeys({ client: dynamo.client, tableName: KEYS_TABLE });
  const publisher = new RecordingPublisher();
  const deadLetters = new RecordingDeadLetters();
  const taskTokens = new TaskTokens();
  const resumes: { token: string; output: unknown; result: ResumeResult }[] = [];
  const resumer: TaskResumer = {
    succeed(token, output) {
      let result: ResumeResult = 'resumed';
      try {
        taskTokens.succeed(token, output);
      } catch (error) {
        // What createTaskResumer makes of AWS's TaskTimedOut/InvalidToken for a token already answered.
        if (!(error instanceof TaskTokenClosedError)) throw error;
        result = 'already-closed';
      }
      resumes.push({ token, output, result });
      return Promise.resolve(result);
    },
    fail(token, error, cause) {
      taskTokens.fail(token, error, cause);
      return Promise.resolve('resumed');
    },
  };

  // Lets a test hold the waits of one phase before they store their token, to deliver outcomes first.
  let releaseWaits: () => void = () => undefined;
  const waitsReleased = new Promise<void>((resolve) => (releaseWaits = resolve));
  const tokens: string[] = [];
  const advanceOrder = makeAdvanceOrder({ orders, publisher, logger, tracer });
  const awaitOutcomes = makeAwaitOutcomes({ orders, resumer, logger, tracer });
  const handlers = {
    advanceOrder: (payload: never) => advanceOrder(payload, lambdaContext('advanceOrder')),
    awaitOutcomes: async (payload: { token: string; phase: string }) => {
      tokens.push(payload.token);
      if (payload.phase === hold) await waitsReleased;
      return awaitOutcomes(payload, lambdaContext('awaitOutcomes'));
    },
  };

  const runs = new Map<string, WorkflowRun>();
  const workflows: WorkflowStarter = {
    start({ name, input }) {
      if (runs.has(name)) return Promise.resolve('already-started');
      runs.set(name, runWorkflow({ stack: 'order', workflow: 'order', input, handlers, taskTokens, executionName: name }));
      return Promise.resolve('started');
    },
  };

  const context = (fn: string): Context => lambdaContext(fn);
  const placeOrder = makePlaceOrder({ orders, keys, workflows, timeouts, logger, tracer });
  const getOrder = makeGetOrder({ orders, logger, tracer });
  const onOrderOutcome = makeOnOrderOutcome({ orders, resumer, deadLetters, logger, tracer, maxReceiveCount: 5 });

  return {
    orders,
    publisher,
    deadLetters,
    resumer,
    resumes,
    tokens,
    releaseWaits: () => releaseWaits(),

    /** POST /orders by the fixtures' customer, under an Idempotency-Key named after `label`; answers the order id and its workflow run. */
    async place(label: string) {
      const response = await placeOrder(postOrder(requestBody(), { 'idempotency-key': keyFor(label) }), context('placeOrder'));
      const { orderId } = JSON.parse(String(response.body)) as { orderId: string };
      const run = runs.get(`order-${orderId}`);
      if (response.statusCode !== 202 || !run) throw new Error(`order not placed: ${response.statusCode} ${String(response.body)}`);
      return { orderId, run, response };
    },

    /** Delivers catalog facts about the order through the real consumer, as one SQS batch. */
    async report(orderId: string, ...facts: Fact[]) {
      const response = await onOrderOutcome(sqsEvent(...facts.map(([type, options]) => catalogEvent(type, orderId, options))), context('onOrderOutcome'));
      expect(response).toEqual({ batchItemFailures: [] });
    },

    async view(orderId: string) {
      const response = (await getOrder(getOrderEvent(orderId), context('getOrder')));
      return JSON.parse(String(response.body)) as OrderView;
    },

    /** Resolves once the order matches, polling the table; fails after a few seconds. */
    async until(orderId: string, matches: (order: Order) => boolean, what: string) {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const order = await orders.get(orderId);
        if (order && matches(order)) return order;
        if (Date.now() > deadline) throw new Error(`order ${orderId} never ${what}: ${JSON.stringify(order)}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },

    published(orderId: string) {
      return publisher.published
        .filter((event) => event.detail.metadata['correlation-id'] === orderId)
        .map((event) => event.detailType);
    },
  };
};

type OrderService = ReturnType<typeof orderService>;

const waitingFor = (phase: 'OUTCOMES' | 'SHIPMENT') => (order: Order) => order.waiting?.phase === phase;

/** Places an order and takes it to CONFIRMED, waiting for its shipment. */
const confirmedOrder = async (service: OrderService, key: string) => {
  const placed = await service.place(key);
  await service.until(placed.orderId, waitingFor('OUTCOMES'), 'waited for its outcomes');
  await service.report(placed.orderId, ['PaymentSucceeded'], ['StockReserved']);
  await service.until(placed.orderId, waitingFor('SHIPMENT'), 'waited for its shipment');
  return placed;
};

describe('the order workflow', () => {
  it('confirms, ships and completes the order when payment, stock and shipping all succeed', async () => {
    const service = orderService();
    const { orderId, run } = await service.place('happy-path');
    await service.until(orderId, waitingFor('OUTCOMES'), 'waited for its outcomes');

    await service.report(orderId, ['PaymentSucceeded']);
    await service.report(orderId, ['StockReserved']);
    await service.until(orderId, waitingFor('SHIPMENT'), 'waited for its shipment');
    await service.report(orderId, ['ShipmentCreated'], ['ShipmentDispatched']);
    await service.report(orderId, ['ShipmentDelivered']);

    await expect(run.result).resolves.toMatchObject({ order: { status: 'COMPLETED' }, decision: { action: 'COMPLETE' } });
    expect(run.statesEntered()).toEqual([
      'PublishOrderPlaced',
      'AwaitPaymentAndStock',
      'DecidePaymentAndStock',
      'ConfirmOrder',
      'AwaitShipment',
      'DecideShipment',
      'CompleteOrder',
      'Completed',
    ]);
    expect(service.published(orderId)).toEqual(['OrderPlaced', 'OrderConfirmed', 'OrderCompleted']);
    const view = await service.view(orderId);
    expect(view).toMatchObject({
      status: 'COMPLETED',
      shipmentId: 'shp_8Vb2Nc4X',
      outcomes: { payment: 'SUCCEEDED', stock: 'RESERVED', shipment: 'DELIVERED' },
      timestamps: { confirmedAt: expect.any(String) as unknown, completedAt: expect.any(String) as unknown },
    });
    expect(view.history.map((entry) => entry.detailType)).toEqual([
      'OrderPlaced',
      'PaymentSucceeded',
      'StockReserved',
      'OrderConfirmed',
      'ShipmentCreated',
      'ShipmentDispatched',
      'ShipmentDelivered',
      'OrderCompleted',
    ]);
  });

  it('publishes what a consumer needs, caused by what decided it, when the order goes through', async () => {
    const service = orderService();
    const { orderId, run } = await confirmedOrder(service, 'event-contents');
    await service.report(orderId, ['ShipmentDelivered']);
    await run.result;

    const [placed, confirmed, completed] = service.publisher.published.filter((e) => e.detail.metadata['correlation-id'] === orderId);
    expect(placed?.detail).toMatchObject({
      metadata: { 'idempotency-key': `${orderId}:placed`, 'causation-id': keyFor('event-contents') },
      data: { orderId, customerId: 'cus_42', total: { amount: 5800, currency: 'EUR' } },
    });
    expect(confirmed?.detail).toMatchObject({
      metadata: { 'idempotency-key': `${orderId}:confirmed`, 'causation-id': `${orderId}:stock-reserved` },
      data: { orderId, lines: [{ sku: 'espresso-beans-1kg', quantity: 2 }, { sku: 'ceramic-cup', quantity: 1 }], shippingAddress: requestBody().shippingAddress },
    });
    expect(completed?.detail).toMatchObject({
      metadata: { 'idempotency-key': `${orderId}:completed`, 'causation-id': `${orderId}:shipment-delivered` },
      data: { orderId, shipmentId: 'shp_8Vb2Nc4X' },
    });
  });

  it('cancels at once for PAYMENT_DECLINED, without waiting for the stock, when the payment is declined', async () => {
    const service = orderService();
    const { orderId, run } = await service.place('payment-declined');
    await service.until(orderId, waitingFor('OUTCOMES'), 'waited for its outcomes');

    await service.report(orderId, ['PaymentDeclined']);

    await expect(run.result).resolves.toMatchObject({ order: { status: 'CANCELLED' } });
    expect(run.statesEntered()).toEqual(['PublishOrderPlaced', 'AwaitPaymentAndStock', 'DecidePaymentAndStock', 'CancelOrder', 'Cancelled']);
    expect(service.publisher.ofType('OrderCancelled').find((e) => e.detail.metadata['correlation-id'] === orderId)?.detail).toMatchObject({
      metadata: { 'causation-id': `${orderId}:payment-declined` },
      data: { orderId, reason: 'PAYMENT_DECLINED' },
    });
    await expect(service.view(orderId)).resolves.toMatchObject({ status: 'CANCELLED', cancellationReason: 'PAYMENT_DECLINED' });
  });

  it('cancels for OUT_OF_STOCK when the stock cannot be reserved although the payment succeeded', async () => {
    const service = orderService();
    const { orderId, run } = await service.place('out-of-stock');
    await service.until(orderId, waitingFor('OUTCOMES'), 'waited for its outcomes');

    await service.report(orderId, ['PaymentSucceeded'], ['StockReservationFailed']);

    await expect(run.result).resolves.toMatchObject({ order: { status: 'CANCELLED' }, decision: { reason: 'OUT_OF_STOCK' } });
    expect(service.published(orderId)).toEqual(['OrderPlaced', 'OrderCancelled']);
    await expect(service.view(orderId)).resolves.toMatchObject({ cancellationReason: 'OUT_OF_STOCK', outcomes: { payment: 'SUCCEEDED', stock: 'FAILED' } });
  });

  it('resumes itself when both outcomes arrive before the wait registers its token', async () => {
    const service = orderService({ hold: 'OUTCOMES' });
    const { orderId, run } = await service.place('outcomes-first');
    await service.until(orderId, (order) => order.processed[`${orderId}:placed`] !== undefined, 'published OrderPlaced');

    await service.report(orderId, ['StockReserved'], ['PaymentSucceeded']);
    // Nobody to wake yet: the consumer saw no token.
    expect(service.resumes).toEqual([]);
    service.releaseWaits();

    await service.until(orderId, waitingFor('SHIPMENT'), 'waited for its shipment');
    expect(service.resumes).toEqual([
      { token: service.tokens[0], output: { action: 'CONFIRM', causationId: `${orderId}:stock-reserved` }, result: 'resumed' },
    ]);
    await service.report(orderId, ['ShipmentDelivered']);
    await expect(run.result).resolves.toMatchObject({ order: { status: 'COMPLETED' } });
  });

  it('resumes itself for the shipment too when the delivery is reported before the shipment wait starts', async () => {
    const service = orderService({ hold: 'SHIPMENT' });
    const { orderId, run } = await service.place('delivered-first');
    await service.until(orderId, waitingFor('OUTCOMES'), 'waited for its outcomes');
    await service.report(orderId, ['PaymentSucceeded'], ['StockReserved']);
    await service.until(orderId, (order) => order.status === 'CONFIRMED', 'was confirmed');

    await service.report(orderId, ['ShipmentDelivered']);
    expect(service.resumes).toHaveLength(1);
    service.releaseWaits();

    await expect(run.result).resolves.toMatchObject({ order: { status: 'COMPLETED' } });
    expect(service.resumes[1]).toEqual({
      token: service.tokens[1],
      output: { action: 'COMPLETE', shipmentId: 'shp_8Vb2Nc4X', causationId: `${orderId}:shipment-delivered` },
      result: 'resumed',
    });
    expect(service.published(orderId)).toEqual(['OrderPlaced', 'OrderConfirmed', 'OrderCompleted']);
  });

  it('cancels for OUTCOMES_TIMED_OUT when no outcome arrives in time, and ignores one that comes after', async () => {
    const service = orderService({ timeouts: { outcomesSeconds: 1, shipmentSeconds: 30 } });
    const { orderId, run } = await service.place('outcomes-timeout');
    await service.until(orderId, waitingFor('OUTCOMES'), 'waited for its outcomes');
    await service.report(orderId, ['PaymentSucceeded']);

    await expect(run.result).resolves.toMatchObject({ order: { status: 'CANCELLED' }, decision: { reason: 'OUTCOMES_TIMED_OUT' } });
    expect(run.statesEntered()).toEqual(['PublishOrderPlaced', 'AwaitPaymentAndStock', 'PaymentAndStockTimedOut', 'CancelOrder', 'Cancelled']);
    expect(service.publisher.ofType('OrderCancelled').at(-1)?.detail.metadata['causation-id']).toBe(`${orderId}:placed`);

    await service.report(orderId, ['StockReserved']);
    await expect(service.view(orderId)).resolves.toMatchObject({ status: 'CANCELLED', cancellationReason: 'OUTCOMES_TIMED_OUT' });
    expect(service.published(orderId)).toEqual(['OrderPlaced', 'OrderCancelled']);
    expect(service.resumes).toEqual([]);
  });

  it('cancels for SHIPMENT_FAILED when the shipment fails after the order was confirmed', async () => {
    const service = orderService();
    const { orderId, run } = await confirmedOrder(service, 'shipment-failed');

    await service.report(orderId, ['ShipmentCreated'], ['ShipmentFailed']);

    await expect(run.result).resolves.toMatchObject({ order: { status: 'CANCELLED' }, decision: { reason: 'SHIPMENT_FAILED' } });
    expect(run.statesEntered().slice(-3)).toEqual(['DecideShipment', 'CancelOrder', 'Cancelled']);
    expect(service.published(orderId)).toEqual(['OrderPlaced', 'OrderConfirmed', 'OrderCancelled']);
    await expect(service.view(orderId)).resolves.toMatchObject({ cancellationReason: 'SHIPMENT_FAILED', outcomes: { shipment: 'FAILED' } });
  });

  it('cancels for SHIPMENT_FAILED when shipping never reports in time', async () => {
    const service = orderService({ timeouts: { outcomesSeconds: 30, shipmentSeconds: 1 } });
    const { orderId, run } = await confirmedOrder(service, 'shipment-timeout');

    await expect(run.result).resolves.toMatchObject({ order: { status: 'CANCELLED' }, decision: { reason: 'SHIPMENT_FAILED' } });
    expect(run.statesEntered().slice(-3)).toEqual(['ShipmentTimedOut', 'CancelOrder', 'Cancelled']);
    expect(service.publisher.ofType('OrderCancelled').at(-1)?.detail.metadata['causation-id']).toBe(`${orderId}:confirmed`);
  });

  it('acts on the first answer only when a task token is resumed twice', async () => {
    const service = orderService();
    const { orderId, run } = await service.place('resumed-twice');
    await service.until(orderId, waitingFor('OUTCOMES'), 'waited for its outcomes');
    await service.report(orderId, ['PaymentSucceeded'], ['StockReserved']);
    await service.until(orderId, waitingFor('SHIPMENT'), 'waited for its shipment');
    const [outcomesToken] = service.tokens;

    const second = await service.resumer.succeed(outcomesToken ?? '', { action: 'CANCEL', reason: 'PAYMENT_DECLINED', causationId: 'late' });

    expect(second).toBe('already-closed');
    await service.report(orderId, ['ShipmentDelivered']);
    await expect(run.result).resolves.toMatchObject({ order: { status: 'COMPLETED' } });
    expect(service.published(orderId)).toEqual(['OrderPlaced', 'OrderConfirmed', 'OrderCompleted']);
  });

  it('records each fact once and confirms once when every outcome event is delivered twice', async () => {
    const service = orderService();
    const { orderId, run } = await service.place('duplicates');
    await service.until(orderId, waitingFor('OUTCOMES'), 'waited for its outcomes');

    await service.report(orderId, ['PaymentSucceeded'], ['PaymentSucceeded']);
    await service.report(orderId, ['StockReserved'], ['PaymentSucceeded'], ['StockReserved']);
    await service.until(orderId, waitingFor('SHIPMENT'), 'waited for its shipment');
    await service.report(orderId, ['StockReserved'], ['ShipmentDelivered']);
    await service.report(orderId, ['ShipmentDelivered']);

    await expect(run.result).resolves.toMatchObject({ order: { status: 'COMPLETED' } });
    expect(service.published(orderId)).toEqual(['OrderPlaced', 'OrderConfirmed', 'OrderCompleted']);
    const history = (await service.view(orderId)).history.map((entry) => entry.detailType);
    expect(history.filter((type) => type === 'PaymentSucceeded')).toHaveLength(1);
    expect(history.filter((type) => type === 'StockReserved')).toHaveLength(1);
    expect(history.filter((type) => type === 'ShipmentDelivered')).toHaveLength(1);
    expect(service.resumes.filter((resume) => resume.result === 'resumed')).toHaveLength(2);
  });

  it('runs one workflow per order when the client retries the placement', async () => {
    const service = orderService();
    const first = await service.place('client-retry');

    const retry = await service.place('client-retry');

    expect(retry.orderId).toBe(first.orderId);
    expect(retry.run).toBe(first.run);
    await service.until(first.orderId, waitingFor('OUTCOMES'), 'waited for its outcomes');
    await service.report(first.orderId, ['PaymentDeclined']);
    await first.run.result;
    expect(service.published(first.orderId)).toEqual(['OrderPlaced', 'OrderCancelled']);
  });

  it('keeps a cancelled order cancelled when a PaymentSucceeded arrives after the cancellation', async () => {
    const service = orderService();
    const { orderId, run } = await service.place('late-success');
    await service.until(orderId, waitingFor('OUTCOMES'), 'waited for its outcomes');
    await service.report(orderId, ['PaymentFailed']);
    await run.result;

    await service.report(orderId, ['StockReserved'], ['PaymentSucceeded']);

    const view = await service.view(orderId);
    expect(view).toMatchObject({ status: 'CANCELLED', cancellationReason: 'PAYMENT_FAILED' });
    expect(view.history.map((entry) => entry.detailType)).toEqual(['OrderPlaced', 'PaymentFailed', 'OrderCancelled', 'StockReserved', 'PaymentSucceeded']);
    expect(service.published(orderId)).toEqual(['OrderPlaced', 'OrderCancelled']);
    expect(service.resumes).toHaveLength(1);
    expect(service.deadLetters.sent).toEqual([]);
  });
});
