import { stockReleased, stockReservationFailed, stockReserved } from '#shared/contracts';
import { publishStockEventInput, stockEventsFor } from '../../../../../services/inventory/src/domain/stockEvents';

const ORDER_ID = 'ord_7Hq2Kx9mPz4Lw8Rt';
const lines = [
  { sku: 'espresso-beans-1kg', quantity: 2 },
  { sku: 'ceramic-cup', quantity: 1 },
];

describe('stockEventsFor', () => {
  it('builds StockReserved keyed per order, caused by OrderPlaced and dated by the settlement', () => {
    const [event, ...rest] = stockEventsFor({
      event: 'StockReserved',
      orderId: ORDER_ID,
      causationId: `${ORDER_ID}:placed`,
      lines,
      occurredAt: '2026-11-25T09:35:00.000Z',
    });

    expect(rest).toEqual([]);
    expect(event).toEqual({
      source: stockReserved.source,
      detailType: 'StockReserved',
      detail: {
        metadata: {
          'idempotency-key': `${ORDER_ID}:stock-reserved`,
          'correlation-id': ORDER_ID,
          'causation-id': `${ORDER_ID}:placed`,
          'occurred-at': '2026-11-25T09:35:00.000Z',
          'schema-version': 1,
        },
        data: { orderId: ORDER_ID, lines },
      },
    });
  });

  it('builds StockReservationFailed with the SKU and reason when a reservation failed', () => {
    const [event] = stockEventsFor({
      event: 'StockReservationFailed',
      orderId: ORDER_ID,
      causationId: `${ORDER_ID}:placed`,
      sku: 'limited-edition-beans',
      reason: 'OUT_OF_STOCK',
      occurredAt: '2026-11-25T09:36:00.000Z',
    });

    expect(event?.source).toBe(stockReservationFailed.source);
    expect(event?.detail.metadata['idempotency-key']).toBe(`${ORDER_ID}:stock-reservation-failed`);
    expect(event?.detail.data).toEqual({ orderId: ORDER_ID, sku: 'limited-edition-beans', reason: 'OUT_OF_STOCK' });
  });

  it('announces only the released lines, dated by the last release, when StockReleased is published', () => {
    const [event, ...rest] = stockEventsFor({
      event: 'StockReleased',
      orderId: ORDER_ID,
      causationId: `${ORDER_ID}:cancelled`,
      lines: [
        { sku: 'espresso-beans-1kg', quantity: 2, released: true, releasedAt: '2026-11-25T09:45:01.000Z' },
        { sku: 'ceramic-cup', quantity: 1, released: false, releasedAt: null },
        { sku: 'grinder', quantity: 1, released: true, releasedAt: '2026-11-25T09:45:00.000Z' },
      ],
    });

    expect(rest).toEqual([]);
    expect(event?.source).toBe(stockReleased.source);
    expect(event?.detail.metadata).toMatchObject({
      'idempotency-key': `${ORDER_ID}:stock-released`,
      'causation-id': `${ORDER_ID}:cancelled`,
      'occurred-at': '2026-11-25T09:45:01.000Z',
    });
    expect(event?.detail.data).toEqual({
      orderId: ORDER_ID,
      lines: [
        { sku: 'espresso-beans-1kg', quantity: 2 },
        { sku: 'grinder', quantity: 1 },
      ],
    });
  });

  it('announces nothing when no line was released by this workflow', () => {
    expect(
      stockEventsFor({
        event: 'StockReleased',
        orderId: ORDER_ID,
        causationId: `${ORDER_ID}:cancelled`,
        lines: [{ sku: 'ceramic-cup', quantity: 1, released: false, releasedAt: null }],
      }),
    ).toEqual([]);
    expect(stockEventsFor({ event: 'StockReleased', orderId: ORDER_ID, causationId: `${ORDER_ID}:cancelled`, lines: [] })).toEqual([]);
  });

  it('refuses to publish a released line without its release time', () => {
    expect(() =>
      stockEventsFor({
        event: 'StockReleased',
        orderId: ORDER_ID,
        causationId: `${ORDER_ID}:cancelled`,
        lines: [{ sku: 'ceramic-cup', quantity: 1, released: true, releasedAt: null }],
      }),
    ).toThrow('refused to publish');
  });

  it('builds the identical event when the same publish is repeated', () => {
    const input = {
      event: 'StockReserved' as const,
      orderId: ORDER_ID,
      causationId: `${ORDER_ID}:placed`,
      lines,
      occurredAt: '2026-11-25T09:35:00.000Z',
    };

    expect(stockEventsFor(input)).toEqual(stockEventsFor(input));
  });
});

describe('publishStockEventInput', () => {
  it('rejects the internal ERROR reason, which is never published', () => {
    expect(
      publishStockEventInput.safeParse({
        event: 'StockReservationFailed',
        orderId: ORDER_ID,
        causationId: `${ORDER_ID}:placed`,
        sku: 'ceramic-cup',
        reason: 'ERROR',
        occurredAt: '2026-11-25T09:36:00.000Z',
      }).success,
    ).toBe(false);
  });

  it('rejects an unknown event', () => {
    expect(publishStockEventInput.safeParse({ event: 'StockCounted', orderId: ORDER_ID, causationId: 'x' }).success).toBe(false);
  });
});
