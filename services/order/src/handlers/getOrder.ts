import { orderIdSchema } from '#shared/contracts';
import { callerOf } from '#shared/identity';
import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { orderRepositoryFromEnv } from '../adapters/orderRepository';
import { orderViewFor } from '../domain/orderView';
import type { OrderRepository } from '../domain/ports';
import { apiHandler, json, problem, unauthorized } from '../http/apiHandler';

export interface GetOrderDependencies {
  orders: OrderRepository;
  logger: Logger;
  tracer: Tracer;
}

/**
 * `GET /orders/{orderId}` for the signed-in customer who placed the order: the order, where its payment, stock
 * and shipment stand, and what happened to it. Anyone else gets the very answer an order that does not exist
 * gets, so an order id says nothing to whoever is not its owner.
 */
export const makeHandler = ({ orders, logger, tracer }: GetOrderDependencies) =>
  apiHandler({ logger, tracer }, async (event) => {
    const caller = callerOf(event);
    if (!caller) return unauthorized();
    // A missing id is as malformed as a wrong one; the schema's message says what an id looks like.
    const orderId = orderIdSchema.safeParse(event.pathParameters?.orderId ?? '');
    if (!orderId.success) return problem(400, [`orderId: ${orderId.error.issues[0]?.message ?? 'is invalid'}`]);

    const order = await orders.get(orderId.data);
    const view = orderViewFor(order, caller.subject);
    // Someone asking for another customer's order by its id: a leaked link, or someone probing. Logged for
    // whoever watches, answered as if the order did not exist.
    if (order && !view) logger.warn('order asked for by someone other than its customer', { correlationId: order.orderId });
    return view ? json(200, view) : problem(404, [`orderId: no order ${orderId.data}`]);
  });

const logger = createLogger('order');
const tracer = createTracer('order');
export const handler = makeHandler({ orders: orderRepositoryFromEnv(tracer), logger, tracer });
