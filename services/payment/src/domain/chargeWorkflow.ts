import { z } from 'zod';
import { moneySchema, orderIdSchema } from '#shared/contracts';
import { declineReasons, type PaymentProvider, type ProviderCharge } from './paymentProvider';
import type { PaymentRepository } from './paymentRepository';
import {
  confirmTransition,
  providerKeys,
  reachedAt,
  transitionTo,
  type Cancellation,
  type PaymentRecord,
  type PaymentStatus,
  type Transition,
} from './payments';

/** The charge workflow's input, as `chargeWorkflowFor` starts it. */
export const chargeInputSchema = z
  .object({
    orderId: orderIdSchema,
    customerId: z.string().min(1).max(64),
    amount: moneySchema,
    causationId: z.string().min(1),
  })
  .strict();
export type ChargeInput = z.infer<typeof chargeInputSchema>;

/** `charge`: go ahead. `cancelled`: a tombstone forbids it. `settled`: an earlier execution concluded it. */
export type ChargeDecision = 'charge' | 'cancelled' | 'settled';

export const chargeDecision = ({ created, record }: { created: boolean; record: PaymentRecord }): ChargeDecision => {
  // A record still CHARGING is this execution's own, written before a retried (or re-run) begin step.
  if (created || record.status === 'CHARGING') return 'charge';
  return record.status === 'CANCELLED' ? 'cancelled' : 'settled';
};

/**
 * Claims the order's payment record before any money moves. The create is conditional, so a cancellation
 * that got there first (its tombstone) wins, and the provider is never called for a cancelled order.
 */
export const beginCharge = async (
  payments: PaymentRepository,
  { orderId, customerId, amount, causationId }: ChargeInput,
  now: Date,
): Promise<{ decision: ChargeDecision; status: PaymentStatus }> => {
  const result = await payments.create({
    orderId,
    status: 'CHARGING',
    customerId,
    amount,
    chargeCausationId: causationId,
    createdAt: now.toISOString(),
  });
  return { decision: chargeDecision(result), status: result.record.status };
};

export const providerChargeInputSchema = chargeInputSchema.omit({ causationId: true });

/**
 * One idempotency key per order (`<orderId>:charge`): however often this step runs (retries, lost replies,
 * duplicate invocations), the provider charges the order at most once and replays its first answer.
 */
export const chargeThroughProvider = (
  provider: PaymentProvider,
  { orderId, customerId, amount }: z.infer<typeof providerChargeInputSchema>,
): Promise<ProviderCharge> =>
  provider.charge({ idempotencyKey: providerKeys(orderId).charge, customerId, amount, orderId });

export const chargeOutcomeSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('succeeded'), paymentId: z.string().min(1), amount: moneySchema }).strict(),
  z.object({ outcome: z.literal('declined'), reason: z.enum(declineReasons) }).strict(),
  /** The provider never answered (retries exhausted) or refused the request as malformed. */
  z.object({ outcome: z.literal('failed'), attempts: z.number().int().positive(), error: z.string().min(1) }).strict(),
]);
export type ChargeOutcome = z.infer<typeof chargeOutcomeSchema>;

export const recordOutcomeInputSchema = z.object({ orderId: orderIdSchema, result: chargeOutcomeSchema }).strict();

export const outcomeTransition = (outcome: ChargeOutcome, now: Date): Transition & { to: 'CHARGED' | 'DECLINED' | 'FAILED' } => {
  const at = now.toISOString();
  switch (outcome.outcome) {
    case 'succeeded':
      return { ...transitionTo('CHARGED', { paymentId: outcome.paymentId, chargedAt: at }), to: 'CHARGED' };
    case 'declined':
      return { ...transitionTo('DECLINED', { declineReason: outcome.reason, declinedAt: at }), to: 'DECLINED' };
    case 'failed':
      return {
        ...transitionTo('FAILED', { failure: { attempts: outcome.attempts, error: outcome.error }, failedAt: at }),
        to: 'FAILED',
      };
  }
};

export interface RecordedOutcome {
  status: PaymentStatus;
  /** When the outcome was first recorded: the `occurred-at` of the event that reports it. */
  recordedAt: string;
  /**
   * A cancellation was noted while the charge was in flight. The refund workflow saw CHARGING and left the
   * refund to this workflow, so the charge (if any surfaced) must be refunded here.
   */
  cancelRequested: boolean;
  cancellation?: Cancellation;
}

/**
 * Moves CHARGING to the outcome's status. The returned record shows any cancellation noted before this
 * write: the two writes serialise on one item, so either this one sees the cancellation (and the charge
 * workflow refunds) or the cancellation sees the outcome (and the refund workflow refunds). Never neither.
 */
export const recordChargeOutcome = async (
  payments: PaymentRepository,
  { orderId, result }: z.infer<typeof recordOutcomeInputSchema>,
  now: Date,
): Promise<RecordedOutcome> => {
  const transition = outcomeTransition(result, now);
  const record = confirmTransition(orderId, await payments.transition(orderId, transition), transition);
  return {
    status: record.status,
    recordedAt: reachedAt(record, transition.to) ?? now.toISOString(),
    cancelRequested: record.cancellation !== undefined,
    ...(record.cancellation && { cancellation: record.cancellation }),
  };
};
