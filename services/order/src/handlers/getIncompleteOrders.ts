import { callerOf, isOperator } from '#shared/identity';
import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { overdueOrdersFromEnv } from '../adapters/overdueOrders';
import { reportIncompleteOrders, type OverdueOrders } from '../domain/incompleteOrders';
import { apiHandler, forbidden, json, unauthorized } from '../http/apiHandler';

export interface GetIncompleteOrdersDependencies {
  orders: OverdueOrders;
  logger: Logger;
  tracer: Tracer;
  now?: () => Date;
}

/**
 * `GET /operations/orders/incomplete`, for operators only (the `operators` group of the token): the
 * incomplete-orders report, as `npm run report:incomplete` prints it and the scheduled `reportIncompleteOrders`
 * logs it. The orders stuck past their deadline, with where each stopped, and the cancelled orders still owed a
 * compensation; order ids, statuses and outcomes, no customer's address. A signed-in customer gets 403.
 */
export const makeHandler = ({ orders, logger, tracer, now = () => new Date() }: GetIncompleteOrdersDependencies) =>
  apiHandler({ logger, tracer }, async (event) => {
    const caller = callerOf(event);
    if (!caller) return unauthorized();
    if (!isOperator(caller)) return forbidden('Forbidden: operators only (the operators group)');
    const report = await reportIncompleteOrders({ orders, now: now() });
    logger.info('incomplete orders report served', { operator: caller.subject, ...report.summary });
    return json(200, report);
  });

const logger = createLogger('order');
const tracer = createTracer('order');
export const handler = makeHandler({ orders: overdueOrdersFromEnv(tracer), logger, tracer });
