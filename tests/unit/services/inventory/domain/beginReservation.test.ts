import { beginReservation, beginReservationInput, cancelledFailure } from '../../../../../services/inventory/src/domain/beginReservation';
import { InMemoryReservations } from '../support/inMemoryReservations';

const ORDER_ID = 'ord_7Hq2Kx9mPz4Lw8Rt';
const NOW = new Date('2026-11-25T09:31:05.000Z');
const input = {
  orderId: ORDER_ID,
  lines: [
    { sku: 'espresso-beans-1kg', quantity: 2 },
    { sku: 'ceramic-cup', quantity: 1 },
  ],
  causationId: `${ORDER_ID}:placed`,
};

describe('beginReservation', () => {
  it('records the reservation as RESERVING and proceeds with its lines when the order is new', async () => {
    const reservations = new InMemoryReservations();

    const result = await beginReservation(reservations, input, NOW);

    expect(result).toEqual({ outcome: 'PROCEED', lines: input.lines, failure: null, decidedAt: null });
    expect(reservations.headers.get(ORDER_ID)).toEqual({
      orderId: ORDER_ID,
      status: 'RESERVING',
      lines: input.lines,
      causationId: `${ORDER_ID}:placed`,
      startedAt: NOW.toISOString(),
    });
  });

  it('merges lines of the same SKU when the order lists a SKU twice', async () => {
    const reservations = new InMemoryReservations();

    const result = await beginReservation(
      reservations,
      { ...input, lines: [...input.lines, { sku: 'ceramic-cup', quantity: 2 }] },
      NOW,
    );

    expect(result.lines).toEqual([
      { sku: 'espresso-beans-1kg', quantity: 2 },
      { sku: 'ceramic-cup', quantity: 3 },
    ]);
  });

  it('proceeds without rewriting the reservation when it was already begun', async () => {
    const reservations = new InMemoryReservations();
    await beginReservation(reservations, input, NOW);

    const result = await beginReservation(reservations, input, new Date('2026-11-25T09:40:00.000Z'));

    expect(result.outcome).toBe('PROCEED');
    expect(reservations.headers.get(ORDER_ID)?.startedAt).toBe(NOW.toISOString());
  });

  it('proceeds when a previous run already settled the reservation as RESERVED', async () => {
    const reservations = new InMemoryReservations();
    await beginReservation(reservations, input, NOW);
    await reservations.settle(ORDER_ID, { status: 'RESERVED', at: NOW.toISOString() });

    await expect(beginReservation(reservations, input, NOW)).resolves.toMatchObject({ outcome: 'PROCEED' });
  });

  it('does not reserve and reports ORDER_CANCELLED at the tombstone time when the cancellation arrived first', async () => {
    const reservations = new InMemoryReservations();
    await reservations.cancel(ORDER_ID, { causationId: `${ORDER_ID}:cancelled`, cancelledAt: '2026-11-25T09:30:30.000Z' });

    const result = await beginReservation(reservations, input, NOW);

    expect(result).toEqual({
      outcome: 'CANCELLED',
      lines: input.lines,
      failure: { sku: 'espresso-beans-1kg', reason: 'ORDER_CANCELLED' },
      decidedAt: '2026-11-25T09:30:30.000Z',
    });
    expect(reservations.headers.get(ORDER_ID)?.status).toBe('CANCELLED');
  });
});

describe('beginReservationInput', () => {
  it('rejects an input without lines, with a zero quantity or with unknown fields', () => {
    expect(beginReservationInput.safeParse({ ...input, lines: [] }).success).toBe(false);
    expect(beginReservationInput.safeParse({ ...input, lines: [{ sku: 'ceramic-cup', quantity: 0 }] }).success).toBe(false);
    expect(beginReservationInput.safeParse({ ...input, total: 1 }).success).toBe(false);
    expect(beginReservationInput.safeParse(input).success).toBe(true);
  });
});

describe('cancelledFailure', () => {
  it('names the first line when the whole order was cancelled', () => {
    expect(cancelledFailure(input.lines)).toEqual({ sku: 'espresso-beans-1kg', reason: 'ORDER_CANCELLED' });
  });
});
