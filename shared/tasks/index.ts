import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { z } from 'zod';
import { PermanentError } from '#shared/errors';
import type { Logger, Tracer } from '#shared/logging';
import { captureInvocation } from '#shared/runtime';

/** A state machine handed a task input its contract refuses: a bug upstream, never worth a retry. */
export class InvalidTaskInputError extends PermanentError {}

export interface TaskContext {
  /** Carries the order id (correlation id) on every line. */
  logger: Logger;
  now: () => Date;
}

/**
 * A Lambda handler for a Step Functions Task state: validates the input (`InvalidTaskInputError`, which the
 * workflow does not retry), logs with the correlation id, traces, and lets typed errors through so the
 * workflow's `Retry` (TransientError) and `Catch` (PermanentError) can match their `name`.
 *
 * @example
 * ```ts
 * export const makeHandler = ({ payments, logger, tracer }: Dependencies) =>
 *   taskHandler({ input: chargeInput, logger, tracer, handle: (input) => charge(payments, input) });
 * ```
 */
export const taskHandler = <TInput extends { orderId: string }, TOutput>({
  input,
  handle,
  logger,
  tracer,
  now = () => new Date(),
}: {
  input: z.ZodType<TInput>;
  handle: (input: TInput, context: TaskContext) => Promise<TOutput>;
  logger: Logger;
  tracer: Tracer;
  now?: () => Date;
}) =>
  middy(async (raw: unknown): Promise<TOutput> => {
    const parsed = input.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
      const error = new InvalidTaskInputError(`task input is invalid: ${issues.join('; ')}`);
      logger.error('invalid task input', { error });
      throw error;
    }
    const taskLogger = logger.createChild({ persistentKeys: { correlationId: parsed.data.orderId } });
    return handle(parsed.data, { logger: taskLogger, now });
  })
    .use(captureInvocation())
    .use(injectLambdaContext(logger))
    .use(captureLambdaHandler(tracer));
