import { z } from 'zod';
import {
  buildEvent,
  moneySchema,
  orderIdSchema,
  paymentDeclined,
  paymentFailed,
  paymentRefunded,
  paymentSucceeded,
  type EventCause,
  type OutgoingEvent,
} from '#shared/contracts';
import type { Publisher } from '#shared/publisher';
import { declineReasons } from './paymentProvider';

const fact = {
  orderId: orderIdSchema,
  /** Idempotency key of the event that caused this one (OrderPlaced, or OrderCancelled for a refund). */
  causationId: z.string().min(1),
  /** When payment recorded the fact, not when it is (re)published: retries keep it. */
  occurredAt: z.iso.datetime({ offset: true }),
};

/** What the publish step is handed: one payment fact, named by its event type. */
export const paymentFactSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('PaymentSucceeded'), ...fact, paymentId: z.string().min(1), amount: moneySchema }).strict(),
  z.object({ type: z.literal('PaymentDeclined'), ...fact, reason: z.enum(declineReasons) }).strict(),
  z.object({ type: z.literal('PaymentFailed'), ...fact, attempts: z.number().int().positive() }).strict(),
  z.object({ type: z.literal('PaymentRefunded'), ...fact, paymentId: z.string().min(1), amount: moneySchema }).strict(),
]);
export type PaymentFact = z.infer<typeof paymentFactSchema>;

/**
 * The event for a payment fact. Its idempotency key names the order and the fact (`<orderId>:payment-refunded`),
 * so a republished fact, or the same refund reported by both workflows, carries one key consumers deduplicate on.
 */
export const paymentEventFor = (payment: PaymentFact): OutgoingEvent => {
  const cause = (kebabFact: string): EventCause => ({
    idempotencyKey: `${payment.orderId}:${kebabFact}`,
    correlationId: payment.orderId,
    causationId: payment.causationId,
    occurredAt: new Date(payment.occurredAt),
  });
  const { orderId } = payment;
  switch (payment.type) {
    case 'PaymentSucceeded':
      return buildEvent(paymentSucceeded, { orderId, paymentId: payment.paymentId, amount: payment.amount }, cause('payment-succeeded'));
    case 'PaymentDeclined':
      return buildEvent(paymentDeclined, { orderId, reason: payment.reason }, cause('payment-declined'));
    case 'PaymentFailed':
      return buildEvent(paymentFailed, { orderId, attempts: payment.attempts }, cause('payment-failed'));
    case 'PaymentRefunded':
      return buildEvent(paymentRefunded, { orderId, paymentId: payment.paymentId, amount: payment.amount }, cause('payment-refunded'));
  }
};

export const publishPaymentEvent = async (
  publisher: Publisher,
  payment: PaymentFact,
): Promise<{ detailType: string; idempotencyKey: string }> => {
  const event = paymentEventFor(payment);
  await publisher.publish([event]);
  return { detailType: event.detailType, idempotencyKey: event.detail.metadata['idempotency-key'] };
};
