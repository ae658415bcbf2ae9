import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { orderCancelled, parseEvent } from '#shared/contracts';
import { CANCELLABLE_STATUSES, cancellationOf, tombstoneFor } from '../../../../../services/shipping/src/domain/cancellation';
import { SHIPMENT_STATUSES } from '../../../../../services/shipping/src/domain/shipment';

const ORDER_ID = 'ord_7Hq2Kx9mPz4Lw8Rt';
const NOW = new Date('2026-11-25T09:44:00.000Z');
const sample = JSON.parse(readFileSync(join(__dirname, '../../../../../services/shipping/events/onOrderCancelled.json'), 'utf8')) as SQSEvent;

describe('CANCELLABLE_STATUSES', () => {
  it('are the open statuses, a parcel the carrier has still to deliver', () => {
    expect(CANCELLABLE_STATUSES).toEqual(['CREATED', 'DISPATCHED']);
  });

  it('leave out every status nothing moves out of', () => {
    const terminal = SHIPMENT_STATUSES.filter((status) => !(CANCELLABLE_STATUSES as readonly string[]).includes(status));

    expect(terminal).toEqual(['DELIVERED', 'FAILED', 'CANCELLED']);
  });
});

describe('cancellationOf', () => {
  it('takes the OrderCancelled idempotency key as the cause and now as the time when given the event', () => {
    const event = parseEvent([orderCancelled], JSON.parse(sample.Records[0]?.body ?? '') as unknown);

    expect(cancellationOf(event, NOW)).toEqual({ causationId: `${ORDER_ID}:cancelled`, cancelledAt: NOW.toISOString() });
  });
});

describe('tombstoneFor', () => {
  it('is a CANCELLED shipment that was never booked, named after the order, when the order had none', () => {
    const tombstone = tombstoneFor(ORDER_ID, { causationId: `${ORDER_ID}:cancelled`, cancelledAt: NOW.toISOString() });

    expect(tombstone).toEqual({
      orderId: ORDER_ID,
      shipmentId: `unbooked-${ORDER_ID}`,
      carrier: 'none',
      status: 'CANCELLED',
      createdAt: NOW.toISOString(),
      cancelledAt: NOW.toISOString(),
      cancelledBy: `${ORDER_ID}:cancelled`,
      callbacks: {},
    });
    expect(tombstone.trackingNumber).toBeUndefined();
  });
});
