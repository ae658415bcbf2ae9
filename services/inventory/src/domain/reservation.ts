import { z } from 'zod';
import { skuSchema } from '#shared/contracts';

/**
 * An order's reservation (its header). Forward only: RESERVING → RESERVED or FAILED; CANCELLED absorbs every
 * status, and is also written as a tombstone when the cancellation arrives before the order was ever seen.
 */
export type ReservationStatus = 'RESERVING' | 'RESERVED' | 'FAILED' | 'CANCELLED';

/**
 * One line of a reservation, per (order, SKU). PENDING → RESERVED (units taken) or FAILED (none taken);
 * RESERVED or PENDING → RELEASING (claimed by one releaser) → RELEASED.
 */
export type LineStatus = 'PENDING' | 'RESERVED' | 'FAILED' | 'RELEASING' | 'RELEASED';

/** Why a line could not be reserved: business outcomes, returned as values. */
export type Unavailability = 'OUT_OF_STOCK' | 'UNKNOWN_SKU';

/** What reserving one line came to; `ERROR` is what the workflow records when the task itself kept failing. */
export type LineOutcome = 'RESERVED' | Unavailability | 'RELEASED' | 'ERROR';

/** `ERROR`: a line could not be settled at all (not a business outcome, never published). */
export type FailureReason = Unavailability | 'ERROR';

export interface Failure {
  sku: string;
  reason: FailureReason;
}

export const stockLineSchema = z.object({ sku: skuSchema, quantity: z.number().int().min(1) }).strict();
export type StockLine = z.infer<typeof stockLineSchema>;

export interface Reservation {
  orderId: string;
  status: ReservationStatus;
  /** Absent on a tombstone. */
  lines?: StockLine[];
  /** The event that started the reservation (OrderPlaced) and the one that cancelled it (OrderCancelled). */
  causationId?: string;
  cancelledBy?: string;
  /** The first failure recorded; later ones never replace it, so a retried settlement reports the same one. */
  failure?: Failure;
  startedAt?: string;
  reservedAt?: string;
  failedAt?: string;
  cancelledAt?: string;
}

export interface ReservationLine {
  orderId: string;
  sku: string;
  quantity: number;
  status: LineStatus;
  reason?: Unavailability;
  /** The workflow execution that claimed the release: only it may finish it. */
  releasedBy?: string;
  /** PENDING: units may have been taken without the line saying so; RESERVED: they were. */
  releasedFrom?: 'PENDING' | 'RESERVED';
  releasedAt?: string;
  /** Whether the release gave units back (a PENDING line may have had none taken). */
  stockReturned?: boolean;
}

/** How a reservation settles once every line has an outcome. */
export type Decision = { status: 'RESERVED' } | { status: 'FAILED'; failure: Failure };

export type Settlement = Decision & { at: string };

export type LineMove =
  | { to: 'RESERVED' }
  | { to: 'FAILED'; reason: Unavailability }
  | { to: 'RELEASING'; from: 'PENDING' | 'RESERVED'; releasedBy: string }
  | { to: 'RELEASED'; releasedBy: string; releasedAt: string; stockReturned: boolean };

/**
 * Reservations and their lines. Every method is one conditional write (or a read): no transactions.
 */
export interface ReservationRepository {
  /** Records the reservation as RESERVING unless the order already has one; returns it as it now stands. */
  begin(reservation: { orderId: string; lines: StockLine[]; causationId: string; startedAt: string }): Promise<Reservation>;
  /**
   * Moves the reservation to the settlement's status if it is in one of {@link SETTLES_FROM}; returns it as
   * it now stands (CANCELLED if a cancellation got there first).
   */
  settle(orderId: string, settlement: Settlement): Promise<Reservation>;
  /** Marks the order CANCELLED whatever its status, leaving a tombstone if it has none yet; returns it. */
  cancel(orderId: string, cancellation: { causationId: string; cancelledAt: string }): Promise<Reservation>;
  /** Records a line as PENDING unless it exists; returns the line as it now stands. */
  createLine(line: { orderId: string; sku: string; quantity: number }): Promise<ReservationLine>;
  getLine(orderId: string, sku: string): Promise<ReservationLine | undefined>;
  linesOf(orderId: string): Promise<ReservationLine[]>;
  /** Applies the move if the line is in the state {@link requiredState} names; returns whether it moved. */
  moveLine(orderId: string, sku: string, move: LineMove): Promise<boolean>;
}

/** The statuses each settlement may be written over: RESERVING, or itself (a retried settlement). */
export const SETTLES_FROM = {
  RESERVED: ['RESERVING', 'RESERVED'],
  FAILED: ['RESERVING', 'FAILED'],
} as const satisfies Record<Settlement['status'], readonly ReservationStatus[]>;

/**
 * The state a line must be in for a move: the line's whole lifecycle in one place. Moving out of RELEASING
 * also requires the same releaser, so two workflows releasing one order never both give its units back.
 */
export const requiredState = (move: LineMove): { status: LineStatus; releasedBy?: string } => {
  switch (move.to) {
    case 'RESERVED':
    case 'FAILED':
      return { status: 'PENDING' };
    case 'RELEASING':
      return { status: move.from };
    case 'RELEASED':
      return { status: 'RELEASING', releasedBy: move.releasedBy };
  }
};

/** One line per SKU: an order may list a SKU twice, and a line record is kept per (order, SKU). */
export const mergeLines = (lines: readonly StockLine[]): StockLine[] => {
  const merged = new Map<string, number>();
  for (const { sku, quantity } of lines) merged.set(sku, (merged.get(sku) ?? 0) + quantity);
  return [...merged].map(([sku, quantity]) => ({ sku, quantity }));
};
