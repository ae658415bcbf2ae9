import type { ShipmentCancellation } from './cancellation';
import type { CarrierCallback } from './carrierCallback';
import type { CarrierStatus, Shipment } from './shipment';

/**
 * `late`: the shipment was cancelled; the report is kept apart (`lateReports`, the first few) and moves nothing.
 * `limit-reached`: a new report on a shipment that already keeps `CALLBACKS_KEPT`; nothing is written.
 */
export type RecordOutcome = 'recorded' | 'duplicate' | 'late' | 'limit-reached';

/**
 * `tombstoned`: the order had no shipment yet, and now has a CANCELLED one that can never be booked;
 * `cancelled`: an open shipment was cancelled; `duplicate`: it already was; `not-open`: it was delivered or
 * had failed, and stays so.
 */
export type CancelOutcome = 'tombstoned' | 'cancelled' | 'duplicate' | 'not-open';

/**
 * Where shipments are kept, one per order. Every change is an atomic conditional write that decides on its
 * own (a method may try a few in turn, and read consistently after a refused one to report what refused
 * it), so concurrent callbacks, cancellations, retries and the workflow never lose an update and status only
 * moves forward (see `movesFrom`).
 */
export interface ShipmentRepository {
  /** Stores a new shipment; if the order already has one, that one is kept and returned. */
  create(shipment: Shipment): Promise<Shipment>;

  /** The order a carrier's shipment id belongs to, or undefined when it is unknown. */
  orderIdOf(shipmentId: string): Promise<string | undefined>;

  /**
   * Records a carrier report once per `callbackId`, among the first `CALLBACKS_KEPT`, and moves the status
   * forward if the report allows it; on a cancelled shipment, keeps it among the first `LATE_REPORTS_KEPT` late
   * reports and moves nothing. Returns the shipment as it is after the write (after a duplicate or a refusal:
   * as it is now).
   */
  recordCallback(orderId: string, callback: CarrierCallback, receivedAt: Date): Promise<{ outcome: RecordOutcome; shipment: Shipment }>;

  /** Remembers which task waits for which status, replacing any earlier wait; returns the shipment after the write. */
  registerWait(orderId: string, awaiting: CarrierStatus, taskToken: string): Promise<Shipment>;

  /**
   * Fails the shipment because a wait for `awaiting` timed out, unless the awaited status arrived meanwhile.
   * Returns the shipment as it is after the attempt.
   */
  expireWait(orderId: string, awaiting: CarrierStatus, now: Date): Promise<Shipment>;

  /**
   * Cancels the order's shipment if it is open (`CANCELLABLE_STATUSES`), or stores its tombstone if it has
   * none; a delivered or failed one is left as it is. Returns the shipment as it is after the attempt.
   */
  cancel(orderId: string, cancellation: ShipmentCancellation): Promise<{ outcome: CancelOutcome; shipment: Shipment }>;

  get(orderId: string): Promise<Shipment | undefined>;
}
