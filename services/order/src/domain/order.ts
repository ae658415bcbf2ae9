import type { cancellationReasons, Money } from '#shared/contracts';
import { UnknownOrderError } from './errors';
import type { PricedLine } from './orderRequest';
import type { Outcomes } from './outcomes';

export const ORDER_STATUSES = ['PLACED', 'CONFIRMED', 'COMPLETED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export type CancellationReason = (typeof cancellationReasons)[number];

/**
 * The only moves an order makes. Nothing moves back and nothing leaves COMPLETED or CANCELLED, which is why a
 * late PaymentSucceeded can never revive a cancelled order: the adapter makes every move conditional on the
 * current status being one this table allows.
 */
export const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PLACED: ['CONFIRMED', 'CANCELLED'],
  CONFIRMED: ['COMPLETED', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
};

export const canMove = (from: OrderStatus, to: OrderStatus): boolean => TRANSITIONS[from].includes(to);

/** The statuses an order may be in for a move to `to`. */
export const statusesBefore = (to: OrderStatus): OrderStatus[] => ORDER_STATUSES.filter((from) => canMove(from, to));

export const isTerminal = (status: OrderStatus): boolean => TRANSITIONS[status].length === 0;

/** How long the workflow waits for each phase; they come from the workflow input, so tests can shorten them. */
export interface WorkflowTimeouts {
  outcomesSeconds: number;
  shipmentSeconds: number;
}

/** What the order workflow is blocked on: the payment and stock outcomes, then the shipment's end. */
export type WaitPhase = 'OUTCOMES' | 'SHIPMENT';

/** The status an order has while its workflow waits in each phase. */
export const WAITING_STATUS: Readonly<Record<WaitPhase, OrderStatus>> = { OUTCOMES: 'PLACED', SHIPMENT: 'CONFIRMED' };

export interface Waiting {
  phase: WaitPhase;
  /** The Step Functions task token that resumes the wait; whoever sees it with a decisive outcome resumes. */
  token: string;
  since: string;
}

/** One fact in the order's life, its own or another service's, in the order it was recorded. */
export interface HistoryEntry {
  detailType: string;
  source: string;
  idempotencyKey: string;
  causationId: string;
  occurredAt: string;
  recordedAt: string;
}

export interface Order {
  orderId: string;
  /** The customer who placed it: the signed-in user's id (the token's `sub`). Only they may read the order. */
  customerId: string;
  status: OrderStatus;
  lines: PricedLine[];
  total: Money;
  shippingAddress: { name: string; line1: string; city: string; postalCode: string; country: string };
  /** The client's Idempotency-Key (the customer's own; see placement.ts KeyClaim): the causation id of OrderPlaced. */
  requestKey: string;
  timeouts: WorkflowTimeouts;
  placedAt: string;
  confirmedAt?: string;
  completedAt?: string;
  cancelledAt?: string;
  updatedAt: string;
  /** When the saga must be over at the latest; a non-terminal order past it is stuck. */
  deadline: string;
  /**
   * Set only while a cancelled order is owed a compensation (a refund, a stock release, a shipment cancellation:
   * see compensation.ts), to when it is overdue; the sparse `byCompensationDue` index lists these orders.
   */
  compensationDueBy?: string;
  cancellationReason?: CancellationReason;
  shipmentId?: string;
  /** What other services reported, by detail-type; the first report of each kind is kept. */
  outcomes: Outcomes;
  history: HistoryEntry[];
  /** Idempotency keys of every fact already applied, with when: the deduplication record. */
  processed: Record<string, string>;
  waiting?: Waiting;
}

/**
 * Latest moment the saga may still be running: placement, plus the longest wait for payment and stock,
 * plus the longest wait for shipping.
 */
export const deadlineOf = (placedAt: Date, timeouts: WorkflowTimeouts): string =>
  new Date(placedAt.getTime() + (timeouts.outcomesSeconds + timeouts.shipmentSeconds) * 1000).toISOString();

/** An order past its deadline that has not reached COMPLETED or CANCELLED: what the stuck-orders report lists. */
export const isStuck = (order: Pick<Order, 'status' | 'deadline'>, now: Date): boolean =>
  !isTerminal(order.status) && Date.parse(order.deadline) < now.getTime();

/** An order a repository answered with, or the failure to name when there was none. */
export const requireOrder = (orderId: string, order: Order | undefined): Order => {
  if (!order) throw new UnknownOrderError(`order ${orderId} does not exist`);
  return order;
};
