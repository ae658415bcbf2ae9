import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { OutgoingEvent } from '#shared/contracts';
import { PermanentError, PublishError } from '#shared/errors';

/** PutEvents accepts at most 10 entries and 256 KiB per request. */
export const MAX_ENTRIES_PER_REQUEST = 10;
export const MAX_REQUEST_BYTES = 256 * 1024;

/**
 * Entry error codes a later attempt may clear (EventBridge's PutEvents reference: throttling and internal
 * failures), plus `Unknown`, which this publisher uses when a response counts failures without naming them.
 * Any other code (InvalidArgument, AccessDeniedException, ResourceNotFoundException, …) is an answer about the
 * entry itself: sending it again within the same call would get the same answer.
 */
const RETRYABLE_ENTRY_ERRORS = new Set(['InternalFailure', 'InternalException', 'ThrottlingException', 'Unknown']);

export interface PublisherOptions {
  client: EventBridgeClient;
  eventBusName: string;
  /** Attempts per entry, the first included. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Injected so tests run without waiting. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface Publisher {
  publish(events: readonly OutgoingEvent[]): Promise<void>;
}

/**
 * Publishes already-validated events. PutEvents answers HTTP 200 even when some entries fail
 * (`FailedEntryCount`), so every response is inspected: failed entries alone are retried with full-jitter
 * exponential backoff, and a {@link PublishError} listing them is thrown if any still fail. Retrying a
 * whole batch instead would publish its successful entries twice.
 *
 * @example
 * ```ts
 * const publisher = createPublisher({ client: new EventBridgeClient({}), eventBusName: 'ordering-dev' });
 * await publisher.publish([buildEvent(orderPlaced, data, cause)]);
 * ```
 */
export const createPublisher = ({
  client,
  eventBusName,
  maxAttempts = 4,
  baseDelayMs = 50,
  maxDelayMs = 2_000,
  sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random = Math.random,
}: PublisherOptions): Publisher => {
  const toEntry = (event: OutgoingEvent): PutEventsRequestEntry => ({
    EventBusName: eventBusName,
    Source: event.source,
    DetailType: event.detailType,
    Detail: JSON.stringify(event.detail),
  });

  const publishBatch = async (batch: PutEventsRequestEntry[]): Promise<void> => {
    type Failure = { entry: PutEventsRequestEntry; errorCode?: string; errorMessage?: string };
    let pending = batch;
    let lastFailures: Failure[] = [];
    const refused: Failure[] = [];
    for (let attempt = 1; attempt <= maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 1) {
        await sleep(Math.round(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 2))));
      }
      const response = await client.send(new PutEventsCommand({ Entries: pending }));
      if (!response.FailedEntryCount) {
        lastFailures = [];
        break;
      }
      // Response entries are positional: entry i answers request entry i.
      lastFailures = pending.flatMap((entry, i) => {
        const result = response.Entries?.[i];
        return result?.ErrorCode ? [{ entry, errorCode: result.ErrorCode, errorMessage: result.ErrorMessage }] : [];
      });
      // A count without per-entry codes leaves no way to tell which failed: all of them are retried
      // (consumers deduplicate on the idempotency key, so a resent success is harmless).
      if (lastFailures.length === 0) lastFailures = pending.map((entry) => ({ entry, errorCode: 'Unknown' }));
      refused.push(...lastFailures.filter((failure) => !RETRYABLE_ENTRY_ERRORS.has(failure.errorCode ?? '')));
      lastFailures = lastFailures.filter((failure) => RETRYABLE_ENTRY_ERRORS.has(failure.errorCode ?? ''));
      pending = lastFailures.map((failure) => failure.entry);
    }
    const failures = [...refused, ...lastFailures];
    if (failures.length === 0) return;
    // Still a PublishError (transient) when an entry was refused outright: the cause (a missing bus, a policy)
    // is fixed by a deploy, and the caller's own bounded retries then succeed.
    throw new PublishError(
      `EventBridge refused ${failures.length} event(s) after ${maxAttempts} attempts: ${failures
        .map((f) => `${f.entry.DetailType} (${f.errorCode})`)
        .join(', ')}`,
      failures.map((f) => ({
        detailType: f.entry.DetailType ?? '',
        errorCode: f.errorCode,
        errorMessage: f.errorMessage,
      })),
    );
  };

  return {
    async publish(events) {
      for (const batch of toBatches(events.map(toEntry))) {
        await publishBatch(batch);
      }
    },
  };
};

/**
 * Splits entries into requests of at most 10 entries and 256 KiB, sized as EventBridge counts them.
 * @internal
 */
export const toBatches = (entries: readonly PutEventsRequestEntry[]): PutEventsRequestEntry[][] => {
  const batches: PutEventsRequestEntry[][] = [];
  let current: PutEventsRequestEntry[] = [];
  let currentBytes = 0;
  for (const entry of entries) {
    const bytes = entrySize(entry);
    if (bytes > MAX_REQUEST_BYTES) {
      throw new PermanentError(`${entry.DetailType} is ${bytes} bytes; EventBridge accepts at most ${MAX_REQUEST_BYTES}`);
    }
    if (current.length === MAX_ENTRIES_PER_REQUEST || currentBytes + bytes > MAX_REQUEST_BYTES) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(entry);
    currentBytes += bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
};

/** The size rule from the EventBridge user guide ("Calculating PutEvents event entry size"). */
const entrySize = (entry: PutEventsRequestEntry): number => {
  const utf8 = (value: string | undefined) => (value ? Buffer.byteLength(value, 'utf8') : 0);
  return (
    14 + // Time, always counted
    utf8(entry.Source) +
    utf8(entry.DetailType) +
    utf8(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + utf8(resource), 0)
  );
};
