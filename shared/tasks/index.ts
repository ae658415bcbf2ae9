import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { z } from 'zod';
import { classifyError, PermanentError } from '#shared/errors';
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
 * workflow does not retry), logs with the correlation id, traces, and decides what a failure is: our typed
 * errors pass through, and anything else (an SDK throttle, a 5xx, a network reset, an access error, a bug)
 * becomes a TransientError or a PermanentError ({@link classifyError}). Step Functions matches error names
 * exactly, so this is what lets one `Retry` on TransientError (services/common.yml `transientErrors`) cover
 * every AWS call a task makes, and a `Catch` or a failed, alarmed execution take the rest.
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
    try {
      return await handle(parsed.data, { logger: taskLogger, now });
    } catch (thrown) {
      const error = classifyError(thrown);
      // Logged here, once, with the order id: the workflow that handles it (Retry, Catch or a failed,
      // alarmed execution) sees only the name and the message.
      taskLogger[error.transient ? 'warn' : 'error']('task failed', { error, transient: error.transient });
      throw error;
    }
  })
    .use(captureInvocation())
    .use(injectLambdaContext(logger))
    .use(captureLambdaHandler(tracer));
