import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Optional attributes are left out, not stored as NULL, so a record reads back as it was written. */
export const documentClient = (client: DynamoDBClient): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

/** The production client; the endpoint comes from the environment (AWS_ENDPOINT_URL in the local cloud). */
export const documentClientFromEnv = (tracer?: { captureAWSv3Client<T>(client: T): T }): DynamoDBDocumentClient => {
  const client = new DynamoDBClient({});
  return documentClient(tracer ? tracer.captureAWSv3Client(client) : client);
};

/** Matched by name: the document client rethrows the low-level client's error class, which tests may mock. */
export const isConditionalCheckFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';
