import type { Money } from '#shared/contracts';

/** A product's stock: how many units can still be reserved, and the catalogue data shown beside it. */
export interface StockItem {
  sku: string;
  name: string;
  unitPrice: Money;
  available: number;
}

export type TakeResult = 'TAKEN' | 'OUT_OF_STOCK' | 'UNKNOWN_SKU';

/** `missing-only` keeps the counts of SKUs already stocked (safe to repeat); `overwrite` resets them. */
export type SeedMode = 'missing-only' | 'overwrite';

/**
 * Stock counts, one item per SKU, changed by single conditional writes only (DynamoDB transactions are not
 * used: the local cloud has none). A count and the reservation line that explains it therefore change in two
 * writes, so every change of a count carries an operation id ({@link reserveOperation}, {@link releaseOperation})
 * written onto the stock item in the same write. A retry that finds its id knows its change was applied; an
 * undo guarded by the id happens at most once. Ids are forgotten once the line records the outcome, so an
 * item only ever holds the few operations in flight.
 */
export interface StockRepository {
  /**
   * Takes `quantity` units under `operationId` if at least that many are available (the count never goes
   * below zero). A repeat of the same operation finds its id and takes nothing more, answering `TAKEN`.
   */
  take(sku: string, quantity: number, operationId: string): Promise<TakeResult>;
  /**
   * Gives back the units of a take whose line never recorded it, in one write that also drops the id: true
   * when this call gave units back, false when there was nothing (left) to undo.
   */
  undoTake(sku: string, quantity: number, operationId: string): Promise<boolean>;
  /** Adds `quantity` units back under `operationId`, once: a repeat finds the id and adds nothing. */
  putBack(sku: string, quantity: number, operationId: string): Promise<void>;
  /** Drops an operation id once the line it guarded records the outcome. */
  forget(sku: string, operationId: string): Promise<void>;
  get(sku: string): Promise<StockItem | undefined>;
  /** Writes seed items (only the missing SKUs, or all of them); returns the SKUs written. */
  seed(items: readonly StockItem[], mode: SeedMode): Promise<string[]>;
}

/** The id a line's take carries while its line is PENDING. */
export const reserveOperation = (orderId: string): string => `${orderId}:reserve`;

/** The id a line's put-back carries while its line is RELEASING. */
export const releaseOperation = (orderId: string): string => `${orderId}:release`;
