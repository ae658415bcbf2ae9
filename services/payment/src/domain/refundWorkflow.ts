import { z } from 'zod';
import { cancellationReasons, orderIdSchema, type Money } from '#shared/contracts';
import type { PaymentProvider } from './paymentProvider';
import type { PaymentRepository } from './paymentRepository';
import {
  confirmTransition,
  PaymentStateConflictError,
  providerKeys,
  reachedAt,
  transitionTo,
  type PaymentRecord,
  type PaymentStatus,
} from './payments';

/** The refund workflow's input, as `refundWorkflowFor` starts it. */
export const cancellationInputSchema = z
  .object({ orderId: orderIdSchema, reason: z.enum(cancellationReasons), causationId: z.string().min(1) })
  .strict();
export type CancellationInput = z.infer<typeof cancellationInputSchema>;

export type CancellationPlan =
  | { decision: 'refund'; because: 'charged' | 'charge-failed'; status: PaymentStatus }
  | {
      decision: 'none';
      because:
        | 'cancelled-before-charge'
        | 'charge-in-flight'
        | 'declined'
        | 'already-refunded'
        | 'already-cancelled';
      status: PaymentStatus;
    };

/** What a cancellation means for a payment record that already existed when it arrived. */
export const planCancellation = ({ status }: PaymentRecord): CancellationPlan => {
  switch (status) {
    case 'CHARGED':
      return { decision: 'refund', because: 'charged', status };
    case 'FAILED':
      // Retries ran out, but an attempt whose reply was lost may still have charged: the refund step asks
      // the provider by the charge's idempotency key and refunds whatever it finds.
      return { decision: 'refund', because: 'charge-failed', status };
    case 'CHARGING':
      // The charge workflow reads the noted cancellation when it records its outcome, and refunds then.
      return { decision: 'none', because: 'charge-in-flight', status };
    case 'DECLINED':
      return { decision: 'none', because: 'declined', status };
    case 'REFUNDED':
      return { decision: 'none', because: 'already-refunded', status };
    case 'CANCELLED':
      return { decision: 'none', because: 'already-cancelled', status };
  }
};

/**
 * Records a cancellation on the order's payment, whenever it arrives. Before any charge it leaves a CANCELLED
 * tombstone (a conditional create, so the charge workflow's own create then fails and it never charges);
 * otherwise it notes the cancellation on the record and says whether a refund is due now.
 */
export const cancelPayment = async (
  payments: PaymentRepository,
  { orderId, reason, causationId }: CancellationInput,
  now: Date,
): Promise<CancellationPlan> => {
  const cancellation = { reason, causationId, requestedAt: now.toISOString() };
  const { created } = await payments.create({ orderId, status: 'CANCELLED', createdAt: now.toISOString(), cancellation });
  if (created) return { decision: 'none', because: 'cancelled-before-charge', status: 'CANCELLED' };
  const record = await payments.noteCancellation(orderId, cancellation);
  if (!record) throw new PaymentStateConflictError(`${orderId}: its payment record disappeared`);
  return planCancellation(record);
};

export const refundInputSchema = z.object({ orderId: orderIdSchema }).strict();

export type RefundResult =
  | { outcome: 'refunded'; paymentId: string; amount: Money; refundId: string; refundedAt: string }
  | { outcome: 'nothing-charged' };

/**
 * Refunds the order's charge in full. Both workflows may run this step for one order (a cancellation racing a
 * recorded charge): the provider's refund key `<orderId>:refund` refunds once and replays, and the REFUNDED
 * transition accepts its own replay, so the second run changes nothing.
 */
export const refundPayment = async (
  { payments, provider }: { payments: PaymentRepository; provider: PaymentProvider },
  { orderId }: z.infer<typeof refundInputSchema>,
  now: Date,
): Promise<RefundResult> => {
  const keys = providerKeys(orderId);
  const refund = await provider.refund({ idempotencyKey: keys.refund, chargeIdempotencyKey: keys.charge });
  if (refund.outcome === 'nothing-charged') return refund;
  const transition = transitionTo('REFUNDED', {
    paymentId: refund.paymentId,
    amount: refund.amount,
    refundId: refund.refundId,
    refundedAt: now.toISOString(),
  });
  const record = confirmTransition(orderId, await payments.transition(orderId, transition), transition);
  return {
    outcome: 'refunded',
    paymentId: refund.paymentId,
    amount: refund.amount,
    refundId: refund.refundId,
    refundedAt: reachedAt(record, 'REFUNDED') ?? now.toISOString(),
  };
};
