import { orderConfirmed } from '#shared/contracts';
import { startWorkflowOn, workflowConsumerDependencies, type WorkflowConsumerDependencies } from '#shared/middlewares';
import { shipmentWorkflowFor } from '../domain/workflowStarts';

export const makeHandler = (dependencies: WorkflowConsumerDependencies) =>
  startWorkflowOn({ ...dependencies, contracts: [orderConfirmed], workflowFor: shipmentWorkflowFor });

export const handler = makeHandler(workflowConsumerDependencies('shipping'));
