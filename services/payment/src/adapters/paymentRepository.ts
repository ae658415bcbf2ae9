import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PermanentError } from '#shared/errors';
import { requireEnv } from '#shared/runtime';
import type { PaymentRepository } from '../domain/paymentRepository';
import { paymentRecordSchema, type PaymentRecord } from '../domain/payments';
import { documentClientFromEnv, isConditionalCheckFailure } from './dynamoDb';

/**
 * The payments table (key `orderId`). Only single-item conditional writes: the local DynamoDB has no
 * transactions, and none are needed when each order's state lives in one item.
 */
export const createPaymentRepository = ({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): PaymentRepository => {
  const read = async (orderId: string): Promise<PaymentRecord | undefined> => {
    // Strongly consistent: it follows a refused conditional write and must see the write that won.
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { orderId }, ConsistentRead: true }));
    return Item ? parseRecord(Item) : undefined;
  };

  return {
    async create(record) {
      try {
        await client.send(
          new PutCommand({ TableName: tableName, Item: record, ConditionExpression: 'attribute_not_exists(orderId)' }),
        );
        return { created: true, record };
      } catch (error) {
        if (!isConditionalCheckFailure(error)) throw error;
      }
      const existing = await read(record.orderId);
      if (!existing) throw new PermanentError(`${record.orderId}: the payment record refused a create yet cannot be read`);
      return { created: false, record: existing };
    },

    async transition(orderId, { to, from, set }) {
      if (from.length === 0) return { applied: false, record: await read(orderId) };
      const changes = Object.entries(set as Record<string, unknown>).filter(([, value]) => value !== undefined);
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { orderId },
            UpdateExpression: `SET ${['#status = :to', ...changes.map((_, i) => `#f${i} = :v${i}`)].join(', ')}`,
            ConditionExpression: `#status IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
            ExpressionAttributeNames: {
              '#status': 'status',
              ...Object.fromEntries(changes.map(([name], i) => [`#f${i}`, name])),
            },
            ExpressionAttributeValues: {
              ':to': to,
              ...Object.fromEntries(changes.map(([, value], i) => [`:v${i}`, value])),
              ...Object.fromEntries(from.map((status, i) => [`:from${i}`, status])),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { applied: true, record: parseRecord(Attributes) };
      } catch (error) {
        if (!isConditionalCheckFailure(error)) throw error;
      }
      return { applied: false, record: await read(orderId) };
    },

    async noteCancellation(orderId, cancellation) {
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { orderId },
            // The first cancellation noted stays: a redelivered one must not rewrite its reason or causation.
            UpdateExpression: 'SET #cancellation = if_not_exists(#cancellation, :cancellation)',
            ConditionExpression: 'attribute_exists(orderId)',
            ExpressionAttributeNames: { '#cancellation': 'cancellation' },
            ExpressionAttributeValues: { ':cancellation': cancellation },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return parseRecord(Attributes);
      } catch (error) {
        if (isConditionalCheckFailure(error)) return undefined;
        throw error;
      }
    },
  };
};

const parseRecord = (item: Record<string, unknown> | undefined): PaymentRecord => {
  const parsed = paymentRecordSchema.safeParse(item);
  if (!parsed.success) {
    throw new PermanentError(
      `payment record is malformed: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  }
  return parsed.data;
};

/** The production repository: the table named in `PAYMENTS_TABLE_NAME`. */
export const paymentRepositoryFromEnv = (tracer?: { captureAWSv3Client<T>(client: T): T }): PaymentRepository =>
  createPaymentRepository({ client: documentClientFromEnv(tracer), tableName: requireEnv('PAYMENTS_TABLE_NAME') });
