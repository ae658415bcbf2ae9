/**
 * A shipment's life, as pure rules. Status moves forward only: CREATED → DISPATCHED → DELIVERED, or to
 * FAILED, or (the order was cancelled) from CREATED or DISPATCHED to CANCELLED; nothing leaves DELIVERED,
 * FAILED or CANCELLED. Carriers report at least once and in no guaranteed order, so DELIVERED may overtake
 * DISPATCHED; the late DISPATCHED is still recorded, but moves nothing back.
 */

export const SHIPMENT_STATUSES = ['CREATED', 'DISPATCHED', 'DELIVERED', 'FAILED', 'CANCELLED'] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

/** What a carrier callback reports. */
export const CARRIER_STATUSES = ['DISPATCHED', 'DELIVERED'] as const;
export type CarrierStatus = (typeof CARRIER_STATUSES)[number];

/**
 * Why a shipment failed: a carrier wait timed out, the carrier refused the booking, or it could not be booked
 * at all (every attempt failed: the carrier or our store was down).
 */
export const FAILURE_REASONS = ['DISPATCH_TIMED_OUT', 'DELIVERY_TIMED_OUT', 'CARRIER_REJECTED', 'CARRIER_UNAVAILABLE'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export interface RecordedCallback {
  status: CarrierStatus;
  occurredAt: string;
  receivedAt: string;
}

/** The workflow task currently waiting on this shipment, and for which status. */
export interface ShipmentWait {
  awaiting: CarrierStatus;
  taskToken: string;
}

/**
 * A carrier report that arrived after the shipment was cancelled. Kept apart from `callbacks`, and only the
 * first {@link LATE_REPORTS_KEPT}: a carrier keeps reporting a parcel it was told to stop, and nothing it says
 * may grow the item without bound.
 */
export interface LateReport extends RecordedCallback {
  callbackId: string;
}

/** How many reports after a cancellation a shipment keeps; later ones are logged, not stored. */
export const LATE_REPORTS_KEPT = 10;

/**
 * How many distinct callbacks a shipment keeps before its cancellation; a new one beyond them is refused. A
 * shipment hears two reports (dispatched, delivered), so ten leave room for a carrier that gives resends new
 * ids, while a carrier stuck in a loop cannot grow the item: every write of it costs a write unit per KB of
 * the item, and one past DynamoDB's 400 KB limit could no longer be cancelled, failed or resumed at all.
 */
export const CALLBACKS_KEPT = 10;

export interface Shipment {
  orderId: string;
  shipmentId: string;
  carrier: string;
  trackingNumber?: string;
  status: ShipmentStatus;
  createdAt: string;
  /** First report wins: a repeated report of the same status keeps the original time. */
  dispatchedAt?: string;
  deliveredAt?: string;
  failedAt?: string;
  failureReason?: FailureReason;
  cancelledAt?: string;
  /** The idempotency key of the OrderCancelled that cancelled it: the cause of ShipmentCancelled. */
  cancelledBy?: string;
  /**
   * Every distinct callback received before a cancellation, by the carrier's `callbackId`, the first
   * {@link CALLBACKS_KEPT} only: what duplicates are detected against. Reports after it go to `lateReports`.
   */
  callbacks: Record<string, RecordedCallback>;
  wait?: ShipmentWait;
  lateReports?: LateReport[];
}

/**
 * The statuses a carrier report moves a shipment out of. DELIVERED may overtake DISPATCHED; DELIVERED and
 * FAILED are terminal, so a report that arrives after them is recorded and changes nothing.
 */
export const movesFrom = (reported: CarrierStatus): readonly ShipmentStatus[] =>
  reported === 'DISPATCHED' ? ['CREATED'] : ['CREATED', 'DISPATCHED'];

/** The status after a carrier report. */
export const statusAfter = (current: ShipmentStatus, reported: CarrierStatus): ShipmentStatus =>
  movesFrom(reported).includes(current) ? reported : current;

/**
 * Whether a wait for `awaiting` is over: the shipment reached that status, went past it (a delivery also
 * answers a wait for dispatch), or failed or was cancelled and can no longer reach it.
 */
export const isWaitOver = (status: ShipmentStatus, awaiting: CarrierStatus): boolean =>
  status === awaiting || status === 'DELIVERED' || status === 'FAILED' || status === 'CANCELLED';

/**
 * What a finished wait hands back to the workflow, which routes on `status`. Every field is always present
 * (null when not yet known), so the state machine reads the same shape from a resumed wait and from an
 * expired one.
 */
export interface WaitOutcome {
  status: ShipmentStatus;
  dispatchedAt: string | null;
  deliveredAt: string | null;
  failedAt: string | null;
  failureReason: FailureReason | null;
  cancelledAt: string | null;
  cancelledBy: string | null;
}

export const waitOutcomeOf = (shipment: Shipment): WaitOutcome => ({
  status: shipment.status,
  dispatchedAt: shipment.dispatchedAt ?? null,
  deliveredAt: shipment.deliveredAt ?? null,
  failedAt: shipment.failedAt ?? null,
  failureReason: shipment.failureReason ?? null,
  cancelledAt: shipment.cancelledAt ?? null,
  cancelledBy: shipment.cancelledBy ?? null,
});

/**
 * The task to resume, if the shipment's current wait is over. Both sides of a race call this after their
 * own atomic write: the callback that records a status and the task that registers its wait. Whichever
 * writes second sees both writes, so a wait is never left hanging; a second resume of one token is refused
 * by Step Functions and means "already resumed".
 */
export const wakeUp = (shipment: Shipment): { taskToken: string; outcome: WaitOutcome } | undefined =>
  shipment.wait && isWaitOver(shipment.status, shipment.wait.awaiting)
    ? { taskToken: shipment.wait.taskToken, outcome: waitOutcomeOf(shipment) }
    : undefined;

/**
 * The task a carrier report resumes, if any. A report on a cancelled shipment resumes nothing: the
 * cancellation resumes the wait itself (onOrderCancelled, or awaitCarrier when the wait began after it), and
 * a carrier that has not yet heard of it must never speak for it.
 */
export const wakeUpOnReport = (shipment: Shipment): ReturnType<typeof wakeUp> =>
  shipment.status === 'CANCELLED' ? undefined : wakeUp(shipment);

/**
 * A wait that timed out fails the shipment, unless the awaited status arrived in the meantime (a callback
 * recorded between the timeout and this write): then the carrier was only late, and the workflow goes on.
 */
export const expiryOf = (awaiting: CarrierStatus): { reason: FailureReason; failsFrom: readonly ShipmentStatus[] } => ({
  reason: awaiting === 'DISPATCHED' ? 'DISPATCH_TIMED_OUT' : 'DELIVERY_TIMED_OUT',
  failsFrom: SHIPMENT_STATUSES.filter((status) => !isWaitOver(status, awaiting)),
});

/** The attribute a carrier report's time is kept in. */
export const reportedAtField = (reported: CarrierStatus): 'dispatchedAt' | 'deliveredAt' =>
  reported === 'DISPATCHED' ? 'dispatchedAt' : 'deliveredAt';
