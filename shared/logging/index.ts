import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';

export type { Logger } from '@aws-lambda-powertools/logger';
export type { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * Structured JSON logs (Powertools): one logger per function, created once per cold start. The log level
 * comes from `POWERTOOLS_LOG_LEVEL`, set per stage in each `serverless.yml`.
 *
 * @example
 * ```ts
 * const logger = createLogger('payment');
 * logger.createChild({ persistentKeys: { correlationId: orderId } }).info('charging');
 * ```
 */
export const createLogger = (serviceName: string): Logger => new Logger({ serviceName });

/**
 * X-Ray tracing (Powertools). Outside Lambda (tests, `sls invoke local`, the local cloud) the tracer
 * disables itself, so no daemon is needed.
 */
export const createTracer = (serviceName: string): Tracer => new Tracer({ serviceName });
