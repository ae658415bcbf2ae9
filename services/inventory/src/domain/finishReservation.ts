import { z } from 'zod';
import { orderIdSchema, skuSchema } from '#shared/contracts';
import { PermanentError } from '#shared/errors';
import { cancelledFailure, type CancelledFailure } from './beginReservation';
import type { LineResult } from './reserveLine';
import type { Decision, Failure, Reservation, ReservationRepository, StockLine, Unavailability } from './reservation';

export const finishReservationInput = z
  .object({
    orderId: orderIdSchema,
    /** The Map's results, one per line, in the order's line order. */
    lines: z
      .array(
        z.object({
          sku: skuSchema,
          quantity: z.number().int().min(1),
          outcome: z.enum(['RESERVED', 'OUT_OF_STOCK', 'UNKNOWN_SKU', 'RELEASED', 'ERROR']),
        }),
      )
      .min(1),
  })
  .strict();

export type FinishReservationInput = z.infer<typeof finishReservationInput>;

export type FinishReservationResult =
  | { outcome: 'RESERVED'; lines: StockLine[]; failure: null; toRelease: []; decidedAt: string }
  | { outcome: 'FAILED' | 'ERROR'; lines: []; failure: Failure; toRelease: StockLine[]; decidedAt: string }
  | { outcome: 'CANCELLED'; lines: []; failure: CancelledFailure; toRelease: StockLine[]; decidedAt: string };

/**
 * All lines reserved → RESERVED. Otherwise FAILED, naming the first line that could not be reserved; a
 * business reason (out of stock, unknown SKU) wins over a line whose task gave up, so the order learns why.
 */
export const decideReservation = (lines: readonly LineResult[]): Decision => {
  const unavailable = lines.find(
    (line): line is LineResult & { outcome: Unavailability } => line.outcome === 'OUT_OF_STOCK' || line.outcome === 'UNKNOWN_SKU',
  );
  if (unavailable) return { status: 'FAILED', failure: { sku: unavailable.sku, reason: unavailable.outcome } };
  const unsettled = lines.find((line) => line.outcome !== 'RESERVED');
  if (unsettled) return { status: 'FAILED', failure: { sku: unsettled.sku, reason: 'ERROR' } };
  return { status: 'RESERVED' };
};

/**
 * Lines that may hold units: reserved ones, and those whose task gave up (it may have taken units before
 * failing). The release step sorts out which really do.
 */
export const linesToRelease = (lines: readonly LineResult[]): StockLine[] =>
  lines.filter(({ outcome }) => outcome === 'RESERVED' || outcome === 'ERROR').map(({ sku, quantity }) => ({ sku, quantity }));

/**
 * What the workflow does next, from the reservation as the settlement left it. A cancellation that arrived
 * meanwhile wins: the reservation must not stand, so its lines are released and StockReserved is never sent.
 */
export const outcomeOf = (
  decision: Decision,
  reservation: Reservation,
  lines: readonly LineResult[],
): FinishReservationResult => {
  const at = (value: string | undefined) => {
    if (!value) throw new PermanentError(`reservation of ${reservation.orderId} is ${reservation.status} without its time`);
    return value;
  };
  if (reservation.status === 'CANCELLED') {
    return {
      outcome: 'CANCELLED',
      lines: [],
      failure: cancelledFailure(lines),
      toRelease: linesToRelease(lines),
      decidedAt: at(reservation.cancelledAt),
    };
  }
  if (reservation.status !== decision.status) {
    throw new PermanentError(
      `reservation of ${reservation.orderId} is ${reservation.status} but its lines say ${decision.status}: refusing to guess`,
    );
  }
  if (reservation.status === 'RESERVED') {
    return {
      outcome: 'RESERVED',
      lines: lines.map(({ sku, quantity }) => ({ sku, quantity })),
      failure: null,
      toRelease: [],
      decidedAt: at(reservation.reservedAt),
    };
  }
  // The stored failure, not this run's: a second run reports what the first one decided.
  const failure = reservation.failure ?? (decision.status === 'FAILED' ? decision.failure : undefined);
  if (!failure) throw new PermanentError(`reservation of ${reservation.orderId} is FAILED without its failure`);
  return {
    outcome: failure.reason === 'ERROR' ? 'ERROR' : 'FAILED',
    lines: [],
    failure,
    toRelease: linesToRelease(lines),
    decidedAt: at(reservation.failedAt),
  };
};

/**
 * Settles the reservation once every line has an outcome: RESERVING → RESERVED, or → FAILED with the lines
 * that hold units listed for compensation. If a cancellation got there first the settlement does not happen,
 * and the lines this run reserved are listed for release instead.
 */
export const finishReservation = async (
  reservations: ReservationRepository,
  { orderId, lines }: FinishReservationInput,
  now: Date,
): Promise<FinishReservationResult> => {
  const decision = decideReservation(lines);
  const reservation = await reservations.settle(orderId, { ...decision, at: now.toISOString() });
  return outcomeOf(decision, reservation, lines);
};
