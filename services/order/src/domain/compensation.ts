import type { Order } from './order';
import type { Outcomes, OutcomeType } from './outcomes';

/**
 * What a cancelled order is owed by the services that acted on it, one row per kind: a fact that something
 * was taken (`owedAfter`) and the facts that give it back or show nothing is left to give back (`settledBy`).
 * The order service hears all of them (onOrderOutcome), so it is the one place that can tell, from its own
 * table, that a cancellation was not fully compensated.
 */
export const COMPENSATIONS = [
  { owed: 'refund', owedAfter: 'PaymentSucceeded', settledBy: ['PaymentRefunded'] },
  { owed: 'stock release', owedAfter: 'StockReserved', settledBy: ['StockReleased'] },
  // A delivered or failed shipment is no longer open: nothing is left to cancel with the carrier.
  { owed: 'shipment cancellation', owedAfter: 'ShipmentCreated', settledBy: ['ShipmentCancelled', 'ShipmentFailed', 'ShipmentDelivered'] },
] as const satisfies readonly { owed: string; owedAfter: OutcomeType; settledBy: readonly OutcomeType[] }[];

export type Compensation = (typeof COMPENSATIONS)[number]['owed'];

/**
 * The compensations a cancelled order is still owed, from the outcomes recorded so far; none for an order
 * that is not cancelled.
 *
 * @example
 * ```ts
 * compensationOwed({ status: 'CANCELLED', outcomes: { PaymentSucceeded, StockReserved, StockReleased } }); // ['refund']
 * ```
 */
export const compensationOwed = ({ status, outcomes }: Pick<Order, 'status' | 'outcomes'>): Compensation[] =>
  status !== 'CANCELLED' ? [] : COMPENSATIONS.filter((row) => isOwed(outcomes, row)).map((row) => row.owed);

const isOwed = (outcomes: Outcomes, { owedAfter, settledBy }: (typeof COMPENSATIONS)[number]): boolean =>
  outcomes[owedAfter] !== undefined && settledBy.every((settling) => outcomes[settling] === undefined);

/**
 * When a compensation owed counts as overdue: the outcome wait once more after the moment it became owed. The
 * refund and release workflows retry for minutes and SQS redelivers for five receives; by then they have
 * either done it or failed, alarmed.
 */
export const compensationDueBy = (order: Pick<Order, 'timeouts'>, owedSince: Date): string =>
  new Date(owedSince.getTime() + order.timeouts.outcomesSeconds * 1000).toISOString();

/**
 * What to write so that the orders table's compensation index lists exactly the cancelled orders still owed
 * something: mark an order that owes and is not marked yet, unmark one that is marked and owes nothing now.
 * Decided on the item a write just returned; the adapter re-checks the same rows in the write's condition,
 * so a decision made on a snapshot another write has since changed is refused, not applied.
 */
export const compensationMarking = (order: Pick<Order, 'status' | 'outcomes' | 'compensationDueBy'>): 'mark' | 'unmark' | 'none' => {
  const owes = compensationOwed(order).length > 0;
  if (owes && order.compensationDueBy === undefined) return 'mark';
  if (!owes && order.compensationDueBy !== undefined) return 'unmark';
  return 'none';
};
