import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PermanentError, TransientError } from '#shared/errors';
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

/** Failures no retry can fix: a missing table, a malformed request, a denied action. */
const PERMANENT = new Set(['ValidationException', 'ResourceNotFoundException', 'AccessDeniedException', 'SerializationException']);

/**
 * A DynamoDB failure as the project's typed error. Step Functions matches `Retry` on the error's `name`, so
 * the SDK's own names (`ThrottlingException`, a socket reset) would slip past it: anything not known to be
 * permanent is a TransientError, as for SQS consumers (`isTransient`).
 */
export const storeFailure = (error: unknown, action: string): Error => {
  const name = error instanceof Error ? error.name : 'UnknownError';
  const message = `${action} failed: ${name}${error instanceof Error ? `: ${error.message}` : ''}`;
  return PERMANENT.has(name) ? new PermanentError(message, { cause: error }) : new TransientError(message, { cause: error });
};

/** Runs a conditional write: true if it applied, false if its condition did not hold. Other failures are typed. */
export const writeIf = async (action: string, write: () => Promise<unknown>): Promise<boolean> => {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw storeFailure(error, action);
  }
};

/** Runs any other call, typing its failures. */
export const call = async <T>(action: string, run: () => Promise<T>): Promise<T> => {
  try {
    return await run();
  } catch (error) {
    throw storeFailure(error, action);
  }
};
