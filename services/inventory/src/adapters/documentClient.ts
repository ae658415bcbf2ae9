import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Tracer } from '#shared/logging';

let shared: DynamoDBDocumentClient | undefined;

/**
 * One DynamoDB document client per cold start, shared by the function's repositories. Default config: the
 * region comes from the Lambda environment, and the endpoint from `AWS_ENDPOINT_URL` in the local cloud.
 */
export const documentClientFromEnv = (tracer?: Tracer): DynamoDBDocumentClient => {
  if (!shared) {
    const client = new DynamoDBClient({});
    shared = DynamoDBDocumentClient.from(tracer ? tracer.captureAWSv3Client(client) : client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }
  return shared;
};

export const isConditionFailure = (error: unknown): boolean => error instanceof ConditionalCheckFailedException;

/**
 * Runs a conditional write: true if it applied, false if its condition did not hold. Any other failure goes up
 * as the SDK raised it; whether it is worth retrying is decided once, at the task boundary (`#shared/tasks`).
 */
export const writeIf = async (write: () => Promise<unknown>): Promise<boolean> => {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};
