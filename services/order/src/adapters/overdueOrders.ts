import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '#shared/runtime';
import type { OverdueOrders } from '../domain/incompleteOrders';
import type { Order } from '../domain/order';

/** The indexes the orders table declares for this report (services/order/serverless.yml), and their range keys. */
export const BY_STATUS_INDEX = 'byStatus';
export const BY_COMPENSATION_DUE_INDEX = 'byCompensationDue';

/** BatchGetItem's limit per request. */
const MAX_BATCH_KEYS = 100;
/** Unprocessed keys are retried a few times with backoff, as the SDK does for throttled requests. */
const MAX_BATCH_ATTEMPTS = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Overdue orders from the orders table: one Query of the `byStatus` index (status = S, deadline < before) or
 * of the sparse `byCompensationDue` index (CANCELLED, compensationDueBy < before), then the items themselves
 * with BatchGetItem. The index projects keys only, so it stays small and cheap to
 * write on every status move; the report reads the few items it lists, consistently, so an order that moved on
 * after the index was read shows its current status.
 *
 * @example
 * ```ts
 * const overdue = createOverdueOrders({ client: new DynamoDBClient({}), tableName: 'ordering-order-dev-orders' });
 * await overdue.list('PLACED', new Date());
 * ```
 */
export const createOverdueOrders = ({ client: dynamo, tableName }: { client: DynamoDBClient; tableName: string }): OverdueOrders => {
  const client = DynamoDBDocumentClient.from(dynamo);

  const getAll = async (orderIds: string[]): Promise<Order[]> => {
    const found: Order[] = [];
    for (let start = 0; start < orderIds.length; start += MAX_BATCH_KEYS) {
      let keys: Record<string, unknown>[] = orderIds.slice(start, start + MAX_BATCH_KEYS).map((orderId) => ({ orderId }));
      for (let attempt = 1; keys.length > 0; attempt += 1) {
        if (attempt > MAX_BATCH_ATTEMPTS) throw new Error(`BatchGetItem left ${keys.length} orders unread after ${MAX_BATCH_ATTEMPTS} attempts`);
        if (attempt > 1) await sleep(50 * 2 ** attempt);
        const { Responses, UnprocessedKeys } = await client.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        // Written only through the order repository, in the shape of Order.
        found.push(...((Responses?.[tableName] ?? []) as Order[]));
        keys = UnprocessedKeys?.[tableName]?.Keys ?? [];
      }
    }
    return found;
  };

  /** Orders the index lists under `status` with `rangeKey` before `before`, read back from the table. */
  const listBefore = async (indexName: string, rangeKey: 'deadline' | 'compensationDueBy', status: string, before: Date): Promise<Order[]> => {
    const orderIds: string[] = [];
    const pages = paginateQuery(
      { client },
      {
        TableName: tableName,
        IndexName: indexName,
        KeyConditionExpression: '#status = :status AND #rangeKey < :before',
        ExpressionAttributeNames: { '#status': 'status', '#rangeKey': rangeKey },
        ExpressionAttributeValues: { ':status': status, ':before': before.toISOString() },
      },
    );
    for await (const page of pages) orderIds.push(...(page.Items ?? []).map((item) => String(item.orderId)));
    return getAll(orderIds);
  };

  return {
    list: (status, before) => listBefore(BY_STATUS_INDEX, 'deadline', status, before),
    listCompensationDue: (before) => listBefore(BY_COMPENSATION_DUE_INDEX, 'compensationDueBy', 'CANCELLED', before),
  };
};

/** The production source: the table named in `ORDERS_TABLE_NAME`, with default client settings. */
export const overdueOrdersFromEnv = (tracer?: { captureAWSv3Client<T>(client: T): T }): OverdueOrders => {
  const client = new DynamoDBClient({});
  return createOverdueOrders({
    client: tracer ? tracer.captureAWSv3Client(client) : client,
    tableName: requireEnv('ORDERS_TABLE_NAME'),
  });
};
