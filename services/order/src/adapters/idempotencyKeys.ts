import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '#shared/runtime';
import type { KeyClaim } from '../domain/placement';
import type { IdempotencyKeys } from '../domain/ports';

/**
 * The idempotency-keys table in DynamoDB: one item per customer (partition key `customerId`) and key (sort key
 * `idempotencyKey`), holding the order id the key names and the first request's fingerprint. Claiming is one
 * `attribute_not_exists` put; when the key is taken (a retry, a concurrent duplicate, or the SDK retrying a put
 * whose reply was lost, which then meets its own write), the stored claim is read back consistently, so every
 * request under one key names the same order.
 *
 * @example
 * ```ts
 * const keys = createIdempotencyKeys({ client: new DynamoDBClient({}), tableName: 'ordering-order-dev-idempotency-keys' });
 * const { stored } = await keys.claim(claim);
 * ```
 */
export const createIdempotencyKeys = ({ client: dynamo, tableName }: { client: DynamoDBClient; tableName: string }): IdempotencyKeys => {
  const client = DynamoDBDocumentClient.from(dynamo);
  return {
    async claim(claim) {
      const Key = { customerId: claim.customerId, idempotencyKey: claim.idempotencyKey };
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: claim,
            ConditionExpression: 'attribute_not_exists(#customerId)',
            ExpressionAttributeNames: { '#customerId': 'customerId' },
          }),
        );
        return { claimed: true, stored: claim };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }));
      // Keys are never deleted, so a refused claim always has an item to read; written only here, as a KeyClaim.
      if (!Item) throw new Error(`idempotency key of ${claim.customerId} was refused as taken but could not be read back`);
      return { claimed: false, stored: Item as KeyClaim };
    },
  };
};

/** The production table: the one named in `IDEMPOTENCY_KEYS_TABLE_NAME`, with default client settings. */
export const idempotencyKeysFromEnv = (tracer?: { captureAWSv3Client<T>(client: T): T }): IdempotencyKeys => {
  const client = new DynamoDBClient({});
  return createIdempotencyKeys({
    client: tracer ? tracer.captureAWSv3Client(client) : client,
    tableName: requireEnv('IDEMPOTENCY_KEYS_TABLE_NAME'),
  });
};
