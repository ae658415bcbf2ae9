import type { EventContract, EventOf } from '#shared/contracts';
import { workflowStarterFromEnv, type WorkflowStart, type WorkflowStarter } from '#shared/workflows';
import { consumeEvents } from './consumeEvents';
import { consumerDependencies, type ConsumerDependencies } from './consumerDependencies';

export type WorkflowConsumerDependencies = ConsumerDependencies & { workflows: WorkflowStarter };

/**
 * The consumer shape most subscriptions share: a fact arrives, a domain rule names the workflow execution
 * it starts, and a duplicate of the fact lands on the same execution name and is absorbed.
 *
 * @example
 * ```ts
 * export const makeHandler = (dependencies: WorkflowConsumerDependencies) =>
 *   startWorkflowOn({ ...dependencies, contracts: [orderPlaced], workflowFor: chargeWorkflowFor });
 * export const handler = makeHandler(workflowConsumerDependencies('payment'));
 * ```
 */
export const startWorkflowOn = <const C extends readonly EventContract[]>({
  workflows,
  contracts,
  workflowFor,
  ...dependencies
}: WorkflowConsumerDependencies & {
  contracts: C;
  workflowFor: (event: EventOf<C[number]>) => WorkflowStart;
}) =>
  consumeEvents({
    ...dependencies,
    contracts,
    handle: async (event, { logger }) => {
      const start = workflowFor(event);
      const outcome = await workflows.start(start);
      logger.info('workflow start', { execution: start.name, outcome });
    },
  });

/** Production wiring for {@link startWorkflowOn}: consumer dependencies plus `STATE_MACHINE_NAME`. */
export const workflowConsumerDependencies = (serviceName: string): WorkflowConsumerDependencies => {
  const dependencies = consumerDependencies(serviceName);
  return { ...dependencies, workflows: workflowStarterFromEnv(dependencies.tracer) };
};
