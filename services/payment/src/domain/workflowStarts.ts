import type { EventOf, orderCancelled, orderPlaced } from '#shared/contracts';
import { executionName, type WorkflowStart } from '#shared/workflows';

/**
 * One charge per order: the execution is named after the order, so a redelivered or republished
 * OrderPlaced cannot start a second charge.
 */
export const chargeWorkflowFor = ({ data, metadata }: EventOf<typeof orderPlaced>): WorkflowStart => ({
  name: executionName('charge', data.orderId),
  input: {
    orderId: data.orderId,
    customerId: data.customerId,
    amount: data.total,
    causationId: metadata['idempotency-key'],
  },
});

/** One refund per order; whether anything was charged is decided inside the workflow. */
export const refundWorkflowFor = ({ data, metadata }: EventOf<typeof orderCancelled>): WorkflowStart => ({
  name: executionName('refund', data.orderId),
  input: { orderId: data.orderId, reason: data.reason, causationId: metadata['idempotency-key'] },
});
