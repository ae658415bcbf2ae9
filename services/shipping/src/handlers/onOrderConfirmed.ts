import { orderConfirmed } from '#shared/contracts';
import { startWorkflowOn, workflowConsumerDependencies, type WorkflowConsumerDependencies } from '#shared/middlewares';
import { parseShipmentTimeouts, shipmentWorkflowFor, type ShipmentTimeouts } from '../domain/workflowStarts';

export type Dependencies = WorkflowConsumerDependencies & { timeouts: ShipmentTimeouts };

export const makeHandler = ({ timeouts, ...dependencies }: Dependencies) =>
  startWorkflowOn({
    ...dependencies,
    contracts: [orderConfirmed],
    workflowFor: (event) => shipmentWorkflowFor(event, timeouts),
  });

export const handler = makeHandler({
  ...workflowConsumerDependencies('shipping'),
  timeouts: parseShipmentTimeouts({
    dispatchSeconds: process.env.SHIPMENT_DISPATCH_TIMEOUT_SECONDS,
    deliverySeconds: process.env.SHIPMENT_DELIVERY_TIMEOUT_SECONDS,
  }),
});
