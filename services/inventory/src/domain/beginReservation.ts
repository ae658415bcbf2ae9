import { z } from 'zod';
import { orderIdSchema } from '#shared/contracts';
import { mergeLines, stockLineSchema, type ReservationRepository, type StockLine } from './reservation';

export const beginReservationInput = z
  .object({
    orderId: orderIdSchema,
    lines: z.array(stockLineSchema).min(1),
    /** The idempotency key of the OrderPlaced that started the workflow. */
    causationId: z.string().min(1),
  })
  .strict();

export type BeginReservationInput = z.infer<typeof beginReservationInput>;

/** A reservation that will not be made because the order was cancelled first, as the workflow publishes it. */
export interface CancelledFailure {
  sku: string;
  reason: 'ORDER_CANCELLED';
}

export type BeginReservationResult =
  | { outcome: 'PROCEED'; lines: StockLine[]; failure: null; decidedAt: null }
  | { outcome: 'CANCELLED'; lines: StockLine[]; failure: CancelledFailure; decidedAt: string };

/**
 * The contract requires a SKU on StockReservationFailed; when the whole order was cancelled, the first line
 * stands for the lines that were not (or no longer) reserved.
 */
export const cancelledFailure = (lines: readonly StockLine[]): CancelledFailure => ({
  sku: lines[0]?.sku ?? '',
  reason: 'ORDER_CANCELLED',
});

/**
 * Opens the order's reservation, once. A cancellation that arrived first left a CANCELLED tombstone: the
 * reservation must not be made, and nothing is taken. A reservation already open (a retry, or a second run of
 * the workflow) proceeds: every later step is idempotent.
 */
export const beginReservation = async (
  reservations: ReservationRepository,
  { orderId, lines, causationId }: BeginReservationInput,
  now: Date,
): Promise<BeginReservationResult> => {
  const merged = mergeLines(lines);
  const reservation = await reservations.begin({ orderId, lines: merged, causationId, startedAt: now.toISOString() });
  if (reservation.status === 'CANCELLED') {
    // The tombstone's own time, so a retried step yields the same event.
    return { outcome: 'CANCELLED', lines: merged, failure: cancelledFailure(merged), decidedAt: reservation.cancelledAt ?? now.toISOString() };
  }
  return { outcome: 'PROCEED', lines: merged, failure: null, decidedAt: null };
};
