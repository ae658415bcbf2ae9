import { z } from 'zod';
import { orderIdSchema, skuSchema } from '#shared/contracts';
import type { LineOutcome, ReservationLine, ReservationRepository } from './reservation';
import { reserveOperation, type StockRepository } from './stock';

export const reserveLineInput = z
  .object({ orderId: orderIdSchema, sku: skuSchema, quantity: z.number().int().min(1) })
  .strict();

export type ReserveLineInput = z.infer<typeof reserveLineInput>;

export interface LineResult {
  sku: string;
  quantity: number;
  outcome: LineOutcome;
}

/** What a line already came to, as a retry reports it (PENDING: not yet settled). */
export const settledOutcome = (line: ReservationLine): Exclude<LineOutcome, 'ERROR'> | 'PENDING' => {
  switch (line.status) {
    case 'PENDING':
      return 'PENDING';
    case 'RESERVED':
      return 'RESERVED';
    case 'FAILED':
      return line.reason ?? 'OUT_OF_STOCK';
    case 'RELEASING':
    case 'RELEASED':
      return 'RELEASED';
  }
};

/**
 * Reserves one line, exactly once, in three single-item writes: the line is recorded PENDING (conditional on
 * its absence), the units are taken (conditional on enough being available, and tagged with the operation
 * id), and the line is marked RESERVED. A retry resumes from wherever the last attempt stopped: the line's
 * status says which writes happened, and while it is PENDING the tag on the stock item says whether the units
 * were taken. Out of stock and unknown SKU are outcomes, not errors.
 *
 * Attempts for one line run one after another (one workflow execution per order, named after it; Step
 * Functions retries a task only after the previous attempt ended).
 */
export const reserveLine = async (
  { reservations, stock }: { reservations: ReservationRepository; stock: StockRepository },
  { orderId, sku, quantity }: ReserveLineInput,
): Promise<LineResult> => {
  const result = (outcome: LineOutcome): LineResult => ({ sku, quantity, outcome });
  const operation = reserveOperation(orderId);

  const line = await reservations.createLine({ orderId, sku, quantity });
  const outcome = settledOutcome(line);
  if (outcome === 'RESERVED') {
    // The last attempt may have stopped between marking the line and dropping the tag.
    await stock.forget(sku, operation);
    return result(outcome);
  }
  if (outcome !== 'PENDING') return result(outcome);

  const taken = await stock.take(sku, line.quantity, operation);
  if (taken !== 'TAKEN') {
    await reservations.moveLine(orderId, sku, { to: 'FAILED', reason: taken });
    return result(taken);
  }
  if (await reservations.moveLine(orderId, sku, { to: 'RESERVED' })) {
    await stock.forget(sku, operation);
    return result('RESERVED');
  }
  const settled = await reservations.getLine(orderId, sku);
  if (settled?.status === 'RESERVED') {
    // Our own move landed and its reply was lost (the SDK's retry then met the condition it had just made
    // false): the tag must still go, or the units stay marked as an operation in flight.
    await stock.forget(sku, operation);
    return result('RESERVED');
  }
  // A compensation settled the line while the units were being taken (it does so only for lines whose task
  // gave up): whichever of us undoes the take first gives the units back, and the tag makes that happen once.
  await stock.undoTake(sku, line.quantity, operation);
  return result('RELEASED');
};
