import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

export type { Logger } from '@aws-lambda-powertools/logger';
export type { Metrics } from '@aws-lambda-powertools/metrics';
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

/**
 * Business and health metrics in CloudWatch's Embedded Metric Format (Powertools), written to the function's
 * log: no API call, no extra latency. The namespace comes from `POWERTOOLS_METRICS_NAMESPACE`; every metric is
 * dimensioned by `service` and `stage` only, so the number of metric series (and their cost) stays bounded.
 *
 * @example
 * ```ts
 * const metrics = createMetrics('order', 'dev');
 * metrics.addMetric('IncompleteOrders', MetricUnit.Count, 3);
 * metrics.publishStoredMetrics();
 * ```
 */
export const createMetrics = (serviceName: string, stage: string): Metrics => new Metrics({ serviceName, defaultDimensions: { stage } });
