import type { WorkflowStart } from '#shared/workflows';
import { executionName } from '#shared/workflows';
import type { DataOf, EventMetadata, orderCancelled, orderPlaced } from '#shared/contracts';

/**
 * One charge per order: the execution name is the order id, so a redelivered or republished OrderPlaced
 * cannot start a second charge.
 */
export const chargeWorkflowFor = (data: DataOf<typeof orderPlaced>, metadata: EventMetadata): WorkflowStart => ({
  name: executionName('charge', data.orderId),
  input: {
    orderId: data.orderId,
    customerId: data.customerId,
    amount: data.total,
    causationId: metadata['idempotency-key'],
  },
});

/** One refund attempt per order; whether anything was charged is decided inside the workflow. */
export const refundWorkflowFor = (data: DataOf<typeof orderCancelled>, metadata: EventMetadata): WorkflowStart => ({
  name: executionName('refund', data.orderId),
  input: { orderId: data.orderId, reason: data.reason, causationId: metadata['idempotency-key'] },
});
