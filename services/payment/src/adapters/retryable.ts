import { isTransient, TransientError } from '#shared/errors';

/**
 * Step Functions matches an error's `name` exactly, not its class: a `Retry` on TransientError does not see
 * a DynamoDB throttle, a network reset or a `PublishError`. Adapters surface every failure worth retrying as a
 * plain TransientError (the original kept as `cause`), so one retrier in the ASL covers them all; permanent
 * errors pass through untouched for `Catch`.
 */
export const retryable = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
  try {
    return await run();
  } catch (error) {
    if (!isTransient(error) || (error instanceof TransientError && error.name === 'TransientError')) throw error;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new TransientError(`${operation} failed (${reason})`, { cause: error });
  }
};
