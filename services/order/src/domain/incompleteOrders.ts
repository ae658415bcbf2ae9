import { compensationOwed, type Compensation } from './compensation';
import { decide } from './decisions';
import { isStuck, isTerminal, ORDER_STATUSES, WAITING_STATUS, type Order, type OrderStatus, type WaitPhase } from './order';
import { summarizeOutcomes, type OutcomeSummary, type OutcomeType } from './outcomes';

/** The statuses an order can be stuck in: every one it may still leave. */
export const INCOMPLETE_STATUSES: readonly OrderStatus[] = ORDER_STATUSES.filter((status) => !isTerminal(status));

/**
 * The orders a stuck-orders report looks at. Kept apart from {@link OrderRepository}: it reads through the
 * `byStatus` and `byCompensationDue` indexes, which the saga's functions never need.
 */
export interface OverdueOrders {
  /**
   * The orders the index lists under `status` with a deadline before `before`, read back from the table. The
   * index is eventually consistent, so an order may have moved on since: callers check the status again.
   */
  list(status: OrderStatus, before: Date): Promise<Order[]>;
  /** Cancelled orders marked as owed a compensation due before `before` (same consistency as {@link list}). */
  listCompensationDue(before: Date): Promise<Order[]>;
}

/** A cancelled order still owed something past its due time: what an operator settles by hand or by redrive. */
export interface CompensationOwedOrder {
  orderId: string;
  cancellationReason?: string;
  cancelledAt?: string;
  /** What was taken and not given back, in the terms of compensation.ts. */
  owed: Compensation[];
  dueBy: string;
  overdueSeconds: number;
}

/** Where a stuck order stopped, in the terms an operator acts on. */
export interface StuckOrder {
  orderId: string;
  status: OrderStatus;
  /** The wait the order's status puts it in. */
  phase: WaitPhase;
  /**
   * What would move it on: the outcomes still missing (`payment outcome`, `dispatch`…), or, when the recorded
   * outcomes already decide the phase, the workflow step that was never applied (`workflow to confirm`): then
   * no event is late, the workflow is (a lost wake-up, a failed execution).
   */
  awaiting: string;
  /** When the workflow parked in this phase's wait; absent when no task token is stored (it never got there, or it ended). */
  waitingSince?: string;
  outcomes: OutcomeSummary;
  /** Detail-types of the outcomes recorded, in the order they were recorded. */
  recorded: OutcomeType[];
  /** The last fact in the order's history, if any. */
  lastEvent?: { detailType: string; source: string; occurredAt: string; recordedAt: string };
  placedAt: string;
  deadline: string;
  /** Whole seconds past the deadline. */
  overdueSeconds: number;
}

export interface IncompleteOrdersReport {
  checkedAt: string;
  /** Most overdue first. */
  stuck: StuckOrder[];
  /** Most overdue first. */
  compensationOwed: CompensationOwedOrder[];
  summary: {
    stuck: number;
    compensationOwed: number;
    byStatus: Partial<Record<OrderStatus, number>>;
    byAwaiting: Record<string, number>;
    oldestOverdueSeconds: number;
  };
}

const PHASE_OF_STATUS = Object.fromEntries(Object.entries(WAITING_STATUS).map(([phase, status]) => [status, phase])) as Partial<
  Record<OrderStatus, WaitPhase>
>;

const SHIPMENT_NEXT: Record<OutcomeSummary['shipment'], string> = {
  PENDING: 'shipment creation',
  CREATED: 'dispatch',
  DISPATCHED: 'delivery',
  // The wait's own decision settles these two; listed for completeness of the table.
  DELIVERED: 'workflow to complete',
  FAILED: 'workflow to cancel',
  // Shipping cancels only after OrderCancelled: an order still waiting that heard it lost its own cancel step.
  CANCELLED: 'workflow to cancel',
};

const awaitingOf = (order: Order, phase: WaitPhase, outcomes: OutcomeSummary): string => {
  const verdict = decide(phase, order.outcomes);
  if (verdict.action !== 'WAIT') {
    const reason = verdict.action === 'CANCEL' ? ` (${verdict.reason})` : '';
    return `workflow to ${verdict.action.toLowerCase()}${reason}`;
  }
  if (phase === 'SHIPMENT') return SHIPMENT_NEXT[outcomes.shipment];
  // No failure is known (it would have decided), so a side is missing exactly when it has not succeeded.
  return [order.outcomes.PaymentSucceeded ? undefined : 'payment outcome', order.outcomes.StockReserved ? undefined : 'stock outcome']
    .filter((side) => side !== undefined)
    .join(', ');
};

/**
 * Where one stuck order stopped: its status, what it waits for, the outcomes recorded, its last fact and how
 * long it is overdue.
 *
 * @example
 * ```ts
 * describeStuckOrder(order, now); // { orderId, status: 'PLACED', awaiting: 'stock outcome', overdueSeconds: 240, ... }
 * ```
 */
export const describeStuckOrder = (order: Order, now: Date): StuckOrder => {
  // Non-terminal statuses are exactly the waiting ones; a status without a phase would be a new, unhandled one.
  const phase = PHASE_OF_STATUS[order.status] ?? 'OUTCOMES';
  const outcomes = summarizeOutcomes(order.outcomes);
  const recordedTypes = new Set(Object.keys(order.outcomes));
  const recorded = [...new Set(order.history.map((entry) => entry.detailType).filter((type) => recordedTypes.has(type)))] as OutcomeType[];
  const last = order.history.at(-1);
  return {
    orderId: order.orderId,
    status: order.status,
    phase,
    awaiting: awaitingOf(order, phase, outcomes),
    ...(order.waiting && { waitingSince: order.waiting.since }),
    outcomes,
    recorded,
    ...(last && { lastEvent: { detailType: last.detailType, source: last.source, occurredAt: last.occurredAt, recordedAt: last.recordedAt } }),
    placedAt: order.placedAt,
    deadline: order.deadline,
    overdueSeconds: Math.floor((now.getTime() - Date.parse(order.deadline)) / 1000),
  };
};

const countBy = <T>(items: readonly T[], key: (item: T) => string): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
};

/**
 * The stuck-orders report over candidate orders: keeps those still non-terminal and past their deadline at
 * `now` (a candidate read through the index may have finished since), most overdue first.
 *
 * @example
 * ```ts
 * const report = buildIncompleteOrdersReport(candidates, now);
 * report.summary; // { stuck: 2, compensationOwed: 0, byStatus: { PLACED: 1, CONFIRMED: 1 }, byAwaiting: { ... }, oldestOverdueSeconds: 600 }
 * ```
 */
export const buildIncompleteOrdersReport = (
  candidates: readonly Order[],
  now: Date,
  compensationCandidates: readonly Order[] = [],
): IncompleteOrdersReport => {
  const unique = (orders: readonly Order[]) => [...new Map(orders.map((order) => [order.orderId, order])).values()];
  const stuck = unique(candidates)
    .filter((order) => isStuck(order, now))
    .map((order) => describeStuckOrder(order, now))
    .sort((a, b) => b.overdueSeconds - a.overdueSeconds || a.orderId.localeCompare(b.orderId));
  const compensation = unique(compensationCandidates)
    .flatMap((order) => describeCompensationOwed(order, now) ?? [])
    .sort((a, b) => b.overdueSeconds - a.overdueSeconds || a.orderId.localeCompare(b.orderId));
  return {
    checkedAt: now.toISOString(),
    stuck,
    compensationOwed: compensation,
    summary: {
      stuck: stuck.length,
      compensationOwed: compensation.length,
      byStatus: countBy(stuck, (order) => order.status),
      byAwaiting: countBy(stuck, (order) => order.awaiting),
      oldestOverdueSeconds: stuck[0]?.overdueSeconds ?? 0,
    },
  };
};

/**
 * A cancelled order past its compensation due time that still owes something; undefined once the order owes
 * nothing (the index may lag the unmarking write) or is not yet due.
 */
export const describeCompensationOwed = (order: Order, now: Date): CompensationOwedOrder | undefined => {
  const owed = compensationOwed(order);
  if (owed.length === 0 || order.compensationDueBy === undefined || Date.parse(order.compensationDueBy) >= now.getTime()) return undefined;
  return {
    orderId: order.orderId,
    ...(order.cancellationReason && { cancellationReason: order.cancellationReason }),
    ...(order.cancelledAt && { cancelledAt: order.cancelledAt }),
    owed,
    dueBy: order.compensationDueBy,
    overdueSeconds: Math.floor((now.getTime() - Date.parse(order.compensationDueBy)) / 1000),
  };
};

/**
 * Lists every order past its deadline in a non-terminal status, with where each stopped, and every cancelled
 * order still owed a compensation past its due time. The deadline covers both of the saga's waits, so an order
 * past it can only be one whose workflow failed or lost a wake-up, or whose outcomes never came; a compensation
 * past its due time, one whose refund or release workflow failed (alarmed, redrivable) or never started: none of
 * them heals by waiting.
 *
 * @example
 * ```ts
 * const report = await reportIncompleteOrders({ orders: overdueOrdersFromEnv(), now: new Date() });
 * ```
 */
export const reportIncompleteOrders = async ({ orders, now }: { orders: OverdueOrders; now: Date }): Promise<IncompleteOrdersReport> => {
  const [candidates, owing] = await Promise.all([Promise.all(INCOMPLETE_STATUSES.map((status) => orders.list(status, now))), orders.listCompensationDue(now)]);
  return buildIncompleteOrdersReport(candidates.flat(), now, owing);
};
