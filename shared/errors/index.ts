import { isRetryableByTrait, isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';

/**
 * The project's failure taxonomy. Business outcomes (declined, out of stock, duplicate) are values, never
 * errors; these classes are for failures only, and their `name` is API: Step Functions `Retry`/`Catch`
 * match it in `ErrorEquals`, and SQS consumers retry or dead-letter on `transient`. Everything else that is
 * thrown is turned into one of them by {@link classifyError}, at the task and consumer boundary only.
 *
 * @example
 * ```ts
 * throw new TransientError('payment provider unavailable', { cause: err });
 * ```
 */
export abstract class ApplicationError extends Error {
  abstract readonly transient: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Worth retrying: the same input may succeed later (throttling, timeouts, a dependency down). */
export class TransientError extends ApplicationError {
  readonly transient = true;
}

/** Never worth retrying: the input itself is wrong or breaks a contract. Goes to a DLQ at once. */
export class PermanentError extends ApplicationError {
  readonly transient = false;
}

/** An event that does not match its contract: names the event and the offending field. */
export class InvalidEventError extends PermanentError {
  constructor(
    message: string,
    readonly issues: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Entries that EventBridge still refused after every retry. */
export class PublishError extends TransientError {
  constructor(
    message: string,
    readonly failedEntries: readonly { detailType: string; errorCode?: string; errorMessage?: string }[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What the SDK's retry strategy reads off an error; present on every AWS SDK v3 exception. */
interface SdkErrorShape {
  name: string;
  message: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
  $fault?: 'client' | 'server';
}

/**
 * Whether a later attempt may succeed, decided as the AWS SDK's own retry strategy decides it (the same
 * functions from `@smithy/core/retry`): throttling (`ThrottlingException`, `ProvisionedThroughputExceededException`,
 * HTTP 429…), errors the service model marks retryable, HTTP 5xx, timeouts and network resets (`ECONNRESET`,
 * also as the `cause` of another error). Everything else is not: a validation or access error, a missing
 * resource, and a bug (a `TypeError`) fail the same way however often they are tried.
 */
const isWorthRetrying = (error: SdkErrorShape): boolean =>
  isThrottlingError(error) || isTransientError(error) || isServerError(error) || isRetryableByTrait(error);

const asSdkError = (error: unknown): SdkErrorShape =>
  error instanceof Error ? error : { name: 'NonErrorThrown', message: String(error) };

/**
 * The one place that decides whether a failure is worth retrying. Our own errors keep their class (and
 * `name`, which workflows match); anything else (an AWS SDK exception, a network error, a bug) becomes a
 * {@link TransientError} or a {@link PermanentError} named after the original, which stays as `cause`. The
 * task and consumer wrappers (`#shared/tasks`, `#shared/middlewares`) call it; adapters let SDK errors through.
 *
 * @example
 * ```ts
 * try {
 *   await client.send(new PutItemCommand(input));
 * } catch (error) {
 *   throw classifyError(error); // ThrottlingException → TransientError, AccessDeniedException → PermanentError
 * }
 * ```
 */
export const classifyError = (error: unknown): ApplicationError => {
  if (error instanceof ApplicationError) return error;
  const sdkError = asSdkError(error);
  const status = sdkError.$metadata?.httpStatusCode;
  const description = `${sdkError.name}${status === undefined ? '' : ` (HTTP ${status})`}: ${sdkError.message}`;
  return isWorthRetrying(sdkError)
    ? new TransientError(description, { cause: error })
    : new PermanentError(description, { cause: error });
};
