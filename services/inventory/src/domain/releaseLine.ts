import { z } from 'zod';
import { orderIdSchema, skuSchema } from '#shared/contracts';
import { PermanentError, TransientError } from '#shared/errors';
import type { ReservationLine, ReservationRepository } from './reservation';
import { releaseOperation, reserveOperation, type StockRepository } from './stock';

export const releaseLineInput = z
  .object({
    orderId: orderIdSchema,
    sku: skuSchema,
    quantity: z.number().int().min(1),
    /** The releasing workflow execution; releases are claimed per line so two releasers never both give back. */
    releasedBy: z.string().min(1),
    /**
     * True only when no attempt to reserve the order's lines can still be running (the reservation's own
     * compensation, after its Map): then a PENDING line is settled by undoing whatever take it may have made.
     */
    settlePending: z.boolean(),
  })
  .strict();

export type ReleaseLineInput = z.infer<typeof releaseLineInput>;

export interface ReleaseLineResult {
  sku: string;
  quantity: number;
  /** Whether this releaser gave units back for the line (now or in an earlier attempt). */
  released: boolean;
  releasedAt: string | null;
}

export type ReleaseStep =
  | { kind: 'skip' }
  | { kind: 'claim'; from: 'PENDING' | 'RESERVED' }
  | { kind: 'giveBack'; from: 'PENDING' | 'RESERVED'; quantity: number }
  | { kind: 'done'; from: 'PENDING' | 'RESERVED'; released: boolean; releasedAt: string | null };

/**
 * The next step of releasing a line, from the line as it stands: claim it, give its units back, or report.
 * A line claimed by another releaser is theirs to finish (their workflow retries until it does).
 */
export const nextReleaseStep = (
  line: ReservationLine | undefined,
  { releasedBy, settlePending }: Pick<ReleaseLineInput, 'releasedBy' | 'settlePending'>,
): ReleaseStep => {
  if (!line) return { kind: 'skip' };
  switch (line.status) {
    case 'RESERVED':
      return { kind: 'claim', from: 'RESERVED' };
    case 'PENDING':
      return settlePending ? { kind: 'claim', from: 'PENDING' } : { kind: 'skip' };
    case 'FAILED':
      return { kind: 'skip' };
    case 'RELEASING':
      return line.releasedBy === releasedBy ? { kind: 'giveBack', from: releasedFrom(line), quantity: line.quantity } : { kind: 'skip' };
    case 'RELEASED':
      return line.releasedBy === releasedBy
        ? { kind: 'done', from: releasedFrom(line), released: line.stockReturned === true, releasedAt: line.releasedAt ?? null }
        : { kind: 'skip' };
  }
};

const releasedFrom = (line: ReservationLine): 'PENDING' | 'RESERVED' => {
  if (!line.releasedFrom) throw new PermanentError(`line ${line.sku} of ${line.orderId} is ${line.status} without releasedFrom`);
  return line.releasedFrom;
};

/** claim → give back → done, plus one re-read per lost race. */
const MAX_STEPS = 6;

/**
 * Releases one line, exactly once across every releaser and retry, with single-item conditional writes: the
 * line is claimed (RESERVED → RELEASING, naming this releaser), its units are put back under a release tag,
 * then it is marked RELEASED. A PENDING line (settled only by the reservation's own compensation) is claimed
 * the same way, and its take, if there was one, is undone by its tag. Each step re-reads the line, so a retry
 * resumes where the last attempt stopped.
 */
export const releaseLine = async (
  { reservations, stock }: { reservations: ReservationRepository; stock: StockRepository },
  input: ReleaseLineInput,
  now: Date,
): Promise<ReleaseLineResult> => {
  const { orderId, sku, quantity, releasedBy } = input;
  for (let step = 0; step < MAX_STEPS; step++) {
    const next = nextReleaseStep(await reservations.getLine(orderId, sku), input);
    switch (next.kind) {
      case 'skip':
        return { sku, quantity, released: false, releasedAt: null };
      case 'claim':
        // Losing the claim is fine: the re-read shows who won.
        await reservations.moveLine(orderId, sku, { to: 'RELEASING', from: next.from, releasedBy });
        break;
      case 'giveBack': {
        // After an undo whose attempt died before recording it, the retry finds nothing to undo and records
        // false; only the reservation's compensation settles PENDING lines, and it publishes no line figures.
        const stockReturned =
          next.from === 'PENDING'
            ? await stock.undoTake(sku, next.quantity, reserveOperation(orderId))
            : await stock.putBack(sku, next.quantity, releaseOperation(orderId)).then(() => true);
        await reservations.moveLine(orderId, sku, { to: 'RELEASED', releasedBy, releasedAt: now.toISOString(), stockReturned });
        break;
      }
      case 'done':
        if (next.from === 'RESERVED') await stock.forget(sku, releaseOperation(orderId));
        return { sku, quantity, released: next.released, releasedAt: next.releasedAt };
    }
  }
  throw new TransientError(`line ${sku} of ${orderId} kept changing while being released`);
};
