import type { EventOf, orderCancelled, orderPlaced } from '#shared/contracts';
import { executionName, type WorkflowStart } from '#shared/workflows';

/** One reservation per order, named after it, so a duplicate OrderPlaced reserves nothing twice. */
export const reservationWorkflowFor = ({ data, metadata }: EventOf<typeof orderPlaced>): WorkflowStart => ({
  name: executionName('reserve', data.orderId),
  input: {
    orderId: data.orderId,
    lines: data.lines.map(({ sku, quantity }) => ({ sku, quantity })),
    causationId: metadata['idempotency-key'],
  },
});

/**
 * One release per order. It may run before the reservation (events arrive in any order): the workflow
 * leaves a tombstone that the reservation honours.
 */
export const releaseWorkflowFor = ({ data, metadata }: EventOf<typeof orderCancelled>): WorkflowStart => ({
  name: executionName('release', data.orderId),
  input: { orderId: data.orderId, causationId: metadata['idempotency-key'] },
});
