import { orderPlaced } from '#shared/contracts';
import { startWorkflowOn, workflowConsumerDependencies, type WorkflowConsumerDependencies } from '#shared/middlewares';
import { reservationWorkflowFor } from '../domain/workflowStarts';

export const makeHandler = (dependencies: WorkflowConsumerDependencies) =>
  startWorkflowOn({ ...dependencies, contracts: [orderPlaced], workflowFor: reservationWorkflowFor });

export const handler = makeHandler(workflowConsumerDependencies('inventory'));
