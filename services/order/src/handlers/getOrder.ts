import { orderIdSchema } from '#shared/contracts';
import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { orderRepositoryFromEnv } from '../adapters/orderRepository';
import { orderView } from '../domain/orderView';
import type { OrderRepository } from '../domain/ports';
import { apiHandler, json, problem } from '../http/apiHandler';

export interface GetOrderDependencies {
  orders: OrderRepository;
  logger: Logger;
  tracer: Tracer;
}

/** `GET /orders/{orderId}`: the order, where its payment, stock and shipment stand, and what happened to it. */
export const makeHandler = ({ orders, logger, tracer }: GetOrderDependencies) =>
  apiHandler({ logger, tracer }, async (event) => {
    // A missing id is as malformed as a wrong one; the schema's message says what an id looks like.
    const orderId = orderIdSchema.safeParse(event.pathParameters?.orderId ?? '');
    if (!orderId.success) return problem(400, [`orderId: ${orderId.error.issues[0]?.message ?? 'is invalid'}`]);

    const order = await orders.get(orderId.data);
    return order ? json(200, orderView(order)) : problem(404, [`orderId: no order ${orderId.data}`]);
  });

const logger = createLogger('order');
const tracer = createTracer('order');
export const handler = makeHandler({ orders: orderRepositoryFromEnv(tracer), logger, tracer });
