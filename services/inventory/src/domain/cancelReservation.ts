import { z } from 'zod';
import { orderIdSchema } from '#shared/contracts';
import type { ReservationLine, ReservationRepository, StockLine } from './reservation';

export const cancelReservationInput = z
  .object({
    orderId: orderIdSchema,
    /** The idempotency key of the OrderCancelled that started the workflow. */
    causationId: z.string().min(1),
  })
  .strict();

export type CancelReservationInput = z.infer<typeof cancelReservationInput>;

export interface CancelReservationResult {
  lines: StockLine[];
}

/**
 * Lines the release workflow should look at: those holding units, and those already being (or already)
 * released, since this workflow may be retrying its own release. PENDING lines belong to a reservation still
 * running, which releases them itself when it sees the cancellation; FAILED lines hold nothing.
 */
export const mayHoldStock = (line: ReservationLine): boolean =>
  line.status === 'RESERVED' || line.status === 'RELEASING' || line.status === 'RELEASED';

/**
 * Marks the order's reservation CANCELLED before anything else, whatever its status and whether or not it
 * exists yet (then as a tombstone): from then on a reservation that has not settled can never settle as
 * RESERVED, and one that has not started never starts. Returns the lines to release.
 */
export const cancelReservation = async (
  reservations: ReservationRepository,
  { orderId, causationId }: CancelReservationInput,
  now: Date,
): Promise<CancelReservationResult> => {
  await reservations.cancel(orderId, { causationId, cancelledAt: now.toISOString() });
  const lines = await reservations.linesOf(orderId);
  return { lines: lines.filter(mayHoldStock).map(({ sku, quantity }) => ({ sku, quantity })) };
};
