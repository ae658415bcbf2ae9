import type { ShipmentRecord } from '../invariants';
import type { Outcome, PlannedOrder, ScenarioName } from './orderMix';

export interface OrderResult {
  order: PlannedOrder;
  orderId: string;
  actual: Outcome | { status: string; reason?: string };
  expected: boolean;
}

/**
 * The saga timeouts that may end an order other than its scenario intends without that being a defect: the
 * saga's designed answer to a system too slow to decide in time. Each is told apart by what the stores hold.
 * - `outcomes wait expired`: cancelled `OUTCOMES_TIMED_OUT`, the order's wait for its payment and stock
 *   outcomes ran out;
 * - `shipment timed out`: cancelled `SHIPMENT_FAILED` with the order's shipment `FAILED` for
 *   `DISPATCH_TIMED_OUT` or `DELIVERY_TIMED_OUT`, the shipping saga's waits for the carrier ran out;
 * - `shipment wait expired`: cancelled `SHIPMENT_FAILED` while the order's shipment is not `FAILED` (or
 *   missing), the order's own wait for its shipment ran out before shipping reported.
 */
export type SagaTimeout = 'outcomes wait expired' | 'shipment timed out' | 'shipment wait expired';

const SHIPMENT_TIMEOUTS = new Set(['DISPATCH_TIMED_OUT', 'DELIVERY_TIMED_OUT']);

export interface OrderVerdict {
  orderId: string;
  scenario: ScenarioName;
  /** `CANCELLED / OUTCOMES_TIMED_OUT`, `COMPLETED`, `MISSING`… */
  outcome: string;
}

export interface OutcomeVerdicts {
  /** Orders that ended other than their scenario intends, for a saga timeout the stores name. */
  timedOut: (OrderVerdict & { cause: SagaTimeout })[];
  /** Orders that ended other than their scenario intends for no named cause: each one a violation. */
  violations: (OrderVerdict & { allowed: string[] })[];
}

const outcomeText = (outcome: { status: string; reason?: string }) => [outcome.status, outcome.reason].filter(Boolean).join(' / ');

const timeoutOf = (result: OrderResult, shipments: ReadonlyMap<string, ShipmentRecord>): SagaTimeout | undefined => {
  if (result.actual.status !== 'CANCELLED') return undefined;
  if (result.actual.reason === 'OUTCOMES_TIMED_OUT') return 'outcomes wait expired';
  if (result.actual.reason !== 'SHIPMENT_FAILED') return undefined;
  const shipment = shipments.get(result.orderId);
  if (shipment?.status !== 'FAILED') return 'shipment wait expired';
  return SHIPMENT_TIMEOUTS.has(shipment.failureReason ?? '') ? 'shipment timed out' : undefined;
};

/**
 * Sorts every order that ended other than its scenario allows into a saga timeout (see {@link SagaTimeout})
 * or a violation. Anything else is never explained away: a cancellation for a reason the scenario does not
 * allow (`PAYMENT_FAILED` on a healthy provider, `OUT_OF_STOCK` within budget, a carrier's rejection), a
 * completion where a cancellation was due, an order missing or not terminal.
 *
 * @example
 * ```ts
 * const { timedOut, violations } = judgeOutcomes(report.results, report.snapshot.shipments);
 * if (violations.length > 0) process.exitCode = 1;
 * ```
 */
export const judgeOutcomes = (results: readonly OrderResult[], shipments: readonly ShipmentRecord[]): OutcomeVerdicts => {
  const byOrder = new Map(shipments.map((shipment) => [shipment.orderId, shipment]));
  const verdicts: OutcomeVerdicts = { timedOut: [], violations: [] };
  for (const result of results) {
    if (result.expected) continue;
    const verdict = { orderId: result.orderId, scenario: result.order.scenario, outcome: outcomeText(result.actual) };
    const cause = timeoutOf(result, byOrder);
    if (cause) verdicts.timedOut.push({ ...verdict, cause });
    else verdicts.violations.push({ ...verdict, allowed: result.order.acceptable.map(outcomeText) });
  }
  return verdicts;
};
