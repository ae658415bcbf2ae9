import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PermanentError } from '#shared/errors';
import type { Tracer } from '#shared/logging';
import { requireEnv } from '#shared/runtime';
import { CANCELLABLE_STATUSES, tombstoneFor } from '../domain/cancellation';
import { CALLBACKS_KEPT, expiryOf, LATE_REPORTS_KEPT, movesFrom, reportedAtField, type Shipment } from '../domain/shipment';
import type { ShipmentRepository } from '../domain/shipmentRepository';

/** The index carrier callbacks find their order through: they only know the carrier's shipment id. */
export const SHIPMENT_ID_INDEX = 'byShipmentId';

/**
 * Shipments in DynamoDB, one item per order (`orderId`), with every rule enforced by a single conditional
 * write: no transactions (the local DynamoDB has none) and no read-then-write. A consistent read follows a
 * refused write only to report the state that refused it. A refused condition is an answer; any other
 * failure goes up as the SDK raised it, and whether it is worth retrying is decided once, at the task and
 * consumer boundary (`#shared/tasks`, `#shared/middlewares`).
 */
export const createDynamoShipmentRepository = ({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): ShipmentRepository => {
  const get = async (orderId: string): Promise<Shipment | undefined> => {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { orderId }, ConsistentRead: true }));
    return Item as Shipment | undefined;
  };
  const mustGet = async (orderId: string): Promise<Shipment> => {
    const shipment = await get(orderId);
    if (!shipment) throw new PermanentError(`order ${orderId} has no shipment`);
    return shipment;
  };
  /** Runs a conditional update; undefined when its condition refused it. */
  const update = async (input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'ReturnValues'>) => {
    try {
      const { Attributes } = await client.send(new UpdateCommand({ ...input, TableName: tableName, ReturnValues: 'ALL_NEW' }));
      return Attributes as Shipment;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  };
  /** Runs a conditional put; false when its condition refused it. */
  const putIf = async (item: Shipment, condition: string): Promise<boolean> => {
    try {
      await client.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: condition }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  };

  return {
    get,

    async create(shipment) {
      // One shipment per order: a retried task finds the one its first attempt stored.
      return (await putIf(shipment, 'attribute_not_exists(orderId)')) ? shipment : mustGet(shipment.orderId);
    },

    async orderIdOf(shipmentId) {
      const { Items } = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: SHIPMENT_ID_INDEX,
          KeyConditionExpression: 'shipmentId = :shipmentId',
          ExpressionAttributeValues: { ':shipmentId': shipmentId },
        }),
      );
      return (Items?.[0] as { orderId?: string } | undefined)?.orderId;
    },

    async recordCallback(orderId, { callbackId, status, occurredAt }, receivedAt) {
      const names = { '#callbacks': 'callbacks', '#callbackId': callbackId, '#status': 'status' };
      const unseen = 'attribute_exists(orderId) AND attribute_not_exists(#callbacks.#callbackId)';
      // The cap is part of the same condition, so concurrent new reports can never take it past CALLBACKS_KEPT.
      const roomFor = `${unseen} AND size(#callbacks) < :kept`;
      const report = { status, occurredAt, receivedAt: receivedAt.toISOString() };
      const record = {
        UpdateExpression: 'SET #callbacks.#callbackId = :callback, #reportedAt = if_not_exists(#reportedAt, :occurredAt)',
        ExpressionAttributeNames: { ...names, '#reportedAt': reportedAtField(status) },
        ExpressionAttributeValues: { ':callback': report, ':occurredAt': occurredAt, ':kept': CALLBACKS_KEPT },
      };
      const from = movesFrom(status);

      // The report moves the status forward, in the same write that records it...
      const moved = await update({
        Key: { orderId },
        UpdateExpression: `${record.UpdateExpression}, #status = :reported`,
        ConditionExpression: `${roomFor} AND #status IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
        ExpressionAttributeNames: record.ExpressionAttributeNames,
        ExpressionAttributeValues: { ...record.ExpressionAttributeValues, ':reported': status, ...Object.fromEntries(from.map((s, i) => [`:from${i}`, s])) },
      });
      if (moved) return { outcome: 'recorded', shipment: moved };

      // ...or, when the status is already past it (late, or after FAILED), is recorded without moving anything...
      const recorded = await update({
        Key: { orderId },
        ...record,
        ConditionExpression: `${roomFor} AND #status <> :cancelled`,
        ExpressionAttributeValues: { ...record.ExpressionAttributeValues, ':cancelled': 'CANCELLED' },
      });
      if (recorded) return { outcome: 'recorded', shipment: recorded };

      // ...or, on a cancelled shipment, is kept apart among the first few late reports: a carrier that goes on
      // reporting a cancelled parcel must not grow the item without bound...
      const late = await update({
        Key: { orderId },
        UpdateExpression: 'SET #late = list_append(if_not_exists(#late, :none), :report)',
        ConditionExpression: `${unseen} AND #status = :cancelled AND (attribute_not_exists(#late) OR size(#late) < :kept)`,
        ExpressionAttributeNames: { ...names, '#late': 'lateReports' },
        ExpressionAttributeValues: { ':none': [], ':report': [{ callbackId, ...report }], ':cancelled': 'CANCELLED', ':kept': LATE_REPORTS_KEPT },
      });
      if (late) return { outcome: 'late', shipment: late };

      // ...or was recorded before: a redelivery, answered with the shipment as it is now, so a resume that
      // failed the first time is attempted again. A late report beyond the first few is not kept at all, and
      // neither is a new report on an open shipment that already keeps CALLBACKS_KEPT.
      const shipment = await mustGet(orderId);
      if (callbackId in shipment.callbacks) return { outcome: 'duplicate', shipment };
      return { outcome: shipment.status === 'CANCELLED' ? 'late' : 'limit-reached', shipment };
    },

    async registerWait(orderId, awaiting, taskToken) {
      const shipment = await update({
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
      const failed = await update({
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

    async cancel(orderId, cancellation) {
      // No shipment yet (OrderCancelled overtook OrderConfirmed, or the order never got that far): the
      // tombstone takes its place, and the createShipment that comes later finds it.
      const tombstone = tombstoneFor(orderId, cancellation);
      if (await putIf(tombstone, 'attribute_not_exists(orderId)')) return { outcome: 'tombstoned', shipment: tombstone };
      const cancelled = await update({
        Key: { orderId },
        UpdateExpression: 'SET #status = :cancelled, cancelledAt = :at, cancelledBy = :by',
        ConditionExpression: `#status IN (${CANCELLABLE_STATUSES.map((_, i) => `:from${i}`).join(', ')})`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':cancelled': 'CANCELLED',
          ':at': cancellation.cancelledAt,
          ':by': cancellation.causationId,
          ...Object.fromEntries(CANCELLABLE_STATUSES.map((s, i) => [`:from${i}`, s])),
        },
      });
      if (cancelled) return { outcome: 'cancelled', shipment: cancelled };
      // Refused: a redelivered OrderCancelled finds it CANCELLED; otherwise it was delivered or failed first.
      const shipment = await mustGet(orderId);
      return { outcome: shipment.status === 'CANCELLED' ? 'duplicate' : 'not-open', shipment };
    },
  };
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
