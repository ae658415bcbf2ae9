import '../support/environment';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { createOrderRepository } from '../../../../../services/order/src/adapters/orderRepository';
import { createOverdueOrders, overdueOrdersFromEnv } from '../../../../../services/order/src/adapters/overdueOrders';
import type { Order } from '../../../../../services/order/src/domain/order';
import { startDynamo, type LocalDynamo } from '../../../../support/dynalite';
import { placedOrder } from '../support/events';

const TABLE = 'ordering-order-dev-orders';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynamo(['order']);
});
afterAll(() => dynamo.stop());

let keys = 0;
/** Stores orders through the repository, as the saga writes them. */
const store = async (...overrides: Partial<Order>[]) => {
  const repository = createOrderRepository({ client: dynamo.client, tableName: TABLE });
  const orders: Order[] = [];
  for (const override of overrides) {
    keys += 1;
    const order = placedOrder(`overdue-${keys}`, override);
    await repository.create(order);
    orders.push(order);
  }
  return orders;
};

describe('createOverdueOrders', () => {
  it('returns the whole items of the orders of a status whose deadline passed, through the byStatus index', async () => {
    const [overdue, notYet, otherStatus] = await store(
      { status: 'PLACED', deadline: '2031-01-01T10:00:00.000Z' },
      { status: 'PLACED', deadline: '2031-01-01T12:00:00.000Z' },
      { status: 'CONFIRMED', deadline: '2031-01-01T09:00:00.000Z' },
    );
    const source = createOverdueOrders({ client: dynamo.client, tableName: TABLE });

    const placed = await source.list('PLACED', new Date('2031-01-01T11:00:00.000Z'));
    const confirmed = await source.list('CONFIRMED', new Date('2031-01-01T11:00:00.000Z'));

    expect(placed.filter((order) => order.deadline.startsWith('2031'))).toEqual([overdue]);
    expect(confirmed.filter((order) => order.deadline.startsWith('2031'))).toEqual([otherStatus]);
    expect(placed.map((order) => order.orderId)).not.toContain(notYet?.orderId);
  });

  it('returns the cancelled orders whose compensation is overdue, through the sparse byCompensationDue index', async () => {
    const [overdue, notYet] = await store(
      { status: 'CANCELLED', compensationDueBy: '2033-01-01T10:00:00.000Z' },
      { status: 'CANCELLED', compensationDueBy: '2033-01-01T12:00:00.000Z' },
      { status: 'CANCELLED' },
    );
    const source = createOverdueOrders({ client: dynamo.client, tableName: TABLE });

    const owing = await source.listCompensationDue(new Date('2033-01-01T11:00:00.000Z'));

    expect(owing.filter((order) => order.compensationDueBy?.startsWith('2033'))).toEqual([overdue]);
    expect(owing.map((order) => order.orderId)).not.toContain(notYet?.orderId);
  });

  it('reads every order when more are overdue than one BatchGetItem takes', async () => {
    const many = await store(...Array.from({ length: 120 }, (_unused, i) => ({ status: 'CONFIRMED' as const, deadline: `2032-01-01T00:00:${String(i % 60).padStart(2, '0')}.000Z` })));
    const source = createOverdueOrders({ client: dynamo.client, tableName: TABLE });

    const found = await source.list('CONFIRMED', new Date('2032-01-01T01:00:00.000Z'));

    expect(found.filter((order) => order.deadline.startsWith('2032')).map((order) => order.orderId).sort()).toEqual(many.map((order) => order.orderId).sort());
  });

  it('returns nothing when no order of the status is overdue', async () => {
    const source = createOverdueOrders({ client: dynamo.client, tableName: TABLE });

    await expect(source.list('PLACED', new Date('2000-01-01T00:00:00.000Z'))).resolves.toEqual([]);
  });
});

describe('createOverdueOrders when DynamoDB leaves keys unprocessed', () => {
  // Mocked per test, not at collection time: mocking patches every document client, the dynalite tests' too.
  let documents: AwsClientStub<DynamoDBDocumentClient>;
  beforeEach(() => {
    documents = mockClient(DynamoDBDocumentClient);
  });
  afterEach(() => documents.restore());

  it('asks again for the unprocessed keys until every order is read', async () => {
    const [first, second] = [placedOrder('unprocessed-1'), placedOrder('unprocessed-2')];
    documents.on(QueryCommand).resolves({ Items: [{ orderId: first.orderId }, { orderId: second.orderId }] });
    documents
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { [TABLE]: [first] }, UnprocessedKeys: { [TABLE]: { Keys: [{ orderId: second.orderId }] } } })
      .resolvesOnce({ Responses: { [TABLE]: [second] } });
    const source = createOverdueOrders({ client: new DynamoDBClient({}), tableName: TABLE });

    const found = await source.list('PLACED', new Date('2031-01-01T11:00:00.000Z'));

    expect(found).toEqual([first, second]);
    expect(documents.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.[TABLE]?.Keys)).toEqual([
      [{ orderId: first.orderId }, { orderId: second.orderId }],
      [{ orderId: second.orderId }],
    ]);
  });
});

describe('overdueOrdersFromEnv', () => {
  it('builds the source from ORDERS_TABLE_NAME when it is set', () => {
    expect(overdueOrdersFromEnv()).toEqual({ list: expect.any(Function) as unknown, listCompensationDue: expect.any(Function) as unknown });
  });
});
