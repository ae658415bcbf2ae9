import { z } from 'zod';
import { orderIdSchema } from '#shared/contracts';
import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { taskHandler } from '#shared/tasks';
import type { TaskResumer } from '#shared/workflows';
import { orderRepositoryFromEnv } from '../adapters/orderRepository';
import { taskResumerFromEnv } from '../adapters/taskResumer';
import { planWait, settleWait, wakeUp } from '../domain/decisions';
import type { OrderRepository } from '../domain/ports';

export const awaitOutcomesInput = z
  .object({
    orderId: orderIdSchema,
    phase: z.enum(['OUTCOMES', 'SHIPMENT']),
    token: z.string().min(1),
  })
  .strict();

export interface AwaitOutcomesDependencies {
  orders: OrderRepository;
  resumer: TaskResumer;
  logger: Logger;
  tracer: Tracer;
  now?: () => Date;
}

/**
 * The `.waitForTaskToken` task of each wait: stores the token on the order, then resumes the wait itself when
 * the outcomes it waits for were recorded before the token was (outcomes often beat the wait). The store
 * returns the whole item, so an outcome recorded before it is seen here, and one recorded after it sees the
 * token: whichever writes second resumes, and no wake-up is lost.
 */
export const makeHandler = ({ orders, resumer, logger, tracer, now }: AwaitOutcomesDependencies) =>
  taskHandler({
    input: awaitOutcomesInput,
    logger,
    tracer,
    now,
    handle: async (input, context) => {
      const plan = planWait(input, context.now());
      const order = settleWait(plan, await orders.wait(plan.orderId, plan.waiting, plan.expectedStatus));
      const wake = wakeUp(order);
      const resumed = wake ? await resumer.succeed(wake.token, wake.decision) : 'waiting';
      context.logger.info('waiting for outcomes', { phase: input.phase, resumed });
      return { orderId: order.orderId, phase: input.phase, resumed };
    },
  });

const logger = createLogger('order');
const tracer = createTracer('order');
export const handler = makeHandler({ orders: orderRepositoryFromEnv(tracer), resumer: taskResumerFromEnv(tracer), logger, tracer });
