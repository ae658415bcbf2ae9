import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PermanentError, TransientError } from '#shared/errors';
import type { Tracer } from '#shared/logging';
import { requireEnv } from '#shared/runtime';
import { expiryOf, movesFrom, reportedAtField, type Shipment } from '../domain/shipment';
import type { ShipmentRepository } from '../domain/shipmentRepository';

/** The index carrier callbacks find their order through: they only know the carrier's shipment id. */
export const SHIPMENT_ID_INDEX = 'byShipmentId';

/**
 * Shipments in DynamoDB, one item per order (`orderId`), with every rule enforced by a single conditional
 * write: no transactions (the local DynamoDB has none) and no read-then-write. A consistent read follows a
 * refused write only to report the state that refused it.
 */
export const createDynamoShipmentRepository = ({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): ShipmentRepository => {
  const get = async (orderId: string): Promise<Shipment | undefined> => {
    const { Item } = await send('read the shipment', () =>
      client.send(new GetCommand({ TableName: tableName, Key: { orderId }, ConsistentRead: true })),
    );
    return Item as Shipment | undefined;
  };
  const mustGet = async (orderId: string): Promise<Shipment> => {
    const shipment = await get(orderId);
    if (!shipment) throw new PermanentError(`order ${orderId} has no shipment`);
    return shipment;
  };
  /** Runs a conditional update; undefined when its condition refused it. */
  const update = async (description: string, input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'ReturnValues'>) => {
    try {
      const { Attributes } = await client.send(new UpdateCommand({ ...input, TableName: tableName, ReturnValues: 'ALL_NEW' }));
      return Attributes as Shipment;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw new TransientError(`could not ${description}`, { cause: error });
    }
  };

  return {
    get,

    async create(shipment) {
      try {
        await client.send(
          new PutCommand({ TableName: tableName, Item: shipment, ConditionExpression: 'attribute_not_exists(orderId)' }),
        );
        return shipment;
      } catch (error) {
        // One shipment per order: a retried task finds the one its first attempt stored.
        if (error instanceof ConditionalCheckFailedException) return mustGet(shipment.orderId);
        throw new TransientError('could not store the shipment', { cause: error });
      }
    },

    async orderIdOf(shipmentId) {
      const { Items } = await send('look the shipment up', () =>
        client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: SHIPMENT_ID_INDEX,
            KeyConditionExpression: 'shipmentId = :shipmentId',
            ExpressionAttributeValues: { ':shipmentId': shipmentId },
          }),
        ),
      );
      return (Items?.[0] as { orderId?: string } | undefined)?.orderId;
    },

    async recordCallback(orderId, { callbackId, status, occurredAt }, receivedAt) {
      const names = { '#callbacks': 'callbacks', '#callbackId': callbackId, '#reportedAt': reportedAtField(status) };
      const record = 'SET #callbacks.#callbackId = :callback, #reportedAt = if_not_exists(#reportedAt, :occurredAt)';
      const unseen = 'attribute_exists(orderId) AND attribute_not_exists(#callbacks.#callbackId)';
      const values = { ':callback': { status, occurredAt, receivedAt: receivedAt.toISOString() }, ':occurredAt': occurredAt };
      const from = movesFrom(status);

      // The report moves the status forward, in the same write that records it...
      const moved = await update('record the callback', {
        Key: { orderId },
        UpdateExpression: `${record}, #status = :reported`,
        ConditionExpression: `${unseen} AND #status IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
        ExpressionAttributeNames: { ...names, '#status': 'status' },
        ExpressionAttributeValues: { ...values, ':reported': status, ...Object.fromEntries(from.map((s, i) => [`:from${i}`, s])) },
      });
      if (moved) return { outcome: 'recorded', shipment: moved };

      // ...or, when the status is already past it (late, or after FAILED), is recorded without moving anything...
      const recorded = await update('record the callback', {
        Key: { orderId },
        UpdateExpression: record,
        ConditionExpression: unseen,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      });
      if (recorded) return { outcome: 'recorded', shipment: recorded };

      // ...or was recorded before: a redelivery, answered with the shipment as it is now, so a resume that
      // failed the first time is attempted again.
      return { outcome: 'duplicate', shipment: await mustGet(orderId) };
    },

    async registerWait(orderId, awaiting, taskToken) {
      const shipment = await update('register the wait', {
        Key: { orderId },
        UpdateExpression: 'SET #wait = :wait',
        ConditionExpression: 'attribute_exists(orderId)',
        ExpressionAttributeNames: { '#wait': 'wait' },
        ExpressionAttributeValues: { ':wait': { awaiting, taskToken } },
      });
      if (!shipment) throw new PermanentError(`order ${orderId} has no shipment to wait on`);
      return shipment;
    },

    async expireWait(orderId, awaiting, now) {
      const { reason, failsFrom } = expiryOf(awaiting);
      const failed = await update('fail the shipment', {
        Key: { orderId },
        UpdateExpression: 'SET #status = :failed, failedAt = :now, failureReason = :reason REMOVE #wait',
        ConditionExpression: `#status IN (${failsFrom.map((_, i) => `:from${i}`).join(', ')})`,
        ExpressionAttributeNames: { '#status': 'status', '#wait': 'wait' },
        ExpressionAttributeValues: {
          ':failed': 'FAILED',
          ':now': now.toISOString(),
          ':reason': reason,
          ...Object.fromEntries(failsFrom.map((s, i) => [`:from${i}`, s])),
        },
      });
      // Refused: the awaited status arrived after the timeout fired, or the shipment already failed (a retry).
      return failed ?? mustGet(orderId);
    },
  };
};

const send = async <T>(description: string, call: () => Promise<T>): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    // Throttling, a network reset: worth the workflow's Retry, which matches the name TransientError.
    throw new TransientError(`could not ${description}`, { cause: error });
  }
};

/** The production repository: the table named in `SHIPMENTS_TABLE_NAME`. */
export const shipmentRepositoryFromEnv = (tracer: Tracer): ShipmentRepository =>
  createDynamoShipmentRepository({
    client: DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
      // Optional fields of a shipment are left out, not stored as NULL.
      marshallOptions: { removeUndefinedValues: true },
    }),
    tableName: requireEnv('SHIPMENTS_TABLE_NAME'),
  });
