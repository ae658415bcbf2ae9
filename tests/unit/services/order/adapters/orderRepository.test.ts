import '../support/environment';
import { createOrderRepository, orderRepositoryFromEnv } from '../../../../../services/order/src/adapters/orderRepository';
import type { Order } from '../../../../../services/order/src/domain/order';
import { planStep } from '../../../../../services/order/src/domain/steps';
import { startDynamo, type LocalDynamo } from '../../../../support/dynalite';
import { factOf, NOW, placedOrder } from '../support/events';

const TABLE = 'ordering-order-dev-orders';
const LATER = new Date('2026-11-25T09:40:00.000Z');

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynamo(['order']);
});
afterAll(() => dynamo.stop());

let keys = 0;
const setup = async (overrides: Partial<Order> = {}) => {
  const orders = createOrderRepository({ client: dynamo.client, tableName: TABLE });
  keys += 1;
  const order = placedOrder(`repository-${keys}`, overrides);
  await orders.create(order);
  return { orders, order, orderId: order.orderId };
};
const waiting = { phase: 'OUTCOMES' as const, token: 'token-1', since: LATER.toISOString() };

describe('createOrderRepository', () => {
  describe('create', () => {
    it('stores the order when its id is new', async () => {
      const { orders, order } = await setup();

      await expect(orders.get(order.orderId)).resolves.toEqual(order);
    });

    it('keeps the stored order and answers with it when the id exists', async () => {
      const { orders, order } = await setup();

      const again = await orders.create({ ...order, customerId: 'someone-else' });

      expect(again).toEqual({ created: false, order });
      await expect(orders.get(order.orderId)).resolves.toEqual(order);
    });
  });

  describe('get', () => {
    it('returns undefined when the order does not exist', async () => {
      const { orders } = await setup();

      await expect(orders.get('ord_doesnotexist')).resolves.toBeUndefined();
    });
  });

  describe('record', () => {
    it('records the outcome, its history entry and its key when the fact is new', async () => {
      const { orders, orderId } = await setup();
      const fact = factOf('PaymentSucceeded', orderId);

      const result = await orders.record(fact);

      expect(result.recorded).toBe(true);
      expect(result.order).toMatchObject({
        outcomes: { PaymentSucceeded: fact.outcome },
        history: [fact.history],
        processed: { [fact.idempotencyKey]: fact.history.recordedAt },
        updatedAt: fact.history.recordedAt,
      });
    });

    it('records nothing and answers with the order as it is when the fact was already recorded', async () => {
      const { orders, orderId } = await setup();
      const fact = factOf('PaymentSucceeded', orderId);
      const first = await orders.record(fact);

      const second = await orders.record(factOf('PaymentSucceeded', orderId, {}, LATER));

      expect(second).toEqual({ recorded: false, order: first.order });
    });

    it('keeps the first outcome of a kind when a second one comes under another key', async () => {
      const { orders, orderId } = await setup();
      const first = factOf('ShipmentCreated', orderId);
      await orders.record(first);

      const result = await orders.record(factOf('ShipmentCreated', orderId, { idempotencyKey: `${orderId}:shipment-created-2`, data: { shipmentId: 'shp_2' } }));

      expect(result.recorded).toBe(true);
      expect(result.order?.outcomes.ShipmentCreated).toEqual(first.outcome);
      expect(result.order?.history).toHaveLength(2);
    });

    it('records nothing and answers with no order when the order does not exist', async () => {
      const { orders } = await setup();

      await expect(orders.record(factOf('PaymentSucceeded', 'ord_doesnotexist'))).resolves.toEqual({ recorded: false, order: undefined });
    });

    it('returns the stored wait with the outcome when the token was stored first', async () => {
      const { orders, orderId } = await setup();
      await orders.wait(orderId, waiting, 'PLACED');

      const { order } = await orders.record(factOf('PaymentDeclined', orderId));

      expect(order).toMatchObject({ waiting, outcomes: { PaymentDeclined: expect.anything() as unknown } });
    });
  });

  describe('wait', () => {
    it('stores the token when the order has the expected status', async () => {
      const { orders, orderId } = await setup();

      const result = await orders.wait(orderId, waiting, 'PLACED');

      expect(result).toMatchObject({ stored: true, order: { waiting, updatedAt: waiting.since } });
    });

    it('returns the outcomes recorded before the token when there are some', async () => {
      const { orders, orderId } = await setup();
      const fact = factOf('StockReserved', orderId);
      await orders.record(fact);

      const { order } = await orders.wait(orderId, waiting, 'PLACED');

      expect(order?.outcomes).toEqual({ StockReserved: fact.outcome });
    });

    it('stores nothing and answers with the order when its status differs', async () => {
      const { orders, orderId, order } = await setup();

      await expect(orders.wait(orderId, { ...waiting, phase: 'SHIPMENT' }, 'CONFIRMED')).resolves.toEqual({ stored: false, order });
    });

    it('answers with no order when the order does not exist', async () => {
      const { orders } = await setup();

      await expect(orders.wait('ord_doesnotexist', waiting, 'PLACED')).resolves.toEqual({ stored: false, order: undefined });
    });
  });

  describe('advance', () => {
    it('moves the status, sets the step attributes, records the fact and ends the wait when the status allows it', async () => {
      const { orders, orderId } = await setup();
      await orders.wait(orderId, waiting, 'PLACED');
      const step = planStep({ orderId, action: 'CANCEL', reason: 'PAYMENT_DECLINED', causationId: 'cause-1' }, LATER);

      const { applied, order } = await orders.advance(step);

      expect(applied).toBe(true);
      expect(order).toMatchObject({
        status: 'CANCELLED',
        cancelledAt: LATER.toISOString(),
        cancellationReason: 'PAYMENT_DECLINED',
        updatedAt: LATER.toISOString(),
        processed: { [`${orderId}:cancelled`]: LATER.toISOString() },
        history: [step.history],
      });
      expect(order?.waiting).toBeUndefined();
    });

    it('records the placement without moving the status when the step is PLACE', async () => {
      const { orders, orderId } = await setup();

      const { applied, order } = await orders.advance(planStep({ orderId, action: 'PLACE', causationId: 'key' }, LATER));

      expect(applied).toBe(true);
      expect(order).toMatchObject({ status: 'PLACED', processed: { [`${orderId}:placed`]: LATER.toISOString() } });
    });

    it('applies nothing when the same step runs again', async () => {
      const { orders, orderId } = await setup();
      const first = await orders.advance(planStep({ orderId, action: 'CONFIRM', causationId: 'c' }, LATER));

      const again = await orders.advance(planStep({ orderId, action: 'CONFIRM', causationId: 'c' }, new Date('2026-11-25T09:50:00.000Z')));

      expect(again).toEqual({ applied: false, order: first.order });
    });

    it('applies nothing when the status forbids the step, so a cancelled order stays cancelled', async () => {
      const { orders, orderId } = await setup();
      await orders.advance(planStep({ orderId, action: 'CANCEL', reason: 'OUT_OF_STOCK', causationId: 'c' }, LATER));

      const confirm = await orders.advance(planStep({ orderId, action: 'CONFIRM', causationId: 'c' }, LATER));

      expect(confirm.applied).toBe(false);
      expect(confirm.order?.status).toBe('CANCELLED');
    });

    it('answers with no order when the order does not exist', async () => {
      const { orders } = await setup();

      await expect(orders.advance(planStep({ orderId: 'ord_doesnotexist', action: 'PLACE', causationId: 'c' }, NOW))).resolves.toEqual({
        applied: false,
        order: undefined,
      });
    });
  });

  describe('markCompensation', () => {
    const DUE = '2026-11-25T09:55:00.000Z';
    const cancelled = async (...owed: Parameters<typeof factOf>[0][]) => {
      const { orders, orderId } = await setup();
      await orders.advance(planStep({ orderId, action: 'CANCEL', reason: 'OUTCOMES_TIMED_OUT', causationId: `${orderId}:placed` }, LATER));
      for (const detailType of owed) await orders.record(factOf(detailType, orderId));
      return { orders, orderId };
    };

    it('marks a cancelled order that was charged and not refunded', async () => {
      const { orders, orderId } = await cancelled('PaymentSucceeded');

      await orders.markCompensation(orderId, 'mark', DUE);

      expect(await orders.get(orderId)).toMatchObject({ compensationDueBy: DUE });
    });

    it('keeps the first due date when the order is marked again', async () => {
      const { orders, orderId } = await cancelled('StockReserved');
      await orders.markCompensation(orderId, 'mark', DUE);

      await orders.markCompensation(orderId, 'mark', '2026-11-25T10:30:00.000Z');

      expect(await orders.get(orderId)).toMatchObject({ compensationDueBy: DUE });
    });

    it('refuses to mark an order that owes nothing, however stale the decision was', async () => {
      const { orders, orderId } = await cancelled('PaymentSucceeded', 'PaymentRefunded');

      await orders.markCompensation(orderId, 'mark', DUE);

      expect((await orders.get(orderId))?.compensationDueBy).toBeUndefined();
    });

    it('refuses to mark an order that is not cancelled', async () => {
      const { orders, orderId } = await setup();
      await orders.record(factOf('PaymentSucceeded', orderId));

      await orders.markCompensation(orderId, 'mark', DUE);

      expect((await orders.get(orderId))?.compensationDueBy).toBeUndefined();
    });

    it('unmarks the order once every compensation came back', async () => {
      const { orders, orderId } = await cancelled('PaymentSucceeded', 'StockReserved', 'ShipmentCreated');
      await orders.markCompensation(orderId, 'mark', DUE);
      for (const settling of ['PaymentRefunded', 'StockReleased', 'ShipmentCancelled'] as const) await orders.record(factOf(settling, orderId));

      await orders.markCompensation(orderId, 'unmark', DUE);

      expect((await orders.get(orderId))?.compensationDueBy).toBeUndefined();
    });

    it('refuses to unmark an order still owed something', async () => {
      const { orders, orderId } = await cancelled('PaymentSucceeded', 'StockReserved', 'StockReleased');
      await orders.markCompensation(orderId, 'mark', DUE);

      await orders.markCompensation(orderId, 'unmark', DUE);

      expect(await orders.get(orderId)).toMatchObject({ compensationDueBy: DUE });
    });
  });

  it('lets errors other than a refused condition through when DynamoDB fails', async () => {
    const orders = createOrderRepository({ client: dynamo.client, tableName: 'no-such-table' });

    await expect(orders.get('ord_12345678')).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(orders.record(factOf('PaymentSucceeded', 'ord_12345678'))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('orderRepositoryFromEnv', () => {
  it('throws naming ORDERS_TABLE_NAME when it is not set', () => {
    const saved = process.env.ORDERS_TABLE_NAME;
    delete process.env.ORDERS_TABLE_NAME;
    try {
      expect(() => orderRepositoryFromEnv()).toThrow('ORDERS_TABLE_NAME');
    } finally {
      process.env.ORDERS_TABLE_NAME = saved;
    }
  });

  it('builds a repository and wraps its client with the tracer when given one', () => {
    const tracer = { captureAWSv3Client: jest.fn(<T>(client: T) => client) };

    expect(orderRepositoryFromEnv(tracer)).toEqual(expect.objectContaining({ get: expect.any(Function) as unknown }));
    expect(tracer.captureAWSv3Client).toHaveBeenCalledTimes(1);
  });
});
