/**
 * The project's failure taxonomy. Business outcomes (declined, out of stock, duplicate) are values, never
 * errors; these classes are for failures only, and their `name` is API: Step Functions `Retry`/`Catch`
 * match it in `ErrorEquals`, and SQS consumers use {@link isTransient} to choose retry or DLQ.
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

/**
 * Unknown errors (SDK throttling, network resets, bugs) count as transient: retrying a permanent fault
 * costs a few receives before the DLQ, while dropping a transient one would lose the event.
 */
export const isTransient = (error: unknown): boolean =>
  !(error instanceof ApplicationError) || error.transient;
