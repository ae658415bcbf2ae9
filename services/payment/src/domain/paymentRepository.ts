import type { Cancellation, PaymentRecord, Transition } from './payments';

/**
 * The payments table. Every write is a single-item conditional write, so two workflows touching one order
 * (charge and refund) serialise on its record without transactions or locks.
 */
export interface PaymentRepository {
  /** Creates `record` unless the order has one; returns the stored record either way. */
  create(record: PaymentRecord): Promise<{ created: boolean; record: PaymentRecord }>;
  /**
   * Applies `transition` only if the record's status is one of `transition.from`. Returns the record as
   * stored afterwards (undefined when the order has none), and whether this call moved it.
   */
  transition(orderId: string, transition: Transition): Promise<{ applied: boolean; record: PaymentRecord | undefined }>;
  /** Notes a cancellation on the order's existing record, keeping the first one noted; returns the record. */
  noteCancellation(orderId: string, cancellation: Cancellation): Promise<PaymentRecord | undefined>;
}
