import type { EventOf, orderConfirmed } from '#shared/contracts';
import { executionName, type WorkflowStart } from '#shared/workflows';

/** One shipment per order: the execution is named after the order. */
export const shipmentWorkflowFor = ({ data, metadata }: EventOf<typeof orderConfirmed>): WorkflowStart => ({
  name: executionName('ship', data.orderId),
  input: {
    orderId: data.orderId,
    lines: data.lines,
    shippingAddress: data.shippingAddress,
    causationId: metadata['idempotency-key'],
  },
});
