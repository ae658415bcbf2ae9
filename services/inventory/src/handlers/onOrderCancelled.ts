import { orderCancelled } from '#shared/contracts';
import { startWorkflowOn, workflowConsumerDependencies, type WorkflowConsumerDependencies } from '#shared/middlewares';
import { releaseWorkflowFor } from '../domain/workflowStarts';

export const makeHandler = (dependencies: WorkflowConsumerDependencies) =>
  startWorkflowOn({ ...dependencies, contracts: [orderCancelled], workflowFor: releaseWorkflowFor });

export const handler = makeHandler(workflowConsumerDependencies('inventory'));
