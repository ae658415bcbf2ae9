import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Tracer } from '#shared/logging';
import { requireEnv } from '#shared/runtime';
import type { UsedSignatures } from '../domain/usedSignatures';

/**
 * Used carrier signatures in DynamoDB, one item per signature, claimed by one conditional put. The item's
 * `expiresAt` is the table's TTL attribute, so DynamoDB deletes it once the signature is stale anyway; TTL
 * deletes only eventually (typically within days), so the condition itself treats an expired item as absent.
 * Any failure but a refused condition goes up as the SDK raised it (docs/adr/0011).
 */
export const createDynamoUsedSignatures = ({ client, tableName }: { client: DynamoDBDocumentClient; tableName: string }): UsedSignatures => ({
  async claim(signature, { usableUntil, requestId, now }) {
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: { signature, expiresAt: usableUntil, claimedBy: requestId, claimedAt: now.toISOString() },
          ConditionExpression: 'attribute_not_exists(signature) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    // Refused: another request holds it, or this one does, its first put having landed with its reply lost
    // and the SDK's retry meeting it (docs/adr/0013). Only the claimant's request id tells the two apart.
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { signature }, ConsistentRead: true }));
    return (Item as { claimedBy?: string } | undefined)?.claimedBy === requestId ? 'claimed' : 'replayed';
  },
});

/** The production ledger: the table named in `USED_SIGNATURES_TABLE_NAME`. */
export const usedSignaturesFromEnv = (tracer: Tracer): UsedSignatures =>
  createDynamoUsedSignatures({
    client: DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({}))),
    tableName: requireEnv('USED_SIGNATURES_TABLE_NAME'),
  });
