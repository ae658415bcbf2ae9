import { z } from 'zod';
import {
  buildEvent,
  orderIdSchema,
  skuSchema,
  stockReleased,
  stockReservationFailed,
  stockReserved,
  type EventCause,
  type OutgoingEvent,
} from '#shared/contracts';
import { stockLineSchema } from './reservation';

const timestamp = z.iso.datetime({ offset: true });
const common = {
  orderId: orderIdSchema,
  /** The idempotency key of the event that started the workflow (OrderPlaced or OrderCancelled). */
  causationId: z.string().min(1),
};

/**
 * The input of the publishStockEvent task. Times are the facts' own, recorded by earlier steps, so a retried
 * or repeated publish builds the identical event (same idempotency key, same `occurred-at`).
 */
export const publishStockEventInput = z.discriminatedUnion('event', [
  z.object({ event: z.literal('StockReserved'), ...common, lines: z.array(stockLineSchema).min(1), occurredAt: timestamp }).strict(),
  z
    .object({
      event: z.literal('StockReservationFailed'),
      ...common,
      sku: skuSchema,
      reason: z.enum(['OUT_OF_STOCK', 'UNKNOWN_SKU', 'ORDER_CANCELLED']),
      occurredAt: timestamp,
    })
    .strict(),
  z
    .object({
      event: z.literal('StockReleased'),
      ...common,
      /** The release Map's results: only lines this workflow gave units back for are announced. */
      lines: z.array(
        z.object({ sku: skuSchema, quantity: z.number().int().min(1), released: z.boolean(), releasedAt: timestamp.nullable() }).strict(),
      ),
    })
    .strict(),
]);

export type PublishStockEventInput = z.infer<typeof publishStockEventInput>;

/** `StockReservationFailed` → `<orderId>:stock-reservation-failed`: one fact of each kind per order. */
const causeOf = (input: PublishStockEventInput, occurredAt: string): EventCause => ({
  idempotencyKey: `${input.orderId}:${input.event.replace(/(?<!^)([A-Z])/g, '-$1').toLowerCase()}`,
  correlationId: input.orderId,
  causationId: input.causationId,
  occurredAt: new Date(occurredAt),
});

/**
 * The events a publish step announces, validated against their contracts. StockReleased is announced only
 * when this workflow gave units back (none, when the reservation released its own lines or never took any),
 * dated by the last release.
 */
export const stockEventsFor = (input: PublishStockEventInput): OutgoingEvent[] => {
  switch (input.event) {
    case 'StockReserved':
      return [buildEvent(stockReserved, { orderId: input.orderId, lines: input.lines }, causeOf(input, input.occurredAt))];
    case 'StockReservationFailed':
      return [
        buildEvent(
          stockReservationFailed,
          { orderId: input.orderId, sku: input.sku, reason: input.reason },
          causeOf(input, input.occurredAt),
        ),
      ];
    case 'StockReleased': {
      const released = input.lines.filter((line) => line.released);
      if (released.length === 0) return [];
      // ISO-8601 UTC strings sort as the instants they name; a released line without a time fails validation.
      const lastReleasedAt = released.map((line) => line.releasedAt ?? 'missing releasedAt').sort().at(-1) ?? '';
      return [
        buildEvent(
          stockReleased,
          { orderId: input.orderId, lines: released.map(({ sku, quantity }) => ({ sku, quantity })) },
          causeOf(input, lastReleasedAt),
        ),
      ];
    }
  }
};
