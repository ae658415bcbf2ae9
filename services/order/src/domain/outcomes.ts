import {
  paymentDeclined,
  paymentFailed,
  paymentRefunded,
  paymentSucceeded,
  shipmentCancelled,
  shipmentCreated,
  shipmentDelivered,
  shipmentDispatched,
  shipmentFailed,
  stockReleased,
  stockReservationFailed,
  stockReserved,
  type EventOf,
} from '#shared/contracts';
import type { HistoryEntry } from './order';

/**
 * Every fact other services publish about an order. The workflow decides on the payment, stock and shipment
 * outcomes; PaymentRefunded, StockReleased and ShipmentCancelled answer a cancellation already made and only
 * complete the order's history.
 */
export const outcomeContracts = [
  paymentSucceeded,
  paymentDeclined,
  paymentFailed,
  stockReserved,
  stockReservationFailed,
  shipmentCreated,
  shipmentDispatched,
  shipmentDelivered,
  shipmentFailed,
  paymentRefunded,
  stockReleased,
  shipmentCancelled,
] as const;

export type OutcomeEvent = EventOf<(typeof outcomeContracts)[number]>;
export type OutcomeType = OutcomeEvent['detailType'];
type OutcomeData<T extends OutcomeType> = Extract<OutcomeEvent, { detailType: T }>['data'];

export interface RecordedOutcome<TData> {
  idempotencyKey: string;
  occurredAt: string;
  data: TData;
}

/** Keyed by detail-type, so the decision reads the same whatever order the facts arrived in. */
export type Outcomes = { [T in OutcomeType]?: RecordedOutcome<OutcomeData<T>> };

/** A fact as the order records it: its outcome, its history entry, and the key that deduplicates it. */
export interface RecordedFact {
  orderId: string;
  detailType: OutcomeType;
  idempotencyKey: string;
  outcome: RecordedOutcome<OutcomeEvent['data']>;
  history: HistoryEntry;
}

/**
 * @example
 * ```ts
 * const fact = factFrom(event, now);
 * await orders.record(fact);
 * ```
 */
export const factFrom = (event: OutcomeEvent, now: Date): RecordedFact => {
  const { metadata } = event;
  return {
    orderId: event.data.orderId,
    detailType: event.detailType,
    idempotencyKey: metadata['idempotency-key'],
    outcome: { idempotencyKey: metadata['idempotency-key'], occurredAt: metadata['occurred-at'], data: event.data },
    history: {
      detailType: event.detailType,
      source: event.source,
      idempotencyKey: metadata['idempotency-key'],
      causationId: metadata['causation-id'],
      occurredAt: metadata['occurred-at'],
      recordedAt: now.toISOString(),
    },
  };
};

export type PaymentState = 'PENDING' | 'SUCCEEDED' | 'DECLINED' | 'FAILED' | 'REFUNDED';
export type StockState = 'PENDING' | 'RESERVED' | 'FAILED' | 'RELEASED';
export type ShipmentState = 'PENDING' | 'CREATED' | 'DISPATCHED' | 'DELIVERED' | 'FAILED' | 'CANCELLED';

export interface OutcomeSummary {
  payment: PaymentState;
  stock: StockState;
  shipment: ShipmentState;
}

/**
 * Where each side of the saga stands, by the furthest fact known rather than the last one to arrive: a
 * ShipmentCreated delivered after ShipmentDelivered does not make the parcel undelivered.
 */
export const summarizeOutcomes = (outcomes: Outcomes): OutcomeSummary => ({
  payment: outcomes.PaymentRefunded
    ? 'REFUNDED'
    : outcomes.PaymentSucceeded
      ? 'SUCCEEDED'
      : outcomes.PaymentDeclined
        ? 'DECLINED'
        : outcomes.PaymentFailed
          ? 'FAILED'
          : 'PENDING',
  stock: outcomes.StockReleased
    ? 'RELEASED'
    : outcomes.StockReservationFailed
      ? 'FAILED'
      : outcomes.StockReserved
        ? 'RESERVED'
        : 'PENDING',
  shipment: outcomes.ShipmentDelivered
    ? 'DELIVERED'
    : outcomes.ShipmentCancelled
      ? 'CANCELLED'
      : outcomes.ShipmentFailed
        ? 'FAILED'
        : outcomes.ShipmentDispatched
          ? 'DISPATCHED'
          : outcomes.ShipmentCreated
            ? 'CREATED'
            : 'PENDING',
});
