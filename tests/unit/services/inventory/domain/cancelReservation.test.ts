import { cancelReservation, mayHoldStock } from '../../../../../services/inventory/src/domain/cancelReservation';
import type { LineStatus } from '../../../../../services/inventory/src/domain/reservation';
import { InMemoryReservations } from '../support/inMemoryReservations';

const ORDER_ID = 'ord_7Hq2Kx9mPz4Lw8Rt';
const NOW = new Date('2026-11-25T09:43:05.000Z');
const input = { orderId: ORDER_ID, causationId: `${ORDER_ID}:cancelled` };

describe('cancelReservation', () => {
  it('leaves a CANCELLED tombstone and lists no lines when the order was never seen', async () => {
    const reservations = new InMemoryReservations();

    const result = await cancelReservation(reservations, input, NOW);

    expect(result).toEqual({ lines: [] });
    expect(reservations.headers.get(ORDER_ID)).toEqual({
      orderId: ORDER_ID,
      status: 'CANCELLED',
      cancelledAt: NOW.toISOString(),
      cancelledBy: `${ORDER_ID}:cancelled`,
    });
  });

  it('cancels a reserved order and lists the lines that may hold units', async () => {
    const reservations = new InMemoryReservations();
    await reservations.begin({ orderId: ORDER_ID, lines: [], causationId: `${ORDER_ID}:placed`, startedAt: '2026-11-25T09:31:00.000Z' });
    const statuses: Record<string, LineStatus> = {
      'espresso-beans-1kg': 'RESERVED',
      'ceramic-cup': 'PENDING',
      'limited-edition-beans': 'FAILED',
      'milk-frother': 'RELEASING',
      grinder: 'RELEASED',
    };
    for (const [sku, status] of Object.entries(statuses)) {
      await reservations.createLine({ orderId: ORDER_ID, sku, quantity: 2 });
      const stored = reservations.line(ORDER_ID, sku);
      if (stored) stored.status = status;
    }

    const result = await cancelReservation(reservations, input, NOW);

    expect(result.lines).toEqual([
      { sku: 'espresso-beans-1kg', quantity: 2 },
      { sku: 'milk-frother', quantity: 2 },
      { sku: 'grinder', quantity: 2 },
    ]);
    expect(reservations.headers.get(ORDER_ID)?.status).toBe('CANCELLED');
  });

  it('keeps the first cancellation time when the cancellation is repeated', async () => {
    const reservations = new InMemoryReservations();
    await cancelReservation(reservations, input, NOW);

    await cancelReservation(reservations, input, new Date('2026-11-25T10:00:00.000Z'));

    expect(reservations.headers.get(ORDER_ID)?.cancelledAt).toBe(NOW.toISOString());
  });
});

describe('mayHoldStock', () => {
  it('is true for RESERVED, RELEASING and RELEASED lines and false for PENDING and FAILED ones', () => {
    const line = (status: LineStatus) => ({ orderId: ORDER_ID, sku: 'ceramic-cup', quantity: 1, status });

    expect((['PENDING', 'RESERVED', 'FAILED', 'RELEASING', 'RELEASED'] as const).map((status) => mayHoldStock(line(status)))).toEqual([
      false,
      true,
      false,
      true,
      true,
    ]);
  });
});
