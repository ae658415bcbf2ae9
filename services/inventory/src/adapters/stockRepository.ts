import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { PermanentError, TransientError } from '#shared/errors';
import type { Tracer } from '#shared/logging';
import { requireEnv } from '#shared/runtime';
import type { StockRepository } from '../domain/stock';
import { documentClientFromEnv, writeIf } from './documentClient';

/** A stock item as stored: the domain's item plus the ids of the operations in flight (a string set). */
const stockRecord = z.object({
  sku: z.string(),
  name: z.string(),
  unitPrice: z.object({ amount: z.number(), currency: z.string() }),
  available: z.number(),
  pendingOperations: z.set(z.string()).optional(),
});

const names = { '#sku': 'sku', '#available': 'available', '#pending': 'pendingOperations' };

/**
 * The stock table, one item per SKU (`sku`). See {@link StockRepository} for why each count change carries
 * an operation id in `pendingOperations`, in the same single-item conditional write.
 *
 * @example
 * ```ts
 * const stock = createStockRepository({ client: DynamoDBDocumentClient.from(new DynamoDBClient({})), tableName });
 * await stock.take('ceramic-cup', 2, reserveOperation(orderId));
 * ```
 */
export const createStockRepository = ({ client, tableName }: { client: DynamoDBDocumentClient; tableName: string }): StockRepository => {
  const read = async (sku: string) => {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { sku }, ConsistentRead: true }));
    if (!Item) return undefined;
    const parsed = stockRecord.safeParse(Item);
    if (!parsed.success) throw new PermanentError(`stock item ${sku} is malformed: ${parsed.error.message}`);
    return parsed.data;
  };

  return {
    async take(sku, quantity, operationId) {
      const taken = await writeIf(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { sku },
            UpdateExpression: 'SET #available = #available - :quantity ADD #pending :operations',
            ConditionExpression: 'attribute_exists(#sku) AND #available >= :quantity AND NOT contains(#pending, :operation)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ':quantity': quantity, ':operations': new Set([operationId]), ':operation': operationId },
          }),
        ),
      );
      if (taken) return 'TAKEN';
      // dynalite has no ReturnValuesOnConditionCheckFailure: read which part of the condition failed.
      const item = await read(sku);
      if (!item) return 'UNKNOWN_SKU';
      if (item.pendingOperations?.has(operationId)) return 'TAKEN';
      if (item.available < quantity) return 'OUT_OF_STOCK';
      throw new TransientError(`stock of ${sku} changed while taking ${quantity}; retry`);
    },

    undoTake: (sku, quantity, operationId) =>
      writeIf(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { sku },
            UpdateExpression: 'SET #available = #available + :quantity DELETE #pending :operations',
            ConditionExpression: 'contains(#pending, :operation)',
            ExpressionAttributeNames: { '#available': names['#available'], '#pending': names['#pending'] },
            ExpressionAttributeValues: { ':quantity': quantity, ':operations': new Set([operationId]), ':operation': operationId },
          }),
        ),
      ),

    async putBack(sku, quantity, operationId) {
      const added = await writeIf(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { sku },
            UpdateExpression: 'SET #available = #available + :quantity ADD #pending :operations',
            ConditionExpression: 'attribute_exists(#sku) AND NOT contains(#pending, :operation)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ':quantity': quantity, ':operations': new Set([operationId]), ':operation': operationId },
          }),
        ),
      );
      if (added) return;
      const item = await read(sku);
      if (!item) throw new PermanentError(`cannot put back ${quantity} of ${sku}: the SKU is not stocked`);
      if (!item.pendingOperations?.has(operationId)) throw new TransientError(`stock of ${sku} changed while putting back; retry`);
    },

    async forget(sku, operationId) {
      // A SKU that is gone has nothing to forget: the write's condition keeps it from creating an empty item.
      await writeIf(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { sku },
            UpdateExpression: 'DELETE #pending :operations',
            ConditionExpression: 'attribute_exists(#sku)',
            ExpressionAttributeNames: { '#sku': names['#sku'], '#pending': names['#pending'] },
            ExpressionAttributeValues: { ':operations': new Set([operationId]) },
          }),
        ),
      );
    },

    async get(sku) {
      const item = await read(sku);
      return item && { sku: item.sku, name: item.name, unitPrice: item.unitPrice, available: item.available };
    },

    async seed(items, mode) {
      const written: string[] = [];
      for (const item of items) {
        const put = await writeIf(() =>
          client.send(
            new PutCommand({
              TableName: tableName,
              Item: { ...item },
              ...(mode === 'missing-only'
                ? { ConditionExpression: 'attribute_not_exists(#sku)', ExpressionAttributeNames: { '#sku': 'sku' } }
                : {}),
            }),
          ),
        );
        if (put) written.push(item.sku);
      }
      return written;
    },
  };
};

/** The production repository: the table named in `STOCK_TABLE_NAME`. */
export const stockRepositoryFromEnv = (tracer?: Tracer): StockRepository =>
  createStockRepository({ client: documentClientFromEnv(tracer), tableName: requireEnv('STOCK_TABLE_NAME') });
