import { SQSClient } from '@aws-sdk/client-sqs';
import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { PermanentError } from '#shared/errors';
import { requireEnv } from '#shared/runtime';
import { createSqsDeadLetters, type DeadLetterPort } from './deadLetters';

export interface ConsumerDependencies {
  logger: Logger;
  tracer: Tracer;
  deadLetters: DeadLetterPort;
  maxReceiveCount: number;
}

/**
 * The production wiring every SQS consumer shares, read once per cold start from the function's
 * environment (`DEAD_LETTER_QUEUE_NAME`, `MAX_RECEIVE_COUNT`). Tests build their own with fakes.
 *
 * @example
 * ```ts
 * export const handler = makeHandler({ ...consumerDependencies('payment'), workflows });
 * ```
 */
export const consumerDependencies = (serviceName: string): ConsumerDependencies => {
  const tracer = createTracer(serviceName);
  return {
    logger: createLogger(serviceName),
    tracer,
    deadLetters: createSqsDeadLetters({
      client: tracer.captureAWSv3Client(new SQSClient({})),
      queueName: requireEnv('DEAD_LETTER_QUEUE_NAME'),
    }),
    maxReceiveCount: positiveInteger('MAX_RECEIVE_COUNT'),
  };
};

/** NaN here would silently disable dead-lettering on the last receive: refuse it at cold start. */
const positiveInteger = (name: string): number => {
  const value = Number(requireEnv(name));
  if (!Number.isInteger(value) || value < 1) throw new PermanentError(`environment variable ${name} must be a positive integer`);
  return value;
};
