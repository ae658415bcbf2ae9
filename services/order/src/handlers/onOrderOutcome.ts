import { consumeEvents, consumerDependencies, type ConsumerDependencies } from '#shared/middlewares';
import type { TaskResumer } from '#shared/workflows';
import { orderRepositoryFromEnv } from '../adapters/orderRepository';
import { taskResumerFromEnv } from '../adapters/taskResumer';
import { compensationDueBy, compensationMarking } from '../domain/compensation';
import { wakeUp } from '../domain/decisions';
import { requireOrder } from '../domain/order';
import { factFrom, outcomeContracts } from '../domain/outcomes';
import type { OrderRepository } from '../domain/ports';

export type OnOrderOutcomeDependencies = ConsumerDependencies & {
  orders: OrderRepository;
  resumer: TaskResumer;
  now?: () => Date;
};

/**
 * Records what payment, inventory and shipping report about an order: one conditional write per event both
 * deduplicates it (on its idempotency key) and records the outcome and its history entry. Then, if the order's
 * workflow waits for what is now known, resumes it. A duplicate resumes too, from the item as it is: a crash
 * between recording and resuming is healed by the redelivery. Late facts about a finished order are history
 * only: nothing here moves the status.
 */
export const makeHandler = ({ orders, resumer, ...dependencies }: OnOrderOutcomeDependencies) =>
  consumeEvents({
    ...dependencies,
    contracts: outcomeContracts,
    handle: async (event, { logger, now }) => {
      const fact = factFrom(event, now());
      const { recorded, order } = await orders.record(fact);
      const known = requireOrder(fact.orderId, order);
      await orders.markCompensation(known.orderId, compensationMarking(known), compensationDueBy(known, now()));
      const wake = wakeUp(known);
      const resumed = wake ? await resumer.succeed(wake.token, wake.decision) : 'not-waiting';
      logger.info('outcome recorded', { recorded, status: known.status, resumed, decision: wake?.decision.action });
    },
  });

const dependencies = consumerDependencies('order');
export const handler = makeHandler({
  ...dependencies,
  orders: orderRepositoryFromEnv(dependencies.tracer),
  resumer: taskResumerFromEnv(dependencies.tracer),
});
