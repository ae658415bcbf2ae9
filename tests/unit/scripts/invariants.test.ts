import { findViolations, isDeadLetterQueueName, type Expectations, type StoreSnapshot } from '../../../scripts/invariants';

const AT = '2026-11-25T10:00:00.000Z';
const EUR = (amount: number) => ({ amount, currency: 'EUR' });
const processed = (orderId: string, ...facts: string[]) => Object.fromEntries(facts.map((fact) => [`${orderId}:${fact}`, AT]));
const executionsOf = (orderId: string, ...workflows: string[]) =>
  workflows.map((workflow) => ({ stateMachine: `ordering-x-dev-${workflow}`, name: `${workflow}-${orderId}`, status: 'SUCCEEDED' }));

/**
 * Three orders whose stores agree with every invariant: one completed (2 cups held), one declined (its line
 * released), one charged and then cancelled for stock (refunded, nothing held); shipping left a tombstone for
 * each cancelled one. Each test breaks one thing.
 */
const healthy = (): StoreSnapshot => ({
  orders: [
    {
      orderId: 'ord_done',
      customerId: 'cus_1',
      status: 'COMPLETED',
      lines: [{ sku: 'ceramic-cup', quantity: 1 }, { sku: 'ceramic-cup', quantity: 1 }],
      total: EUR(1800),
      shipmentId: 'shp_1',
      confirmedAt: AT,
      processed: processed('ord_done', 'payment-succeeded', 'stock-reserved', 'shipment-created', 'shipment-delivered'),
    },
    {
      orderId: 'ord_declined',
      customerId: 'cus_declined_1',
      status: 'CANCELLED',
      cancellationReason: 'PAYMENT_DECLINED',
      lines: [{ sku: 'ceramic-cup', quantity: 3 }],
      total: EUR(2700),
      processed: processed('ord_declined', 'payment-declined', 'stock-reserved', 'stock-released'),
    },
    {
      orderId: 'ord_refunded',
      customerId: 'cus_1',
      status: 'CANCELLED',
      cancellationReason: 'OUT_OF_STOCK',
      lines: [{ sku: 'grinder', quantity: 1 }],
      total: EUR(12900),
      processed: processed('ord_refunded', 'payment-succeeded', 'payment-refunded', 'stock-reservation-failed'),
    },
  ],
  keyClaims: [
    { customerId: 'cus_1', idempotencyKey: 'order-key-done-0001', orderId: 'ord_done' },
    { customerId: 'cus_declined_1', idempotencyKey: 'order-key-declined-01', orderId: 'ord_declined' },
    { customerId: 'cus_1', idempotencyKey: 'order-key-refunded-01', orderId: 'ord_refunded' },
  ],
  payments: [
    { orderId: 'ord_done', status: 'CHARGED', paymentId: 'pay_1', amount: EUR(1800), chargedAt: AT },
    { orderId: 'ord_declined', status: 'DECLINED' },
    { orderId: 'ord_refunded', status: 'REFUNDED', paymentId: 'pay_2', amount: EUR(12900), chargedAt: AT },
  ],
  ledger: [
    { idempotencyKey: 'ord_done:charge', operation: 'charge', charge: { orderId: 'ord_done', outcome: 'succeeded', paymentId: 'pay_1', amount: EUR(1800) } },
    { idempotencyKey: 'ord_declined:charge', operation: 'charge', charge: { orderId: 'ord_declined', outcome: 'declined', amount: EUR(2700) } },
    { idempotencyKey: 'ord_refunded:charge', operation: 'charge', charge: { orderId: 'ord_refunded', outcome: 'succeeded', paymentId: 'pay_2', amount: EUR(12900) }, refund: { refundId: 're_1' } },
    { idempotencyKey: 'ord_refunded:refund', operation: 'refund' },
  ],
  reservations: [
    { orderId: 'ord_done', sk: 'RESERVATION', status: 'RESERVED' },
    { orderId: 'ord_declined', sk: 'RESERVATION', status: 'CANCELLED' },
    { orderId: 'ord_refunded', sk: 'RESERVATION', status: 'FAILED' },
  ],
  reservationLines: [
    { orderId: 'ord_done', sku: 'ceramic-cup', quantity: 2, status: 'RESERVED' },
    { orderId: 'ord_declined', sku: 'ceramic-cup', quantity: 3, status: 'RELEASED', releasedBy: 'release-ord_declined', stockReturned: true },
    { orderId: 'ord_refunded', sku: 'grinder', quantity: 1, status: 'FAILED' },
  ],
  stock: [
    { sku: 'ceramic-cup', available: 8, pendingOperations: [] },
    { sku: 'grinder', available: 0, pendingOperations: [] },
  ],
  shipments: [
    { orderId: 'ord_done', shipmentId: 'shp_1', status: 'DELIVERED', trackingNumber: 'SP000000001GB' },
    { orderId: 'ord_declined', shipmentId: 'unbooked-ord_declined', status: 'CANCELLED' },
    { orderId: 'ord_refunded', shipmentId: 'unbooked-ord_refunded', status: 'CANCELLED' },
  ],
  queues: [
    { name: 'ordering-payment-dev-onOrderPlaced', deadLetter: false, visible: 0, inFlight: 0, delayed: 0, messages: [] },
    {
      name: 'ordering-payment-dev-onOrderPlaced-dlq',
      deadLetter: true,
      visible: 1,
      inFlight: 0,
      delayed: 0,
      messages: [{ messageId: 'm1', body: '{"detail":{"chaosPoison":"poison-1"}}', reason: 'invalid event: data: required' }],
    },
  ],
  executions: [
    ...executionsOf('ord_done', 'order', 'charge', 'reserve', 'ship'),
    ...executionsOf('ord_declined', 'order', 'charge', 'reserve', 'refund', 'release'),
    ...executionsOf('ord_refunded', 'order', 'charge', 'reserve', 'refund', 'release'),
  ],
  unreadable: [],
});

const expectations: Expectations = {
  initialStock: { 'ceramic-cup': 10, grinder: 0 },
  orderIds: ['ord_done', 'ord_declined', 'ord_refunded'],
  poisonIds: ['poison-1'],
};

const violationsOf = (snapshot: StoreSnapshot, expected: Expectations = expectations) =>
  findViolations(snapshot, expected).violations.map(({ invariant, subject }) => `${invariant} ${subject}`);

const broken = (change: (snapshot: StoreSnapshot) => void): StoreSnapshot => {
  const snapshot = healthy();
  change(snapshot);
  return snapshot;
};

const find = <T>(items: T[], predicate: (item: T) => boolean): T => {
  const item = items.find(predicate);
  if (!item) throw new Error('fixture has no such item');
  return item;
};

describe('findViolations', () => {
  it('reports nothing when the stores agree with every invariant', () => {
    // Arrange
    const snapshot = healthy();

    // Act
    const report = findViolations(snapshot, expectations);

    // Assert
    expect(report.violations).toEqual([]);
    expect(report.orders).toEqual({ total: 3, completed: 1, cancelled: { PAYMENT_DECLINED: 1, OUT_OF_STOCK: 1 }, other: 0 });
    expect(report.deadLetters).toEqual([{ queue: 'ordering-payment-dev-onOrderPlaced-dlq', messages: 1, poison: 1, movedBySqs: 0, withoutReason: 0 }]);
  });

  describe('every order ends COMPLETED or CANCELLED', () => {
    it('flags an order when it is still PLACED', () => {
      const snapshot = broken((s) => (find(s.orders, (o) => o.orderId === 'ord_declined').status = 'PLACED'));
      expect(violationsOf(snapshot)).toContain('order-terminal ord_declined');
    });

    it('flags an order the run placed when the orders table does not hold it', () => {
      expect(violationsOf(healthy(), { ...expectations, orderIds: [...(expectations.orderIds ?? []), 'ord_ghost'] })).toEqual(['order-terminal ord_ghost']);
    });
  });

  describe("every order is named by exactly one Idempotency-Key claim, its own customer's", () => {
    it('flags the order when no claim names it', () => {
      const snapshot = broken((s) => (s.keyClaims = s.keyClaims.filter((claim) => claim.orderId !== 'ord_done')));

      expect(violationsOf(snapshot)).toEqual(['order-key-claimed ord_done']);
    });

    it('flags the order when two claims name it (two requests placed one order)', () => {
      const snapshot = broken((s) => s.keyClaims.push({ customerId: 'cus_1', idempotencyKey: 'order-key-done-0002', orderId: 'ord_done' }));

      expect(violationsOf(snapshot)).toEqual(['order-key-claimed ord_done']);
    });

    it("flags the order when another customer's key names it", () => {
      const snapshot = broken((s) => (find(s.keyClaims, (claim) => claim.orderId === 'ord_done').customerId = 'cus_2'));

      expect(violationsOf(snapshot)).toEqual(['order-key-claimed ord_done']);
    });

    it('flags a claim when the order it names does not exist (a placement that crashed and was never retried)', () => {
      const snapshot = broken((s) => s.keyClaims.push({ customerId: 'cus_1', idempotencyKey: 'order-key-lost-00001', orderId: 'ord_lost' }));

      expect(violationsOf(snapshot)).toEqual(['order-key-claimed ord_lost']);
    });

    it('accepts two customers using the same key for their own orders', () => {
      const snapshot = broken((s) => (find(s.keyClaims, (claim) => claim.orderId === 'ord_declined').idempotencyKey = 'order-key-done-0001'));

      expect(violationsOf(snapshot)).toEqual([]);
    });
  });

  describe('a completed order was charged exactly once', () => {
    it('flags the order when the provider holds no charge for it', () => {
      const snapshot = broken((s) => (s.ledger = s.ledger.filter((entry) => entry.idempotencyKey !== 'ord_done:charge')));
      expect(violationsOf(snapshot)).toContain('completed-charged-once ord_done');
    });

    it('flags the order when its charge was refunded', () => {
      const snapshot = broken((s) => (find(s.ledger, (e) => e.idempotencyKey === 'ord_done:charge').refund = { refundId: 're_9' }));
      expect(violationsOf(snapshot)).toContain('completed-charged-once ord_done');
    });

    it('flags the order when the provider charged another amount than its total', () => {
      const snapshot = broken((s) => {
        const entry = find(s.ledger, (e) => e.idempotencyKey === 'ord_done:charge');
        if (entry.charge) entry.charge.amount = EUR(900);
      });
      expect(violationsOf(snapshot)).toEqual(['completed-charged-once ord_done']);
    });

    it('flags the order when its payment record is not CHARGED', () => {
      const snapshot = broken((s) => (find(s.payments, (p) => p.orderId === 'ord_done').status = 'FAILED'));
      expect(violationsOf(snapshot)).toEqual(['completed-charged-once ord_done']);
    });

    it('flags a second charge under another key when the provider holds two for one order', () => {
      const snapshot = broken((s) =>
        s.ledger.push({ idempotencyKey: 'ord_done:charge-again', operation: 'charge', charge: { orderId: 'ord_done', outcome: 'succeeded', paymentId: 'pay_3', amount: EUR(1800) } }),
      );
      expect(violationsOf(snapshot)).toEqual(expect.arrayContaining(['charged-at-most-once ord_done', 'completed-charged-once ord_done']));
    });

    it('flags a charge when its order does not exist', () => {
      const snapshot = broken((s) =>
        s.ledger.push({ idempotencyKey: 'ord_unknown:charge', operation: 'charge', charge: { orderId: 'ord_unknown', outcome: 'succeeded', paymentId: 'pay_4', amount: EUR(100) } }),
      );
      expect(violationsOf(snapshot)).toEqual(['charged-at-most-once ord_unknown']);
    });
  });

  describe('a completed order had its stock reserved exactly once', () => {
    it('flags the order when a line holds another quantity than ordered', () => {
      const snapshot = broken((s) => {
        find(s.reservationLines, (l) => l.orderId === 'ord_done').quantity = 1;
        find(s.stock, (i) => i.sku === 'ceramic-cup').available = 9;
      });
      expect(violationsOf(snapshot)).toEqual(['completed-stock-reserved-once ord_done']);
    });

    it('flags the order when its reservation is not RESERVED', () => {
      const snapshot = broken((s) => (find(s.reservations, (r) => r.orderId === 'ord_done').status = 'CANCELLED'));
      expect(violationsOf(snapshot)).toEqual(['completed-stock-reserved-once ord_done']);
    });
  });

  describe('a completed order has exactly one shipment', () => {
    it('flags the order when it has no shipment', () => {
      const snapshot = broken((s) => (s.shipments = s.shipments.filter((shipment) => shipment.orderId !== 'ord_done')));
      expect(violationsOf(snapshot)).toEqual(['completed-one-shipment ord_done']);
    });

    it('flags the order when its shipment was not delivered', () => {
      const snapshot = broken((s) => (find(s.shipments, (x) => x.orderId === 'ord_done').status = 'DISPATCHED'));
      expect(violationsOf(snapshot)).toEqual(['completed-one-shipment ord_done']);
    });

    it('flags the order when it names another shipment than shipping holds', () => {
      const snapshot = broken((s) => (find(s.orders, (o) => o.orderId === 'ord_done').shipmentId = 'shp_2'));
      expect(violationsOf(snapshot)).toEqual(['completed-one-shipment ord_done']);
    });
  });

  describe('a cancelled order holds no charge that was not refunded', () => {
    it('flags the order when the provider holds its charge unrefunded', () => {
      const snapshot = broken((s) => delete find(s.ledger, (e) => e.idempotencyKey === 'ord_refunded:charge').refund);
      expect(violationsOf(snapshot)).toEqual(['cancelled-charge-refunded ord_refunded']);
    });

    it('flags the order when its payment record is still CHARGED', () => {
      const snapshot = broken((s) => (find(s.payments, (p) => p.orderId === 'ord_refunded').status = 'CHARGED'));
      expect(violationsOf(snapshot)).toContain('cancelled-charge-refunded ord_refunded');
    });
  });

  describe('a cancelled order holds no stock that was not released', () => {
    it('flags the order when a line is still RESERVED', () => {
      const snapshot = broken((s) => {
        find(s.reservationLines, (l) => l.orderId === 'ord_declined').status = 'RESERVED';
        find(s.stock, (i) => i.sku === 'ceramic-cup').available = 5;
      });
      expect(violationsOf(snapshot)).toContain('cancelled-stock-released ord_declined');
    });

    it('flags the order when a PENDING line had its units taken', () => {
      const snapshot = broken((s) => {
        find(s.reservationLines, (l) => l.orderId === 'ord_declined').status = 'PENDING';
        find(s.stock, (i) => i.sku === 'ceramic-cup').pendingOperations = ['ord_declined:reserve'];
      });
      expect(violationsOf(snapshot)).toEqual(expect.arrayContaining(['cancelled-stock-released ord_declined', 'nothing-in-flight ceramic-cup']));
    });

    it('accepts a PENDING line when no units were taken for it', () => {
      const snapshot = broken((s) => (find(s.reservationLines, (l) => l.orderId === 'ord_declined').status = 'PENDING'));
      expect(violationsOf(snapshot)).toEqual([]);
    });
  });

  describe("a cancelled order's shipment is cancelled too", () => {
    /** ord_refunded, as if it had been confirmed and shipped before it was cancelled, with `shipment` as shipping holds it. */
    const shippedThenCancelled = (shipment: Partial<StoreSnapshot['shipments'][number]>, ...facts: string[]) =>
      broken((s) => {
        const order = find(s.orders, (o) => o.orderId === 'ord_refunded');
        order.confirmedAt = AT;
        Object.assign(order.processed, processed('ord_refunded', 'shipment-created', ...facts));
        s.executions.push(...executionsOf('ord_refunded', 'ship'));
        Object.assign(find(s.shipments, (x) => x.orderId === 'ord_refunded'), { shipmentId: 'shp_2', trackingNumber: 'SP000000002GB', ...shipment });
      });

    it.each(['CREATED', 'DISPATCHED'])('flags the order when its shipment is still %s', (status) => {
      expect(violationsOf(shippedThenCancelled({ status }))).toEqual(['cancelled-shipment-cancelled ord_refunded']);
    });

    it('accepts a booked shipment cancelled with its order when the order recorded its ShipmentCancelled', () => {
      expect(violationsOf(shippedThenCancelled({ status: 'CANCELLED' }, 'shipment-cancelled'))).toEqual([]);
    });

    it.each([
      ['delivered', { status: 'DELIVERED' }, 'shipment-delivered'],
      ['failed', { status: 'FAILED', failureReason: 'DISPATCH_TIMED_OUT' }, 'shipment-failed'],
    ])('accepts a cancelled order when its shipment had %s first, leaving nothing open', (_name, shipment, fact) => {
      expect(violationsOf(shippedThenCancelled(shipment, fact))).toEqual([]);
    });

    it('flags a cancelled shipment when its order was not cancelled', () => {
      const snapshot = broken((s) => {
        find(s.shipments, (x) => x.orderId === 'ord_done').status = 'CANCELLED';
        find(s.orders, (o) => o.orderId === 'ord_done').processed['ord_done:shipment-cancelled'] = AT;
      });
      expect(violationsOf(snapshot)).toEqual(['completed-one-shipment ord_done', 'cancelled-shipment-cancelled ord_done']);
    });

    it('flags a tombstone when no order is there to have been cancelled', () => {
      const snapshot = broken((s) => s.shipments.push({ orderId: 'ord_ghost', shipmentId: 'unbooked-ord_ghost', status: 'CANCELLED' }));
      expect(findViolations(snapshot, expectations).violations).toEqual([
        { invariant: 'cancelled-shipment-cancelled', subject: 'ord_ghost', detail: 'shipment unbooked-ord_ghost is CANCELLED, its order is missing' },
      ]);
    });
  });

  describe('stock', () => {
    it('flags a SKU when its count is negative', () => {
      const snapshot = broken((s) => (find(s.stock, (i) => i.sku === 'grinder').available = -1));
      expect(violationsOf(snapshot)).toEqual(expect.arrayContaining(['stock-non-negative grinder', 'stock-conserved grinder']));
    });

    it('flags a SKU when its count went negative during the run and recovered', () => {
      expect(violationsOf(healthy(), { ...expectations, lowestStockSeen: { 'ceramic-cup': -2, grinder: 0 } })).toEqual(['stock-non-negative ceramic-cup']);
    });

    it('flags a SKU when the seed minus what completed orders hold is not what is available', () => {
      const snapshot = broken((s) => (find(s.stock, (i) => i.sku === 'ceramic-cup').available = 7));
      expect(violationsOf(snapshot)).toEqual(['stock-conserved ceramic-cup']);
    });

    it('flags a seeded SKU when the stock table lost it', () => {
      const snapshot = broken((s) => (s.stock = s.stock.filter((item) => item.sku !== 'grinder')));
      expect(violationsOf(snapshot)).toEqual(['stock-conserved grinder']);
    });
  });

  describe('no event lost', () => {
    it('flags a malformed message when it sits in no DLQ', () => {
      expect(violationsOf(healthy(), { ...expectations, poisonIds: ['poison-1', 'poison-2'] })).toEqual(['no-event-lost poison-2']);
    });

    it('flags an order when a consumer never started its workflow', () => {
      const snapshot = broken((s) => (s.executions = s.executions.filter((execution) => execution.name !== 'release-ord_declined')));
      expect(violationsOf(snapshot)).toEqual(['no-event-lost ord_declined']);
    });

    it('flags an order when its reservation workflow succeeded and the order recorded no stock outcome', () => {
      const snapshot = broken((s) => delete find(s.orders, (o) => o.orderId === 'ord_refunded').processed['ord_refunded:stock-reservation-failed']);
      expect(violationsOf(snapshot)).toEqual(['no-event-lost ord_refunded']);
    });

    it('accepts a missing stock outcome when the reservation workflow failed', () => {
      const snapshot = broken((s) => {
        delete find(s.orders, (o) => o.orderId === 'ord_refunded').processed['ord_refunded:stock-reservation-failed'];
        find(s.executions, (e) => e.name === 'reserve-ord_refunded').status = 'FAILED';
      });
      expect(violationsOf(snapshot)).toEqual([]);
    });

    it('flags an order when the release gave units back and the order never heard StockReleased', () => {
      const snapshot = broken((s) => delete find(s.orders, (o) => o.orderId === 'ord_declined').processed['ord_declined:stock-released']);
      expect(violationsOf(snapshot)).toEqual(['no-event-lost ord_declined']);
    });

    it('flags a cancelled order when shipping left neither a cancelled shipment nor a tombstone', () => {
      const snapshot = broken((s) => (s.shipments = s.shipments.filter((shipment) => shipment.orderId !== 'ord_declined')));
      expect(findViolations(snapshot, expectations).violations).toEqual([
        { invariant: 'no-event-lost', subject: 'ord_declined', detail: 'OrderCancelled (shipping) was not handled: no shipment, not even a tombstone' },
      ]);
    });

    it('flags a confirmed order when its shipment was cancelled and the order never heard ShipmentCancelled', () => {
      const snapshot = broken((s) => {
        const order = find(s.orders, (o) => o.orderId === 'ord_refunded');
        order.confirmedAt = AT;
        s.executions.push(...executionsOf('ord_refunded', 'ship'));
      });
      expect(findViolations(snapshot, expectations).violations).toEqual([
        { invariant: 'no-event-lost', subject: 'ord_refunded', detail: 'ShipmentCancelled happened, but the order never recorded it' },
      ]);
    });

    it('flags an order when a fact happened that the order never recorded', () => {
      const snapshot = broken((s) => delete find(s.orders, (o) => o.orderId === 'ord_refunded').processed['ord_refunded:payment-refunded']);
      expect(findViolations(snapshot, expectations).violations).toEqual([
        { invariant: 'no-event-lost', subject: 'ord_refunded', detail: 'PaymentRefunded happened, but the order never recorded it' },
      ]);
    });
  });

  describe('dead letters carry their reason', () => {
    it('flags a message when nobody recorded why it failed and SQS did not move it', () => {
      const snapshot = broken((s) => {
        const dlq = find(s.queues, (q) => q.deadLetter);
        dlq.messages.push({ messageId: 'm2', body: '{}' });
        dlq.visible = 2;
      });
      const report = findViolations(snapshot, expectations);
      expect(report.violations.map((v) => `${v.invariant} ${v.subject}`)).toEqual(['dead-letter-has-reason ordering-payment-dev-onOrderPlaced-dlq']);
      expect(report.deadLetters).toEqual([{ queue: 'ordering-payment-dev-onOrderPlaced-dlq', messages: 2, poison: 1, movedBySqs: 0, withoutReason: 1 }]);
    });

    it('counts, without flagging, a message SQS moved after maxReceiveCount: no invocation got to record a reason', () => {
      const snapshot = broken((s) => {
        const dlq = find(s.queues, (q) => q.deadLetter);
        dlq.messages.push({ messageId: 'm2', body: '{}', redrivenFrom: 'arn:aws:sqs:eu-west-1:000000000000:ordering-payment-dev-onOrderPlaced' });
        dlq.visible = 2;
      });
      const report = findViolations(snapshot, expectations);
      expect(report.violations).toEqual([]);
      expect(report.deadLetters).toEqual([{ queue: 'ordering-payment-dev-onOrderPlaced-dlq', messages: 2, poison: 1, movedBySqs: 1, withoutReason: 0 }]);
    });

    it('flags a DLQ when some of its messages could not be read', () => {
      const snapshot = broken((s) => (find(s.queues, (q) => q.deadLetter).inFlight = 3));
      expect(violationsOf(snapshot)).toEqual(['dead-letter-has-reason ordering-payment-dev-onOrderPlaced-dlq']);
    });
  });

  describe('nothing in flight once quiet', () => {
    it('flags a consumer queue when it still holds messages', () => {
      const snapshot = broken((s) => (find(s.queues, (q) => !q.deadLetter).inFlight = 2));
      expect(violationsOf(snapshot)).toEqual(['nothing-in-flight ordering-payment-dev-onOrderPlaced']);
    });

    it('flags an execution when it is still running', () => {
      const snapshot = broken((s) => (find(s.executions, (e) => e.name === 'ship-ord_done').status = 'RUNNING'));
      expect(violationsOf(snapshot)).toEqual(['nothing-in-flight ordering-x-dev-ship/ship-ord_done']);
    });

    it('lists executions that failed without calling them violations', () => {
      const snapshot = broken((s) => Object.assign(find(s.executions, (e) => e.name === 'refund-ord_refunded'), { status: 'FAILED', error: 'RefundError' }));
      const report = findViolations(snapshot, expectations);
      expect(report.violations).toEqual([]);
      expect(report.unsuccessfulExecutions).toEqual([expect.objectContaining({ name: 'refund-ord_refunded', error: 'RefundError' })]);
    });
  });

  it('flags an item when it does not have the shape its adapter writes', () => {
    const snapshot = broken((s) => s.unreadable.push({ table: 'ordering-order-dev-orders', key: 'ord_bad', issue: 'status: required' }));
    expect(violationsOf(snapshot)).toEqual(['stores-readable ordering-order-dev-orders/ord_bad']);
  });
});

describe('isDeadLetterQueueName', () => {
  it.each([
    ['ordering-payment-dev-onOrderPlaced-dlq', true],
    ['ordering-payment-dev-delivery-dlq', true],
    ['orders-dead-letter', true],
    ['ordering-payment-dev-onOrderPlaced', false],
  ])('tells whether %s is a dead-letter queue (%s) from its name', (name, expected) => {
    expect(isDeadLetterQueueName(name)).toBe(expected);
  });
});
