import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseEvent, type EventContract, type EventOf } from '#shared/contracts';
import { classifyError, InvalidEventError } from '#shared/errors';
import type { Logger, Tracer } from '#shared/logging';
import { captureInvocation } from '#shared/runtime';
import type { DeadLetterPort } from './deadLetters';

export interface ConsumerContext {
  /** Carries the event's correlation id and idempotency key on every line. */
  logger: Logger;
  now: () => Date;
}

export interface ConsumeEventsOptions<C extends readonly EventContract[]> {
  /** The contracts this consumer accepts; anything else is dead-lettered as invalid. */
  contracts: C;
  handle: (event: EventOf<C[number]>, context: ConsumerContext) => Promise<void>;
  deadLetters: DeadLetterPort;
  logger: Logger;
  tracer: Tracer;
  /** The queue's `maxReceiveCount`: on the last receive a transient failure is dead-lettered with its reason. */
  maxReceiveCount: number;
  now?: () => Date;
}

/**
 * A Lambda handler for an SQS queue of EventBridge events. Per record: validate against the contracts,
 * call `handle`, and sort failures ({@link classifyError} decides, for SDK and network errors too). An invalid
 * event or a permanent error goes to the DLQ at once with its reason; a transient error (a throttle, a 5xx, a
 * network reset) is reported as a partial batch failure so SQS redelivers only that record,
 * until its last receive, when it is dead-lettered with its reason. One bad message never blocks the queue.
 *
 * @example
 * ```ts
 * export const handler = consumeEvents({
 *   contracts: [orderPlaced] as const,
 *   handle: async (event) => startCharge(event.data),
 *   deadLetters, logger, tracer, maxReceiveCount: 5,
 * });
 * ```
 */
export const consumeEvents = <const C extends readonly EventContract[]>({
  contracts,
  handle,
  deadLetters,
  logger,
  tracer,
  maxReceiveCount,
  now = () => new Date(),
}: ConsumeEventsOptions<C>) => {
  // Records run one after another: partial order within a batch is kept, and one failing record does
  // not race its siblings for the same order.
  const processor = new BatchProcessor(EventType.SQS);

  const handleRecord = async (record: SQSRecord): Promise<void> => {
    const recordLogger = logger.createChild({ persistentKeys: { messageId: record.messageId } });
    const deadLetter = async (error: Error, log: Logger) => {
      log.error('dead-lettering message', { error });
      await deadLetters.send(record, error, now());
    };

    let event: EventOf<C[number]>;
    try {
      event = parseEvent(contracts, parseBody(record.body));
    } catch (error) {
      await deadLetter(classifyError(error), recordLogger);
      return;
    }

    const eventLogger = recordLogger.createChild({
      persistentKeys: {
        correlationId: event.metadata['correlation-id'],
        idempotencyKey: event.metadata['idempotency-key'],
        detailType: event.detailType,
      },
    });
    try {
      await handle(event, { logger: eventLogger, now });
    } catch (thrown) {
      const error = classifyError(thrown);
      const receiveCount = Number(record.attributes.ApproximateReceiveCount);
      if (!error.transient || receiveCount >= maxReceiveCount) {
        await deadLetter(error, eventLogger);
        return;
      }
      eventLogger.warn('transient failure; SQS will redeliver', { error, receiveCount });
      throw error;
    }
  };

  return middy(
    async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
      processPartialResponse(event, handleRecord, processor, {
        context,
        processInParallel: false,
        // A batch that fails whole is reported record by record, like any partial failure, instead of
        // failing the invocation (which would also retry nothing more precisely and count as a Lambda error).
        throwOnFullBatchFailure: false,
      }),
  )
    .use(captureInvocation())
    .use(injectLambdaContext(logger))
    .use(captureLambdaHandler(tracer));
};

/** A body that is not JSON is an invalid event like any other, named so in the DLQ. */
const parseBody = (body: string): unknown => {
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw new InvalidEventError(`message body is not JSON: ${asError(error).message}`, [], { cause: error });
  }
};

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
