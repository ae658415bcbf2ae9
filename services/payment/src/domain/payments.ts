import { z } from 'zod';
import { cancellationReasons, moneySchema, orderIdSchema } from '#shared/contracts';
import { PermanentError } from '#shared/errors';
import { declineReasons } from './paymentProvider';

/**
 * One payment record per order, in the payments table. Its status only moves forward:
 *
 *   (none) ──▶ CHARGING ──▶ CHARGED ──▶ REFUNDED
 *      │           ├──────▶ DECLINED
 *      │           └──────▶ FAILED ───▶ REFUNDED   (a charge whose reply was lost surfaced, and was refunded)
 *      └─────▶ CANCELLED   (tombstone: the cancellation arrived first, so no charge may ever start)
 *
 * A cancellation that arrives while a record exists is noted on it (`cancellation`, first one kept) rather
 * than changing its status, so whichever of the two workflows writes second sees the other's write.
 */
export const paymentStatuses = ['CHARGING', 'CHARGED', 'DECLINED', 'FAILED', 'REFUNDED', 'CANCELLED'] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

const NEXT: Record<PaymentStatus, readonly PaymentStatus[]> = {
  CHARGING: ['CHARGED', 'DECLINED', 'FAILED'],
  CHARGED: ['REFUNDED'],
  FAILED: ['REFUNDED'],
  DECLINED: [],
  REFUNDED: [],
  CANCELLED: [],
};

/** The statuses a record may move to `to` from: the condition of the conditional write. */
export const sourcesOf = (to: PaymentStatus): PaymentStatus[] =>
  paymentStatuses.filter((from) => NEXT[from].includes(to));

/** Whether `status` is `target` or lies beyond it on the forward-only graph. */
export const hasReached = (status: PaymentStatus, target: PaymentStatus): boolean =>
  status === target || NEXT[target].some((next) => hasReached(status, next));

const timestamp = z.iso.datetime();

export const cancellationSchema = z
  .object({ reason: z.enum(cancellationReasons), causationId: z.string().min(1), requestedAt: timestamp })
  .strict();
export type Cancellation = z.infer<typeof cancellationSchema>;

export const paymentRecordSchema = z.object({
  orderId: orderIdSchema,
  status: z.enum(paymentStatuses),
  createdAt: timestamp,
  customerId: z.string().min(1).optional(),
  amount: moneySchema.optional(),
  /** Idempotency key of the OrderPlaced that started the charge. */
  chargeCausationId: z.string().min(1).optional(),
  paymentId: z.string().min(1).optional(),
  chargedAt: timestamp.optional(),
  declineReason: z.enum(declineReasons).optional(),
  declinedAt: timestamp.optional(),
  failure: z.object({ attempts: z.number().int().positive(), error: z.string() }).strict().optional(),
  failedAt: timestamp.optional(),
  refundId: z.string().min(1).optional(),
  refundedAt: timestamp.optional(),
  cancellation: cancellationSchema.optional(),
});
export type PaymentRecord = z.infer<typeof paymentRecordSchema>;

type Changes = Partial<Omit<PaymentRecord, 'orderId' | 'status' | 'createdAt'>>;

/** A conditional move of one record: applied only if its status is one of `from`. */
export interface Transition {
  to: PaymentStatus;
  from: readonly PaymentStatus[];
  set: Changes;
}

export const transitionTo = (to: PaymentStatus, set: Changes): Transition => ({ to, from: sourcesOf(to), set });

/** When each status was reached: stable across task re-runs, so a republished event keeps its `occurred-at`. */
const REACHED_AT = {
  CHARGED: 'chargedAt',
  DECLINED: 'declinedAt',
  FAILED: 'failedAt',
  REFUNDED: 'refundedAt',
} as const satisfies Partial<Record<PaymentStatus, keyof PaymentRecord>>;

export const reachedAt = (record: PaymentRecord, status: keyof typeof REACHED_AT): string | undefined =>
  record[REACHED_AT[status]];

/** Two writers disagree about one order's payment: a bug to fix, never something a retry resolves. */
export class PaymentStateConflictError extends PermanentError {}

/**
 * Accepts the outcome of a conditional write. A refused transition is a replay when the record already
 * reached (or passed) its target: the task ran before and its reply was lost. Any other refusal is a conflict.
 */
export const confirmTransition = (
  orderId: string,
  result: { applied: boolean; record: PaymentRecord | undefined },
  transition: Transition,
): PaymentRecord => {
  const { record } = result;
  if (!record) throw new PaymentStateConflictError(`${orderId} has no payment record to move to ${transition.to}`);
  if (result.applied || hasReached(record.status, transition.to)) return record;
  throw new PaymentStateConflictError(
    `${orderId} cannot move to ${transition.to} from ${record.status} (allowed from ${transition.from.join(', ') || 'nowhere'})`,
  );
};

/** The provider idempotency keys of an order: one charge and one refund, ever, whichever task asks. */
export const providerKeys = (orderId: string) => ({ charge: `${orderId}:charge`, refund: `${orderId}:refund` });
