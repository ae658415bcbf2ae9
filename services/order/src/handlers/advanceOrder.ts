import { z } from 'zod';
import { cancellationReasons, orderIdSchema } from '#shared/contracts';
import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { publisherFromEnv, type Publisher } from '#shared/publisher';
import { taskHandler } from '#shared/tasks';
import { orderRepositoryFromEnv } from '../adapters/orderRepository';
import { compensationDueBy, compensationMarking } from '../domain/compensation';
import type { OrderRepository } from '../domain/ports';
import { eventForStep, planStep, settleStep, type StepRequest } from '../domain/steps';

const cause = { orderId: orderIdSchema, causationId: z.string().min(1).max(256) };

export const advanceOrderInput: z.ZodType<StepRequest> = z.discriminatedUnion('action', [
  z.object({ ...cause, action: z.literal('PLACE') }).strict(),
  z.object({ ...cause, action: z.literal('CONFIRM') }).strict(),
  z.object({ ...cause, action: z.literal('CANCEL'), reason: z.enum(cancellationReasons) }).strict(),
  z.object({ ...cause, action: z.literal('COMPLETE'), shipmentId: z.string().min(1) }).strict(),
]);

export interface AdvanceOrderDependencies {
  orders: OrderRepository;
  publisher: Publisher;
  logger: Logger;
  tracer: Tracer;
  now?: () => Date;
}

/**
 * A workflow step (place, confirm, cancel, complete): moves the order's status forward, at most once, and
 * publishes the fact. Safe to re-run: a step already recorded publishes the same event again (same
 * idempotency key) instead of failing, so a publish lost to a crash is made good by the workflow's retry.
 */
export const makeHandler = ({ orders, publisher, logger, tracer, now }: AdvanceOrderDependencies) =>
  taskHandler({
    input: advanceOrderInput,
    logger,
    tracer,
    now,
    handle: async (request, context) => {
      const step = planStep(request, context.now());
      const order = settleStep(step, await orders.advance(step));
      // Before publishing: once OrderCancelled is out, the refund may come back before this write.
      await orders.markCompensation(order.orderId, compensationMarking(order), compensationDueBy(order, context.now()));
      await publisher.publish([eventForStep(order, step)]);
      context.logger.info('order advanced', { action: request.action, status: order.status });
      return { orderId: order.orderId, status: order.status };
    },
  });

const logger = createLogger('order');
const tracer = createTracer('order');
export const handler = makeHandler({ orders: orderRepositoryFromEnv(tracer), publisher: publisherFromEnv(tracer), logger, tracer });
