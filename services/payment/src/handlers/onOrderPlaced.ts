import { orderPlaced } from '#shared/contracts';
import { startWorkflowOn, workflowConsumerDependencies, type WorkflowConsumerDependencies } from '#shared/middlewares';
import { chargeWorkflowFor } from '../domain/workflowStarts';

export const makeHandler = (dependencies: WorkflowConsumerDependencies) =>
  startWorkflowOn({ ...dependencies, contracts: [orderPlaced], workflowFor: chargeWorkflowFor });

export const handler = makeHandler(workflowConsumerDependencies('payment'));
