/**
 * The saga end to end: the four scenarios run at once through the HTTP API on the local cloud (packaged
 * templates, packaged bundles, the simulated carrier calling the real webhook), then the events on the bus
 * and the services' own tables are checked against the invariants of the design.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { STOCK_SEED } from '../../services/inventory/src/domain/stockSeed';
import { SCENARIOS, getOrder, placeOrder, waitForTerminal, type OrderView, type Scenario } from '../../scripts/orders';
import { busEventsOf, busyWork, eventually, ORDER_TIMEOUT_MS, SETTLE_TIMEOUT_MS, useE2eCloud, type BusEvent } from './support/e2eCloud';
import {
  packagedNames,
  packagedTableName,
  scanTable,
  type LedgerItem,
  type PaymentItem,
  type ReservationItem,
  type StockItem,
} from './support/stores';

// Start-up, the slowest order (the shipment timeout path) and the compensations after it, on a busy machine.
jest.setTimeout(300_000);

interface Placed {
  scenario: Scenario;
  orderId: string;
  /** The ID token of the scenario's customer, who alone may read the order. */
  token: string;
  /** The order as it stood when it first reached COMPLETED or CANCELLED. */
  final: OrderView;
}

const SERVICE_STACKS = ['order', 'payment', 'inventory', 'shipping'] as const;

const e2e = useE2eCloud('saga');
const dynamo = () => e2e.client(DynamoDBClient);
const sqs = () => e2e.client(SQSClient);
const placed = new Map<string, Placed>();

const byName = (name: string): Placed => {
  const found = placed.get(name);
  if (!found) throw new Error(`scenario "${name}" was not placed`);
  return found;
};

/** The token of the customer who placed an order of this run. */
const tokenOf = (orderId: string): string => {
  const found = [...placed.values()].find((order) => order.orderId === orderId);
  if (!found) throw new Error(`order ${orderId} was not placed by this run`);
  return found.token;
};

beforeAll(async () => {
  const runId = Date.now().toString(36);
  const results = await Promise.all(
    SCENARIOS.map(async (scenario): Promise<Placed> => {
      const token = await e2e.cloud.identity.issueToken({ subject: scenario.customer });
      const { orderId } = await placeOrder(e2e.cloud.httpUrl, token, scenario.body, `e2e-saga-${runId}-${scenario.name.replace(/ /g, '-')}`);
      return { scenario, orderId, token, final: await waitForTerminal(e2e.cloud.httpUrl, token, orderId, ORDER_TIMEOUT_MS) };
    }),
  );
  for (const result of results) placed.set(result.scenario.name, result);
});

/** Every dead-letter queue the stacks declare (rule delivery DLQs and consumer DLQs). */
const deadLetterQueues = () =>
  packagedNames(['platform', ...SERVICE_STACKS], 'AWS::SQS::Queue', 'QueueName').filter((name) => name.endsWith('-dlq'));

const depthOf = async (queueName: string): Promise<number> => {
  const { QueueUrl } = await sqs().send(new GetQueueUrlCommand({ QueueName: queueName }));
  const { Attributes = {} } = await sqs().send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible) + Number(Attributes.ApproximateNumberOfMessagesDelayed);
};

/**
 * Waits until nothing is left to do (no delivery, message or workflow in flight) and `check` holds; `check`
 * is re-run until then and its last failure reported. Once the system is quiet, no event can still be on its
 * way, so "if X happened, Y happened" holds for good.
 */
const whenSettled = <T>(check: () => Promise<T> | T): Promise<T> => {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  return eventually(
    async () => {
      const busy = await busyWork(e2e.cloud, deadline - Date.now());
      if (busy) throw new Error(`the system did not settle: ${busy}`);
      return check();
    },
    { timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: 500 },
  );
};

const eventsOf = (orderId: string): BusEvent[] => busEventsOf(e2e.cloud.eventLog, orderId);

const onlyOne = (events: BusEvent[], detailType: string): BusEvent => {
  const matching = events.filter((event) => event.detailType === detailType);
  if (matching.length !== 1) throw new Error(`expected one ${detailType}, got ${matching.length} in ${events.map((e) => e.detailType).join(', ')}`);
  return matching[0] as BusEvent;
};

const happened = (events: BusEvent[], detailType: string): boolean => events.some((event) => event.detailType === detailType);

/** A compensation: published once, after the cancellation it answers, caused by it, and in the order's history. */
const expectCompensationAfterCancellation = async (orderId: string, events: BusEvent[], detailType: string) => {
  const cancelled = onlyOne(events, 'OrderCancelled');
  const compensation = onlyOne(events, detailType);
  expect({ detailType, after: compensation.position > cancelled.position, causationId: compensation.causationId }).toEqual({
    detailType,
    after: true,
    causationId: cancelled.idempotencyKey,
  });
  expect(Date.parse(compensation.occurredAt)).toBeGreaterThanOrEqual(Date.parse(cancelled.occurredAt));
  const { history } = await getOrder(e2e.cloud.httpUrl, tokenOf(orderId), orderId);
  expect(history.filter((entry) => entry.detailType === detailType)).toHaveLength(1);
};

describe.each(SCENARIOS.map((scenario) => [scenario.name, scenario] as const))('%s order', (name, scenario) => {
  it(`ends ${[scenario.expected, scenario.reason].filter(Boolean).join(' / ')}`, () => {
    const { final } = byName(name);

    expect({ status: final.status, cancellationReason: final.cancellationReason }).toEqual({ status: scenario.expected, cancellationReason: scenario.reason });
  });
});

describe('the success order', () => {
  const CHAIN = ['OrderPlaced', 'PaymentSucceeded', 'StockReserved', 'OrderConfirmed', 'ShipmentCreated', 'ShipmentDispatched', 'ShipmentDelivered', 'OrderCompleted'];
  /** Cause → effect: payment and stock run in parallel, so neither precedes the other. */
  const EDGES: [string, string][] = [
    ['OrderPlaced', 'PaymentSucceeded'],
    ['OrderPlaced', 'StockReserved'],
    ['PaymentSucceeded', 'OrderConfirmed'],
    ['StockReserved', 'OrderConfirmed'],
    ['OrderConfirmed', 'ShipmentCreated'],
    ['ShipmentCreated', 'ShipmentDispatched'],
    ['ShipmentDispatched', 'ShipmentDelivered'],
    ['ShipmentDelivered', 'OrderCompleted'],
  ];

  it('has every step of the saga in its history, once each, in causal order', async () => {
    const { orderId } = byName('success');
    // Facts can be recorded after the order completed (a callback that arrived late): wait for all of them.
    const history = await eventually(
      async () => {
        const { history: entries } = await getOrder(e2e.cloud.httpUrl, tokenOf(orderId), orderId);
        expect(entries.map((entry) => entry.detailType)).toEqual(expect.arrayContaining(CHAIN));
        return entries;
      },
      { timeoutMs: SETTLE_TIMEOUT_MS },
    );

    const counts = Object.fromEntries(CHAIN.map((type) => [type, history.filter((entry) => entry.detailType === type).length]));
    expect(counts).toEqual(Object.fromEntries(CHAIN.map((type) => [type, 1])));
    expect(history.filter((entry) => ['OrderCancelled', 'PaymentRefunded', 'StockReleased'].includes(entry.detailType))).toEqual([]);

    const timeOf = (type: string) => Date.parse(history.find((entry) => entry.detailType === type)?.time ?? '');
    const broken = EDGES.filter(([cause, effect]) => !(timeOf(cause) <= timeOf(effect))).map(([cause, effect]) => `${cause} → ${effect}`);
    expect(broken).toEqual([]);
  });

  it('published each step once on the bus, each caused by an earlier step of the same order', () => {
    const { orderId } = byName('success');
    const events = eventsOf(orderId);
    const keys = new Map(events.map((event) => [event.idempotencyKey, event]));

    for (const type of CHAIN) onlyOne(events, type);
    const orphans = events
      .filter((event) => event.detailType !== 'OrderPlaced')
      .filter((event) => {
        const cause = keys.get(event.causationId);
        return !cause || cause.position >= event.position;
      })
      .map((event) => `${event.detailType} (caused by ${event.causationId})`);
    expect(orphans).toEqual([]);
  });
});

describe('compensation', () => {
  it('releases the stock of the declined order if it had been reserved, after the cancellation', async () => {
    const { orderId } = byName('payment declined');
    await whenSettled(async () => {
      const events = eventsOf(orderId);
      expect(happened(events, 'PaymentSucceeded')).toBe(false);
      if (happened(events, 'StockReserved')) await expectCompensationAfterCancellation(orderId, events, 'StockReleased');
    });
  });

  it('refunds the out-of-stock order if it had been charged, after the cancellation', async () => {
    const { orderId } = byName('out of stock');
    await whenSettled(async () => {
      const events = eventsOf(orderId);
      expect(happened(events, 'StockReserved')).toBe(false);
      if (happened(events, 'PaymentSucceeded')) await expectCompensationAfterCancellation(orderId, events, 'PaymentRefunded');
    });
  });

  it('refunds and releases the shipment-timeout order, after the cancellation', async () => {
    const { orderId } = byName('shipment timeout');
    await whenSettled(async () => {
      const events = eventsOf(orderId);
      expect(events.map((event) => event.detailType)).toEqual(expect.arrayContaining(['PaymentSucceeded', 'StockReserved', 'OrderConfirmed', 'ShipmentFailed']));
      await expectCompensationAfterCancellation(orderId, events, 'PaymentRefunded');
      await expectCompensationAfterCancellation(orderId, events, 'StockReleased');
    });
  });
});

describe('the stores, read through the DynamoDB API', () => {
  const tables = () => ({
    payments: packagedTableName('payment', 'PaymentsTable'),
    ledger: packagedTableName('payment', 'ProviderLedgerTable'),
    stock: packagedTableName('inventory', 'StockTable'),
    reservations: packagedTableName('inventory', 'ReservationsTable'),
  });

  it('charged the completed order exactly once and never refunded it', async () => {
    const { orderId } = byName('success');
    await whenSettled(async () => {
      const { payments, ledger } = tables();
      const charges = (await scanTable<LedgerItem>(dynamo(), ledger)).filter((entry) => entry.charge?.orderId === orderId);
      const refunds = (await scanTable<LedgerItem>(dynamo(), ledger)).filter((entry) => entry.operation === 'refund' && entry.idempotencyKey.startsWith(`${orderId}:`));
      const payment = (await scanTable<PaymentItem>(dynamo(), payments)).filter((record) => record.orderId === orderId);

      expect(charges).toHaveLength(1);
      expect(charges[0]).toMatchObject({ charge: { outcome: 'succeeded', amount: byName('success').final.total } });
      expect(charges[0]?.refund).toBeUndefined();
      expect(refunds).toEqual([]);
      expect(payment).toHaveLength(1);
      expect(payment[0]).toMatchObject({ status: 'CHARGED', paymentId: charges[0]?.charge?.paymentId });
      expect(payment[0]?.refundId).toBeUndefined();
    });
  });

  it('holds no unrefunded charge for a cancelled order', async () => {
    const cancelled = [...placed.values()].filter(({ final }) => final.status === 'CANCELLED').map(({ orderId }) => orderId);
    expect(cancelled).toHaveLength(3);
    await whenSettled(async () => {
      const { payments, ledger } = tables();
      const unrefunded = (await scanTable<LedgerItem>(dynamo(), ledger))
        .filter((entry) => entry.charge && cancelled.includes(entry.charge.orderId))
        .filter((entry) => entry.charge?.outcome === 'succeeded' && !entry.refund)
        .map((entry) => entry.idempotencyKey);
      const stillCharged = (await scanTable<PaymentItem>(dynamo(), payments))
        .filter((record) => cancelled.includes(record.orderId) && ['CHARGING', 'CHARGED'].includes(record.status))
        .map((record) => `${record.orderId}: ${record.status}`);

      expect({ unrefunded, stillCharged }).toEqual({ unrefunded: [], stillCharged: [] });
    });
  });

  it('holds no unreleased reservation for a cancelled order, and the completed order’s lines stay reserved', async () => {
    const cancelled = [...placed.values()].filter(({ final }) => final.status === 'CANCELLED').map(({ orderId }) => orderId);
    const success = byName('success');
    await whenSettled(async () => {
      const items = await scanTable<ReservationItem>(dynamo(), tables().reservations);
      const holding = items
        .filter((item) => cancelled.includes(item.orderId) && item.sk.startsWith('LINE#'))
        .filter((line) => ['PENDING', 'RESERVED', 'RELEASING'].includes(line.status))
        .map((line) => `${line.orderId} ${line.sk}: ${line.status}`);
      const successLines = items
        .filter((item) => item.orderId === success.orderId && item.sk.startsWith('LINE#'))
        .map(({ sku, quantity, status }) => ({ sku, quantity, status }));

      expect(holding).toEqual([]);
      expect(successLines).toEqual(
        expect.arrayContaining(success.scenario.body.lines.map(({ sku, quantity }) => ({ sku, quantity, status: 'RESERVED' }))),
      );
      expect(successLines).toHaveLength(success.scenario.body.lines.length);
    });
  });

  it('never takes stock below 0, and only the completed order keeps what it took', async () => {
    const success = byName('success');
    await whenSettled(async () => {
      const stock = await scanTable<StockItem>(dynamo(), tables().stock);
      const taken = (sku: string) => success.scenario.body.lines.find((line) => line.sku === sku)?.quantity ?? 0;

      expect(stock.filter((item) => item.available < 0)).toEqual([]);
      expect(Object.fromEntries(stock.map(({ sku, available }) => [sku, available]))).toEqual(
        Object.fromEntries(STOCK_SEED.map(({ sku, available }) => [sku, available - taken(sku)])),
      );
    });
  });

  it('left nothing in a dead-letter queue', async () => {
    await whenSettled(async () => {
      const dead = (await Promise.all(deadLetterQueues().map(async (name) => [name, await depthOf(name)] as const))).filter(([, depth]) => depth > 0);

      expect(dead).toEqual([]);
    });
  });
});
