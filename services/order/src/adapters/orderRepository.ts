import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '#shared/runtime';
import { COMPENSATIONS } from '../domain/compensation';
import type { Order } from '../domain/order';
import type { OrderRepository } from '../domain/ports';

/** Every attribute an expression names goes through a placeholder: several (`status`, `processed`) are reserved words. */
const NAMES = {
  '#orderId': 'orderId',
  '#status': 'status',
  '#processed': 'processed',
  '#history': 'history',
  '#outcomes': 'outcomes',
  '#updatedAt': 'updatedAt',
  '#waiting': 'waiting',
  '#compensationDueBy': 'compensationDueBy',
} as const;

/**
 * The rows of COMPENSATIONS as one condition: the order owes at least one compensation. Outcome names are
 * detail-types (PascalCase, no reserved words), so they need no placeholders of their own.
 */
const OWES_COMPENSATION = COMPENSATIONS.map(
  ({ owedAfter, settledBy }) =>
    `(attribute_exists(#outcomes.${owedAfter}) AND ${settledBy.map((settling) => `attribute_not_exists(#outcomes.${settling})`).join(' AND ')})`,
).join(' OR ');

/** The placeholders of {@link NAMES} an expression uses: DynamoDB refuses a request that declares unused ones. */
const namesUsedIn = (...expressions: string[]): Record<string, string> =>
  Object.fromEntries(Object.entries(NAMES).filter(([placeholder]) => expressions.some((e) => new RegExp(`${placeholder}\\b`).test(e))));

/**
 * The orders table in DynamoDB, one item per order (key `orderId`). `processed` (a map of idempotency keys)
 * lets one UpdateItem both deduplicate a fact and apply it; `status` + `deadline` feed the `byStatus` index
 * that the stuck-orders report queries.
 *
 * @example
 * ```ts
 * const orders = createOrderRepository({ client: new DynamoDBClient({}), tableName: 'ordering-order-dev-orders' });
 * ```
 */
export const createOrderRepository = ({ client: dynamo, tableName }: { client: DynamoDBClient; tableName: string }): OrderRepository => {
  const client = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const get = async (orderId: string): Promise<Order | undefined> => {
    // Consistent: a client reads its order right after placing it, and a refused write is explained by it.
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { orderId }, ConsistentRead: true }));
    // Written only through this adapter, in the shape of Order.
    return Item as Order | undefined;
  };

  /** Runs a conditional write; a refusal answers with the item as it is now. */
  const conditionally = async (write: () => Promise<Order>, orderId: string) => {
    try {
      return { done: true, order: await write() };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { done: false, order: await get(orderId) };
    }
  };

  const update = async ({
    names,
    ...input
  }: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'ReturnValues' | 'ExpressionAttributeNames'> & {
    UpdateExpression: string;
    ConditionExpression: string;
    /** Placeholders besides the attribute names of {@link NAMES}. */
    names: Record<string, string>;
  }) => {
    const { Attributes } = await client.send(
      new UpdateCommand({
        ...input,
        ExpressionAttributeNames: { ...namesUsedIn(input.UpdateExpression, input.ConditionExpression), ...names },
        TableName: tableName,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes as Order;
  };

  return {
    get,

    async create(order) {
      const { done, order: stored } = await conditionally(async () => {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: order,
            ConditionExpression: 'attribute_not_exists(#orderId)',
            ExpressionAttributeNames: { '#orderId': NAMES['#orderId'] },
          }),
        );
        return order;
      }, order.orderId);
      if (!stored) throw new Error(`order ${order.orderId} exists but could not be read back`);
      return { created: done, order: stored };
    },

    async record(fact) {
      const { done, order } = await conditionally(
        () =>
          update({
            Key: { orderId: fact.orderId },
            UpdateExpression:
              'SET #processed.#key = :recordedAt, #history = list_append(#history, :history), ' +
              '#outcomes.#type = if_not_exists(#outcomes.#type, :outcome), #updatedAt = :recordedAt',
            ConditionExpression: 'attribute_exists(#orderId) AND attribute_not_exists(#processed.#key)',
            names: { '#key': fact.idempotencyKey, '#type': fact.detailType },
            ExpressionAttributeValues: {
              ':recordedAt': fact.history.recordedAt,
              ':history': [fact.history],
              ':outcome': fact.outcome,
            },
          }),
        fact.orderId,
      );
      return { recorded: done, order };
    },

    async wait(orderId, waiting, expectedStatus) {
      const { done, order } = await conditionally(
        () =>
          update({
            Key: { orderId },
            UpdateExpression: 'SET #waiting = :waiting, #updatedAt = :since',
            ConditionExpression: '#status = :expected',
            names: {},
            ExpressionAttributeValues: { ':waiting': waiting, ':since': waiting.since, ':expected': expectedStatus },
          }),
        orderId,
      );
      return { stored: done, order };
    },

    async advance(step) {
      const extra = Object.entries(step.set);
      const from = step.from.map((_status, i) => `:from${i}`);
      const { done, order } = await conditionally(
        () =>
          update({
            Key: { orderId: step.orderId },
            UpdateExpression: [
              'SET #status = :to, #updatedAt = :at, #processed.#key = :at, #history = list_append(#history, :history)',
              ...extra.map((_entry, i) => `#set${i} = :set${i}`),
            ]
              .join(', ')
              // The move ends whatever wait the order was in; a stale token must not be resumed.
              .concat(' REMOVE #waiting'),
            ConditionExpression: `#status IN (${from.join(', ')}) AND attribute_not_exists(#processed.#key)`,
            names: {
              '#key': step.idempotencyKey,
              ...Object.fromEntries(extra.map(([name], i) => [`#set${i}`, name])),
            },
            ExpressionAttributeValues: {
              ':to': step.to,
              ':at': step.at,
              ':history': [step.history],
              ...Object.fromEntries(step.from.map((status, i) => [`:from${i}`, status])),
              ...Object.fromEntries(extra.map(([, value], i) => [`:set${i}`, value])),
            },
          }),
        step.orderId,
      );
      return { applied: done, order };
    },

    async markCompensation(orderId, marking, dueBy) {
      if (marking === 'none') return;
      const write =
        marking === 'mark'
          ? {
              UpdateExpression: 'SET #compensationDueBy = if_not_exists(#compensationDueBy, :dueBy)',
              ConditionExpression: `#status = :cancelled AND (${OWES_COMPENSATION})`,
              ExpressionAttributeValues: { ':cancelled': 'CANCELLED', ':dueBy': dueBy },
            }
          : {
              UpdateExpression: 'REMOVE #compensationDueBy',
              ConditionExpression: `#status = :cancelled AND attribute_exists(#compensationDueBy) AND NOT (${OWES_COMPENSATION})`,
              ExpressionAttributeValues: { ':cancelled': 'CANCELLED' },
            };
      // Refused means another write changed the outcomes since the decision: the write that follows that one
      // decides again on what it returned, so nothing is lost by dropping this one.
      await conditionally(() => update({ Key: { orderId }, names: {}, ...write }), orderId);
    },
  };
};

/** The production repository: the table named in `ORDERS_TABLE_NAME`, with default client settings. */
export const orderRepositoryFromEnv = (tracer?: { captureAWSv3Client<T>(client: T): T }): OrderRepository => {
  const client = new DynamoDBClient({});
  return createOrderRepository({
    client: tracer ? tracer.captureAWSv3Client(client) : client,
    tableName: requireEnv('ORDERS_TABLE_NAME'),
  });
};
