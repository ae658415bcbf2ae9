import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { createLogger, createMetrics, createTracer, type Logger, type Metrics, type Tracer } from '#shared/logging';
import { captureInvocation, requireEnv } from '#shared/runtime';
import { overdueOrdersFromEnv } from '../adapters/overdueOrders';
import { reportIncompleteOrders, type IncompleteOrdersReport, type OverdueOrders } from '../domain/incompleteOrders';

export interface ReportIncompleteOrdersDependencies {
  orders: OverdueOrders;
  logger: Logger;
  tracer: Tracer;
  metrics: Metrics;
  now?: () => Date;
}

/**
 * Scheduled (every 15 minutes): lists the orders stuck past their deadline in a non-terminal status and the
 * cancelled orders still owed a compensation past its due time. One warning per order, with its correlation
 * id, so each can be found next to the rest of its logs; a summary line; and two gauges, `IncompleteOrders`
 * and `CompensationOwed`, emitted on every run, zeros included, which the order stack's alarms watch (a gauge
 * that is only written when non-zero would leave its alarm in INSUFFICIENT_DATA). The event is ignored: the
 * schedule only says when.
 */
export const makeHandler = ({ orders, logger, tracer, metrics, now = () => new Date() }: ReportIncompleteOrdersDependencies) =>
  middy(async (): Promise<IncompleteOrdersReport> => {
    const report = await reportIncompleteOrders({ orders, now: now() });
    for (const stuck of report.stuck) logger.warn('order stuck past its deadline', { correlationId: stuck.orderId, ...stuck });
    for (const owing of report.compensationOwed) logger.warn('cancelled order still owed a compensation', { correlationId: owing.orderId, ...owing });
    const quiet = report.summary.stuck === 0 && report.summary.compensationOwed === 0;
    const log = quiet ? logger.info.bind(logger) : logger.warn.bind(logger);
    log('incomplete orders report', { checkedAt: report.checkedAt, ...report.summary });
    metrics.addMetric('IncompleteOrders', MetricUnit.Count, report.summary.stuck);
    metrics.addMetric('CompensationOwed', MetricUnit.Count, report.summary.compensationOwed);
    return report;
  })
    .use(captureInvocation())
    .use(injectLambdaContext(logger))
    .use(captureLambdaHandler(tracer))
    .use(logMetrics(metrics));

const logger = createLogger('order');
const tracer = createTracer('order');
export const handler = makeHandler({ orders: overdueOrdersFromEnv(tracer), logger, tracer, metrics: createMetrics('order', requireEnv('STAGE')) });
