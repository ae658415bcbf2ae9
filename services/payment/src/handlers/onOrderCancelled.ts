import { orderCancelled } from '#shared/contracts';
import { consumeEvents, consumerDependencies, type ConsumerDependencies } from '#shared/middlewares';
import { workflowStarterFromEnv, type WorkflowStarter } from '#shared/workflows';
import { refundWorkflowFor } from '../domain/workflowStarts';

export const makeHandler = ({ workflows, ...consumer }: ConsumerDependencies & { workflows: WorkflowStarter }) =>
  consumeEvents({
    ...consumer,
    contracts: [orderCancelled],
    handle: async (event, { logger }) => {
      const outcome = await workflows.start(refundWorkflowFor(event.data, event.metadata));
      logger.info('refund workflow', { outcome });
    },
  });

const dependencies = consumerDependencies('payment');
export const handler = makeHandler({ ...dependencies, workflows: workflowStarterFromEnv(dependencies.tracer) });
