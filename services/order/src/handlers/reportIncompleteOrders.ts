import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { captureInvocation } from '#shared/runtime';
import { overdueOrdersFromEnv } from '../adapters/overdueOrders';
import { reportIncompleteOrders, type IncompleteOrdersReport, type OverdueOrders } from '../domain/incompleteOrders';

export interface ReportIncompleteOrdersDependencies {
  orders: OverdueOrders;
  logger: Logger;
  tracer: Tracer;
  now?: () => Date;
}

/**
 * Scheduled (every 15 minutes): lists the orders stuck past their deadline in a non-terminal status. One
 * warning per stuck order, with its correlation id, so each can be found next to the rest of its logs; then a
 * summary line, which is what a metric filter or a log query counts. The event is ignored: the schedule only
 * says when.
 */
export const makeHandler = ({ orders, logger, tracer, now = () => new Date() }: ReportIncompleteOrdersDependencies) =>
  middy(async (): Promise<IncompleteOrdersReport> => {
    const report = await reportIncompleteOrders({ orders, now: now() });
    for (const stuck of report.stuck) logger.warn('order stuck past its deadline', { correlationId: stuck.orderId, ...stuck });
    const log = report.summary.stuck > 0 ? logger.warn.bind(logger) : logger.info.bind(logger);
    log('incomplete orders report', { checkedAt: report.checkedAt, ...report.summary });
    return report;
  })
    .use(captureInvocation())
    .use(injectLambdaContext(logger))
    .use(captureLambdaHandler(tracer));

const logger = createLogger('order');
const tracer = createTracer('order');
export const handler = makeHandler({ orders: overdueOrdersFromEnv(tracer), logger, tracer });
