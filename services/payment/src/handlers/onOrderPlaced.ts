import { orderPlaced } from '#shared/contracts';
import { consumeEvents, consumerDependencies, type ConsumerDependencies } from '#shared/middlewares';
import { workflowStarterFromEnv, type WorkflowStarter } from '#shared/workflows';
import { chargeWorkflowFor } from '../domain/workflowStarts';

export const makeHandler = ({ workflows, ...consumer }: ConsumerDependencies & { workflows: WorkflowStarter }) =>
  consumeEvents({
    ...consumer,
    contracts: [orderPlaced],
    handle: async (event, { logger }) => {
      const outcome = await workflows.start(chargeWorkflowFor(event.data, event.metadata));
      logger.info('charge workflow', { outcome });
    },
  });

const dependencies = consumerDependencies('payment');
export const handler = makeHandler({ ...dependencies, workflows: workflowStarterFromEnv(dependencies.tracer) });
