import { orderCancelled } from '#shared/contracts';
import { startWorkflowOn, workflowConsumerDependencies, type WorkflowConsumerDependencies } from '#shared/middlewares';
import { refundWorkflowFor } from '../domain/workflowStarts';

export const makeHandler = (dependencies: WorkflowConsumerDependencies) =>
  startWorkflowOn({ ...dependencies, contracts: [orderCancelled], workflowFor: refundWorkflowFor });

export const handler = makeHandler(workflowConsumerDependencies('payment'));
