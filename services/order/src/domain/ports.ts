import type { Order, OrderStatus, Waiting } from './order';
import type { RecordedFact } from './outcomes';
import type { KeyClaim } from './placement';
import type { Step } from './steps';

/**
 * The orders table. Every write is one conditional write on one item (no transactions, no read-then-write):
 * the condition is what deduplicates and what keeps the status moving forward. A refused write answers with
 * the item as it now is, read consistently, so callers can tell a duplicate from a missing order.
 */
export interface OrderRepository {
  /** Stores a new order unless its id exists; if it does, answers with the stored one. */
  create(order: Order): Promise<{ created: boolean; order: Order }>;
  get(orderId: string): Promise<Order | undefined>;
  /** Records an outcome and its history entry once per idempotency key. */
  record(fact: RecordedFact): Promise<{ recorded: boolean; order: Order | undefined }>;
  /** Stores the task token of a wait, if the order is in `expectedStatus`. */
  wait(orderId: string, waiting: Waiting, expectedStatus: OrderStatus): Promise<{ stored: boolean; order: Order | undefined }>;
  /** Applies a step once, if the order is in one of `step.from`; clears any wait, which the move ends. */
  advance(step: Step): Promise<{ applied: boolean; order: Order | undefined }>;
  /**
   * Marks a cancelled order as owed a compensation (due at `dueBy`) or unmarks it, as `compensationMarking`
   * decided (`none` writes nothing); the write's condition re-checks the order's outcomes, so a stale decision
   * changes nothing.
   */
  markCompensation(orderId: string, marking: 'mark' | 'unmark' | 'none', dueBy: string): Promise<void>;
}

/**
 * The customers' Idempotency-Keys, one item per customer and key. Claiming a key is one conditional write; a
 * refused claim answers with the claim that holds the key, read consistently, so a retry finds its order.
 */
export interface IdempotencyKeys {
  /** Stores the claim unless the customer already claimed that key; then answers with the stored claim. */
  claim(claim: KeyClaim): Promise<{ claimed: boolean; stored: KeyClaim }>;
}
