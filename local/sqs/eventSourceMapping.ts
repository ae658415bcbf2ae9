import { apiErrorReply, checkedApiFault } from '../edge/apiFaults';
import { NO_FAULTS, type FaultPlan } from '../faults';
import type { LambdaInvoker } from '../lambda/invoker';
import { trace, tracing } from '../trace';
import type { MessageAttributeValue, ReceivedMessage, SqsService } from './sqsService';

/** The batch a mapping could not complete; its messages come back after their visibility timeout. */
export interface FailedBatch {
  functionName: string;
  queueArn: string;
  messageIds: string[];
}

export interface EventSourceMappingOptions {
  sqs: SqsService;
  queueArn: string;
  /** Function name or ARN, as the invoker takes it. */
  functionName: string;
  invoker: LambdaInvoker;
  /** 1–10000, Lambda's default 10. */
  batchSize?: number;
  /**
   * Seconds to keep gathering a batch once its first message arrived, 0–300 (Lambda's default 0: invoke with
   * what one poll returned). Fractions are accepted so tests can use short windows; AWS takes whole seconds.
   */
  maximumBatchingWindowSeconds?: number;
  /** `FunctionResponseTypes: [ReportBatchItemFailures]`: the function returns the ids that failed. */
  reportBatchItemFailures?: boolean;
  /** Batches processed at once (Lambda's pollers). */
  concurrency?: number;
  /**
   * Asked about every delete of a processed batch (`apiFault`, caller `event-source-mapping`): the poller
   * calls SQS itself, not through the edge. A delete answered with an error deletes nothing, so the batch
   * comes back after its visibility timeout and is processed again, as on AWS.
   */
  faults?: FaultPlan;
  /** Told about every batch that failed as a whole, and about polls that failed; defaults to stderr. */
  onBatchError?: (error: Error, batch: FailedBatch) => void;
}

export interface EventSourceMapping {
  /** Stops polling, then resolves once the batches in flight (gathered or being invoked) are finished. */
  stop(): Promise<void>;
}

/** A mapping configuration Lambda would refuse (CreateEventSourceMapping's `InvalidParameterValueException`). */
export class InvalidEventSourceMappingError extends Error {
  override readonly name = 'InvalidEventSourceMappingError';
}

/** The function's answer is not a partial batch response Lambda accepts, so the whole batch failed. */
export class InvalidBatchResponseError extends Error {
  override readonly name = 'InvalidBatchResponseError';
}

/** The SQS message attribute in a Lambda record: lower camel case, with the reserved (empty) list fields. */
export interface SqsRecordMessageAttribute {
  stringValue?: string;
  binaryValue?: string;
  stringListValues: string[];
  binaryListValues: string[];
  dataType: string;
}

export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: Record<string, string>;
  messageAttributes: Record<string, SqsRecordMessageAttribute>;
  md5OfBody: string;
  md5OfMessageAttributes?: string;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

export interface SqsEvent {
  Records: SqsRecord[];
}

/** Lambda long-polls SQS with the longest wait SQS allows. */
const LONG_POLL_MS = 20_000;
/** After a poll fails (queue deleted…), wait before polling again rather than spin. */
const POLL_RETRY_MS = 1_000;
const SQS_MAX_RECEIVE = 10;
const MAX_BATCH_SIZE = 10_000;
const MAX_BATCHING_WINDOW_SECONDS = 300;

const toRecordAttribute = (attribute: MessageAttributeValue): SqsRecordMessageAttribute => ({
  ...(attribute.StringValue === undefined ? {} : { stringValue: attribute.StringValue }),
  ...(attribute.BinaryValue === undefined ? {} : { binaryValue: attribute.BinaryValue }),
  stringListValues: [],
  binaryListValues: [],
  dataType: attribute.DataType,
});

/**
 * One SQS message as Lambda puts it in the event it invokes a function with.
 * @internal
 */
export const toSqsRecord = (message: ReceivedMessage, queueArn: string): SqsRecord => {
  const record: SqsRecord = {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body,
    attributes: { ...message.Attributes },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, attribute]) => [name, toRecordAttribute(attribute)]),
    ),
    md5OfBody: message.MD5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(':')[3] ?? '',
  };
  if (message.MD5OfMessageAttributes !== undefined) record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The message ids a function reported as failed, read the way Lambda documents it: no response, no
 * `batchItemFailures` or an empty list means every message succeeded; anything else that is not a list of
 * `{ itemIdentifier }` naming messages of this batch fails the whole batch.
 * @internal
 */
export const failedMessageIds = (response: unknown, batch: readonly ReceivedMessage[]): Set<string> => {
  if (response === undefined || response === null) return new Set();
  if (!isRecord(response)) throw new InvalidBatchResponseError(`the function returned ${JSON.stringify(response)}, not a batch response object`);
  const failures = response.batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) throw new InvalidBatchResponseError('batchItemFailures is not a list');
  const inBatch = new Set(batch.map((message) => message.MessageId));
  const failed = new Set<string>();
  for (const failure of failures) {
    const identifier = isRecord(failure) ? failure.itemIdentifier : undefined;
    if (typeof identifier !== 'string' || !inBatch.has(identifier)) {
      throw new InvalidBatchResponseError(`batchItemFailures names ${JSON.stringify(failure)}, which is not a message of this batch`);
    }
    failed.add(identifier);
  }
  return failed;
};

const validate = (options: EventSourceMappingOptions, batchSize: number, windowSeconds: number, concurrency: number): void => {
  const refuse = (reason: string) =>
    new InvalidEventSourceMappingError(`event source mapping ${options.queueArn} → ${options.functionName}: ${reason}`);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) throw refuse(`BatchSize ${batchSize} is not 1 to ${MAX_BATCH_SIZE}`);
  if (!(windowSeconds >= 0 && windowSeconds <= MAX_BATCHING_WINDOW_SECONDS)) {
    throw refuse(`MaximumBatchingWindowInSeconds ${windowSeconds} is not 0 to ${MAX_BATCHING_WINDOW_SECONDS}`);
  }
  if (batchSize > SQS_MAX_RECEIVE && windowSeconds === 0) {
    throw refuse('MaximumBatchingWindowInSeconds must be greater than 0 when BatchSize is greater than 10');
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) throw refuse(`concurrency ${concurrency} is not a positive integer`);
  try {
    options.sqs.getQueue(options.queueArn);
  } catch (error) {
    throw refuse(error instanceof Error ? error.message : String(error));
  }
};

const reportToStderr = (error: Error, batch: FailedBatch): void => {
  console.error(`[local lambda] ${batch.queueArn} → ${batch.functionName}: batch of ${batch.messageIds.length} failed: ${error.name}: ${error.message}`);
};

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms).unref();
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Runs a Lambda SQS event source mapping: `concurrency` pollers each gather up to `batchSize` messages
 * (waiting up to the batching window for more once the first arrived), invoke the function with Lambda's
 * SQS event, then delete what succeeded. A function error, throttle or timeout deletes nothing: the
 * messages come back after their visibility timeout, and the queue's redrive policy eventually
 * dead-letters them. With `reportBatchItemFailures`, only the reported messages are kept.
 *
 * @example
 * const mapping = startEventSourceMapping({ sqs, queueArn, functionName: 'onOrderPlaced', invoker, reportBatchItemFailures: true });
 * // …
 * await mapping.stop();
 */
export const startEventSourceMapping = (options: EventSourceMappingOptions): EventSourceMapping => {
  const { sqs, queueArn, functionName, invoker } = options;
  const batchSize = options.batchSize ?? 10;
  const windowSeconds = options.maximumBatchingWindowSeconds ?? 0;
  const concurrency = options.concurrency ?? 2;
  validate(options, batchSize, windowSeconds, concurrency);
  const onBatchError = options.onBatchError ?? reportToStderr;
  const faults = options.faults ?? NO_FAULTS;
  const queueUrl = sqs.getQueue(queueArn).url;
  const controller = new AbortController();
  const { signal } = controller;

  const report = (error: unknown, messages: readonly ReceivedMessage[]) => {
    onBatchError(asError(error), { functionName, queueArn, messageIds: messages.map((message) => message.MessageId) });
  };

  const gather = async (): Promise<ReceivedMessage[]> => {
    const batch: ReceivedMessage[] = [];
    let windowEndsAt: number | undefined;
    // A closed SqsService answers at once with nothing: polling it again would spin.
    while (!signal.aborted && !sqs.isClosed && batch.length < batchSize) {
      const waitTimeMs = windowEndsAt === undefined ? LONG_POLL_MS : windowEndsAt - Date.now();
      if (waitTimeMs <= 0) break;
      const received = await sqs.receiveMessage(
        queueArn,
        {
          MaxNumberOfMessages: Math.min(SQS_MAX_RECEIVE, batchSize - batch.length),
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        },
        { signal, waitTimeMs },
      );
      batch.push(...received);
      if (batch.length === 0) continue;
      if (windowSeconds === 0) break;
      windowEndsAt ??= Date.now() + windowSeconds * 1000;
    }
    return batch;
  };

  const deleteSucceeded = (messages: readonly ReceivedMessage[]) => {
    for (let start = 0; start < messages.length; start += SQS_MAX_RECEIVE) {
      const chunk = messages.slice(start, start + SQS_MAX_RECEIVE);
      const entries = chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle }));
      const call = { service: 'sqs', operation: 'DeleteMessageBatch', input: { QueueUrl: queueUrl, Entries: entries }, caller: 'event-source-mapping' } as const;
      const fault = checkedApiFault(call, faults.apiFault(call));
      if (fault.kind === 'error') {
        const { type, message } = apiErrorReply('sqs', fault.error);
        report(new Error(`DeleteMessageBatch answered ${fault.error} (${type}: ${message}); the messages come back after their visibility timeout`), chunk);
        continue;
      }
      // A lost reply changes nothing here: the delete took effect, and the poller does not retry it either way.
      const result = sqs.deleteMessageBatch(queueArn, entries);
      if (result.Failed.length > 0) {
        const failed = result.Failed.map((failure) => chunk[Number(failure.Id)]).filter((message) => message !== undefined);
        report(new Error(`DeleteMessageBatch failed: ${result.Failed.map((failure) => failure.Message).join('; ')}`), failed);
      }
    }
  };

  const processBatch = async (batch: ReceivedMessage[]): Promise<void> => {
    const event: SqsEvent = { Records: batch.map((message) => toSqsRecord(message, queueArn)) };
    let failed: Set<string>;
    try {
      const response = await invoker.invoke(functionName, event);
      failed = options.reportBatchItemFailures ? failedMessageIds(response, batch) : new Set();
    } catch (error) {
      report(error, batch);
      return;
    }
    try {
      deleteSucceeded(batch.filter((message) => !failed.has(message.MessageId)));
    } catch (error) {
      report(error, batch);
    }
  };

  const poll = async (): Promise<void> => {
    while (!signal.aborted && !sqs.isClosed) {
      let batch: ReceivedMessage[];
      try {
        batch = await gather();
        if (tracing && batch.length > 0) {
          const oldest = Math.min(...batch.map((message) => Number(message.Attributes?.SentTimestamp ?? Date.now())));
          trace('esm', queueArn.split(':').pop() ?? '', { messages: batch.length, oldestAgeMs: Date.now() - oldest });
        }
      } catch (error) {
        report(error, []);
        await sleep(POLL_RETRY_MS, signal);
        continue;
      }
      if (batch.length > 0) await processBatch(batch);
    }
  };

  const pollers = Array.from({ length: concurrency }, () => poll());
  let stopped: Promise<void> | undefined;
  return {
    stop: () => {
      stopped ??= (async () => {
        controller.abort();
        await Promise.all(pollers);
      })();
      return stopped;
    },
  };
};
