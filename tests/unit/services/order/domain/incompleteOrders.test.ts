import {
  buildIncompleteOrdersReport,
  describeStuckOrder,
  INCOMPLETE_STATUSES,
  reportIncompleteOrders,
  type OverdueOrders,
} from '../../../../../services/order/src/domain/incompleteOrders';
import type { Order, OrderStatus } from '../../../../../services/order/src/domain/order';
import type { RecordedFact } from '../../../../../services/order/src/domain/outcomes';
import { factOf, NOW, outcomesOf, placedOrder } from '../support/events';

const deadlineOf = (order: Order) => new Date(order.deadline);
const minutesAfter = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60_000);

/** A placed order with these facts recorded, in this order, and the given status. */
const orderWith = (key: string, status: OrderStatus, facts: RecordedFact[] = [], overrides: Partial<Order> = {}): Order => {
  const base = placedOrder(key);
  const recorded = facts.map((fact) => ({ ...fact, orderId: base.orderId }));
  return {
    ...base,
    status,
    outcomes: outcomesOf(...recorded),
    history: recorded.map((fact) => fact.history),
    processed: Object.fromEntries(recorded.map((fact) => [fact.idempotencyKey, fact.history.recordedAt])),
    ...overrides,
  };
};
const fact = (type: Parameters<typeof factOf>[0], minutes = 1) => factOf(type, placedOrder().orderId, {}, minutesAfter(NOW, minutes));

describe('INCOMPLETE_STATUSES', () => {
  it('lists exactly the statuses an order may still leave', () => {
    expect(INCOMPLETE_STATUSES).toEqual(['PLACED', 'CONFIRMED']);
  });
});

describe('describeStuckOrder', () => {
  it('says a placed order awaits both outcomes when none is recorded', () => {
    const order = orderWith('nothing', 'PLACED');

    const stuck = describeStuckOrder(order, minutesAfter(deadlineOf(order), 10));

    expect(stuck).toEqual({
      orderId: order.orderId,
      status: 'PLACED',
      phase: 'OUTCOMES',
      awaiting: 'payment outcome, stock outcome',
      outcomes: { payment: 'PENDING', stock: 'PENDING', shipment: 'PENDING' },
      recorded: [],
      placedAt: order.placedAt,
      deadline: order.deadline,
      overdueSeconds: 600,
    });
  });

  it('says a placed order awaits the stock outcome when only the payment succeeded', () => {
    const order = orderWith('paid', 'PLACED', [fact('PaymentSucceeded')]);

    expect(describeStuckOrder(order, minutesAfter(deadlineOf(order), 1))).toMatchObject({
      awaiting: 'stock outcome',
      outcomes: { payment: 'SUCCEEDED', stock: 'PENDING' },
      recorded: ['PaymentSucceeded'],
    });
  });

  it('says the workflow never applied the decision when the recorded outcomes already decide the wait', () => {
    const order = orderWith('decided', 'PLACED', [fact('PaymentSucceeded', 1), fact('StockReserved', 2)]);

    expect(describeStuckOrder(order, minutesAfter(deadlineOf(order), 1)).awaiting).toBe('workflow to confirm');
  });

  it('names the cancellation reason when a failure decided the wait but the order is still placed', () => {
    const order = orderWith('declined', 'PLACED', [fact('PaymentDeclined')]);

    expect(describeStuckOrder(order, minutesAfter(deadlineOf(order), 1)).awaiting).toBe('workflow to cancel (PAYMENT_DECLINED)');
  });

  it.each([
    ['shipment creation', 'no shipment event is recorded', []],
    ['dispatch', 'the shipment was created', ['ShipmentCreated']],
    ['delivery', 'the parcel was dispatched', ['ShipmentCreated', 'ShipmentDispatched']],
    ['workflow to complete', 'the parcel was delivered', ['ShipmentCreated', 'ShipmentDispatched', 'ShipmentDelivered']],
  ] as const)('says a confirmed order awaits %s when %s', (awaiting, _case, shipmentFacts) => {
    const facts = [fact('PaymentSucceeded', 1), fact('StockReserved', 2), ...shipmentFacts.map((type, i) => fact(type, 3 + i))];
    const order = orderWith(`shipping-${shipmentFacts.length}`, 'CONFIRMED', facts);

    expect(describeStuckOrder(order, minutesAfter(deadlineOf(order), 1))).toMatchObject({ phase: 'SHIPMENT', awaiting });
  });

  it('gives the last history entry and the outcomes in the order they were recorded', () => {
    const order = orderWith('history', 'PLACED', [fact('StockReserved', 1), fact('PaymentSucceeded', 2)]);
    const last = order.history.at(-1);

    const stuck = describeStuckOrder(order, minutesAfter(deadlineOf(order), 1));

    expect(stuck.recorded).toEqual(['StockReserved', 'PaymentSucceeded']);
    expect(stuck.lastEvent).toEqual({
      detailType: 'PaymentSucceeded',
      source: 'ordering.payment',
      occurredAt: last?.occurredAt,
      recordedAt: last?.recordedAt,
    });
  });

  it('shows since when the workflow waits when a task token is stored, and never the token', () => {
    const since = minutesAfter(NOW, 1).toISOString();
    const order = orderWith('waiting', 'PLACED', [], { waiting: { phase: 'OUTCOMES', token: 'secret-token', since } });

    const stuck = describeStuckOrder(order, minutesAfter(deadlineOf(order), 1));

    expect(stuck.waitingSince).toBe(since);
    expect(JSON.stringify(stuck)).not.toContain('secret-token');
  });
});

describe('buildIncompleteOrdersReport', () => {
  it('lists only non-terminal orders past their deadline, most overdue first, when given candidates', () => {
    const early = orderWith('early', 'CONFIRMED', [], { deadline: '2026-11-25T10:00:00.000Z' });
    const late = orderWith('late', 'PLACED', [], { deadline: '2026-11-25T10:30:00.000Z' });
    const notYet = orderWith('not-yet', 'PLACED', [], { deadline: '2026-11-25T12:00:00.000Z' });
    const finished = orderWith('finished', 'COMPLETED', [], { deadline: '2026-11-25T10:00:00.000Z' });

    const report = buildIncompleteOrdersReport([late, notYet, finished, early], new Date('2026-11-25T11:00:00.000Z'));

    expect(report.stuck.map((order) => [order.orderId, order.overdueSeconds])).toEqual([
      [early.orderId, 3600],
      [late.orderId, 1800],
    ]);
    expect(report.summary).toEqual({
      stuck: 2,
      compensationOwed: 0,
      byStatus: { CONFIRMED: 1, PLACED: 1 },
      byAwaiting: { 'shipment creation': 1, 'payment outcome, stock outcome': 1 },
      oldestOverdueSeconds: 3600,
    });
    expect(report.checkedAt).toBe('2026-11-25T11:00:00.000Z');
  });

  it('lists an order once when the index listed it under two statuses', () => {
    const order = orderWith('moved', 'CONFIRMED', [], { deadline: '2026-11-25T10:00:00.000Z' });

    const report = buildIncompleteOrdersReport([order, order], new Date('2026-11-25T11:00:00.000Z'));

    expect(report.stuck).toHaveLength(1);
  });

  it('reports nothing stuck, with a zero summary, when every candidate finished', () => {
    const report = buildIncompleteOrdersReport([], new Date('2026-11-25T11:00:00.000Z'));

    expect(report).toEqual({
      checkedAt: '2026-11-25T11:00:00.000Z',
      stuck: [],
      compensationOwed: [],
      summary: { stuck: 0, compensationOwed: 0, byStatus: {}, byAwaiting: {}, oldestOverdueSeconds: 0 },
    });
  });
});

describe('reportIncompleteOrders', () => {
  it('asks for every non-terminal status past now and reports what is still stuck when the source answers', async () => {
    const now = new Date('2026-11-25T11:00:00.000Z');
    const placed = orderWith('placed', 'PLACED', [], { deadline: '2026-11-25T10:00:00.000Z' });
    // The index still lists it as CONFIRMED; the item read back says it completed since.
    const completed = orderWith('completed', 'COMPLETED', [], { deadline: '2026-11-25T10:00:00.000Z' });
    const asked: [OrderStatus, string][] = [];
    const orders: OverdueOrders = {
      list: (status, before) => {
        asked.push([status, before.toISOString()]);
        return Promise.resolve(status === 'PLACED' ? [placed] : [completed]);
      },
      listCompensationDue: () => Promise.resolve([]),
    };

    const report = await reportIncompleteOrders({ orders, now });

    expect(asked).toEqual([
      ['PLACED', now.toISOString()],
      ['CONFIRMED', now.toISOString()],
    ]);
    expect(report.stuck.map((order) => order.orderId)).toEqual([placed.orderId]);
  });

  it('lists a cancelled order still owed a compensation past its due time, and not one the index lists that owes nothing now', async () => {
    const now = new Date('2026-11-25T11:00:00.000Z');
    const cancelled = { cancellationReason: 'OUTCOMES_TIMED_OUT' as const, cancelledAt: '2026-11-25T10:00:00.000Z', compensationDueBy: '2026-11-25T10:15:00.000Z' };
    const owing = orderWith('owing', 'CANCELLED', [fact('PaymentSucceeded'), fact('StockReserved'), fact('StockReleased')], cancelled);
    // Its refund came back after the index was read.
    const settled = orderWith('settled', 'CANCELLED', [fact('PaymentSucceeded'), fact('PaymentRefunded')], cancelled);
    const before: string[] = [];
    const orders: OverdueOrders = {
      list: () => Promise.resolve([]),
      listCompensationDue: (at) => {
        before.push(at.toISOString());
        return Promise.resolve([owing, settled]);
      },
    };

    const report = await reportIncompleteOrders({ orders, now });

    expect(before).toEqual([now.toISOString()]);
    expect(report.compensationOwed).toEqual([
      { orderId: owing.orderId, cancellationReason: 'OUTCOMES_TIMED_OUT', cancelledAt: '2026-11-25T10:00:00.000Z', owed: ['refund'], dueBy: '2026-11-25T10:15:00.000Z', overdueSeconds: 2_700 },
    ]);
    expect(report.summary.compensationOwed).toBe(1);
  });
});
