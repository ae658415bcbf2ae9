import { PermanentError } from '#shared/errors';
import {
  decideReservation,
  finishReservation,
  finishReservationInput,
  linesToRelease,
  outcomeOf,
} from '../../../../../services/inventory/src/domain/finishReservation';
import type { LineResult } from '../../../../../services/inventory/src/domain/reserveLine';
import { InMemoryReservations } from '../support/inMemoryReservations';

const ORDER_ID = 'ord_7Hq2Kx9mPz4Lw8Rt';
const STARTED = '2026-11-25T09:31:00.000Z';
const NOW = new Date('2026-11-25T09:31:05.000Z');
const LATER = new Date('2026-11-25T09:50:00.000Z');

const line = (sku: string, outcome: LineResult['outcome'], quantity = 1): LineResult => ({ sku, quantity, outcome });
const reserved = [line('espresso-beans-1kg', 'RESERVED', 2), line('ceramic-cup', 'RESERVED')];

const begun = async () => {
  const reservations = new InMemoryReservations();
  await reservations.begin({ orderId: ORDER_ID, lines: [], causationId: `${ORDER_ID}:placed`, startedAt: STARTED });
  return reservations;
};

describe('decideReservation', () => {
  it('decides RESERVED when every line is reserved', () => {
    expect(decideReservation(reserved)).toEqual({ status: 'RESERVED' });
  });

  it('names the first unavailable line when lines are out of stock or unknown', () => {
    expect(decideReservation([line('a1', 'RESERVED'), line('b1', 'UNKNOWN_SKU'), line('c1', 'OUT_OF_STOCK')])).toEqual({
      status: 'FAILED',
      failure: { sku: 'b1', reason: 'UNKNOWN_SKU' },
    });
  });

  it('prefers a business reason over a line whose task gave up when both happened', () => {
    expect(decideReservation([line('a1', 'ERROR'), line('b1', 'OUT_OF_STOCK')])).toEqual({
      status: 'FAILED',
      failure: { sku: 'b1', reason: 'OUT_OF_STOCK' },
    });
  });

  it('decides FAILED with reason ERROR when a line errored or was already released', () => {
    expect(decideReservation([line('a1', 'RESERVED'), line('b1', 'ERROR')])).toEqual({ status: 'FAILED', failure: { sku: 'b1', reason: 'ERROR' } });
    expect(decideReservation([line('a1', 'RELEASED')])).toEqual({ status: 'FAILED', failure: { sku: 'a1', reason: 'ERROR' } });
  });
});

describe('linesToRelease', () => {
  it('lists reserved lines and lines whose task gave up, never unavailable or released ones', () => {
    expect(
      linesToRelease([line('a1', 'RESERVED', 2), line('b1', 'ERROR', 3), line('c1', 'OUT_OF_STOCK'), line('d1', 'UNKNOWN_SKU'), line('e1', 'RELEASED')]),
    ).toEqual([
      { sku: 'a1', quantity: 2 },
      { sku: 'b1', quantity: 3 },
    ]);
  });
});

describe('finishReservation', () => {
  it('settles RESERVED and returns the lines to announce when every line is reserved', async () => {
    const reservations = await begun();

    const result = await finishReservation(reservations, { orderId: ORDER_ID, lines: reserved }, NOW);

    expect(result).toEqual({
      outcome: 'RESERVED',
      lines: [
        { sku: 'espresso-beans-1kg', quantity: 2 },
        { sku: 'ceramic-cup', quantity: 1 },
      ],
      failure: null,
      toRelease: [],
      decidedAt: NOW.toISOString(),
    });
    expect(reservations.headers.get(ORDER_ID)?.status).toBe('RESERVED');
  });

  it('settles FAILED and lists the reserved lines for compensation when a line is out of stock', async () => {
    const reservations = await begun();

    const result = await finishReservation(
      reservations,
      { orderId: ORDER_ID, lines: [line('espresso-beans-1kg', 'RESERVED', 2), line('limited-edition-beans', 'OUT_OF_STOCK', 5)] },
      NOW,
    );

    expect(result).toEqual({
      outcome: 'FAILED',
      lines: [],
      failure: { sku: 'limited-edition-beans', reason: 'OUT_OF_STOCK' },
      toRelease: [{ sku: 'espresso-beans-1kg', quantity: 2 }],
      decidedAt: NOW.toISOString(),
    });
    expect(reservations.headers.get(ORDER_ID)).toMatchObject({ status: 'FAILED', failure: { sku: 'limited-edition-beans', reason: 'OUT_OF_STOCK' } });
  });

  it('returns ERROR and lists the errored line for settlement when a line task gave up', async () => {
    const reservations = await begun();

    const result = await finishReservation(reservations, { orderId: ORDER_ID, lines: [line('ceramic-cup', 'ERROR', 2)] }, NOW);

    expect(result).toMatchObject({ outcome: 'ERROR', failure: { sku: 'ceramic-cup', reason: 'ERROR' }, toRelease: [{ sku: 'ceramic-cup', quantity: 2 }] });
  });

  it('reports the first decision and its time when the settlement is retried', async () => {
    const reservations = await begun();
    await finishReservation(reservations, { orderId: ORDER_ID, lines: reserved }, NOW);

    const result = await finishReservation(reservations, { orderId: ORDER_ID, lines: reserved }, LATER);

    expect(result).toMatchObject({ outcome: 'RESERVED', decidedAt: NOW.toISOString() });
  });

  it('reports the stored failure when a second run finds the lines released by the first', async () => {
    const reservations = await begun();
    await finishReservation(reservations, { orderId: ORDER_ID, lines: [line('a1', 'RESERVED'), line('b1', 'OUT_OF_STOCK')] }, NOW);

    const result = await finishReservation(reservations, { orderId: ORDER_ID, lines: [line('a1', 'RELEASED'), line('b1', 'OUT_OF_STOCK')] }, LATER);

    expect(result).toMatchObject({ outcome: 'FAILED', failure: { sku: 'b1', reason: 'OUT_OF_STOCK' }, decidedAt: NOW.toISOString(), toRelease: [] });
  });

  it('does not settle and lists the reserved lines for release when a cancellation arrived meanwhile', async () => {
    const reservations = await begun();
    await reservations.cancel(ORDER_ID, { causationId: `${ORDER_ID}:cancelled`, cancelledAt: '2026-11-25T09:31:03.000Z' });

    const result = await finishReservation(reservations, { orderId: ORDER_ID, lines: reserved }, NOW);

    expect(result).toEqual({
      outcome: 'CANCELLED',
      lines: [],
      failure: { sku: 'espresso-beans-1kg', reason: 'ORDER_CANCELLED' },
      toRelease: [
        { sku: 'espresso-beans-1kg', quantity: 2 },
        { sku: 'ceramic-cup', quantity: 1 },
      ],
      decidedAt: '2026-11-25T09:31:03.000Z',
    });
    expect(reservations.headers.get(ORDER_ID)?.status).toBe('CANCELLED');
  });

  it('lets the cancellation win over a line failure when both happened', async () => {
    const reservations = await begun();
    await reservations.cancel(ORDER_ID, { causationId: `${ORDER_ID}:cancelled`, cancelledAt: '2026-11-25T09:31:03.000Z' });

    const result = await finishReservation(reservations, { orderId: ORDER_ID, lines: [line('a1', 'RESERVED'), line('b1', 'OUT_OF_STOCK')] }, NOW);

    expect(result).toMatchObject({ outcome: 'CANCELLED', failure: { reason: 'ORDER_CANCELLED' }, toRelease: [{ sku: 'a1', quantity: 1 }] });
  });

  it('throws a PermanentError when the order has no reservation', async () => {
    await expect(finishReservation(new InMemoryReservations(), { orderId: ORDER_ID, lines: reserved }, NOW)).rejects.toThrow(
      'has no reservation',
    );
  });
});

describe('outcomeOf', () => {
  it('refuses to guess when the stored reservation contradicts the lines', () => {
    expect(() =>
      outcomeOf({ status: 'FAILED', failure: { sku: 'a1', reason: 'OUT_OF_STOCK' } }, { orderId: ORDER_ID, status: 'RESERVED', reservedAt: STARTED }, [
        line('a1', 'OUT_OF_STOCK'),
      ]),
    ).toThrow(PermanentError);
  });

  it('throws a PermanentError when a settled reservation has no time', () => {
    expect(() => outcomeOf({ status: 'RESERVED' }, { orderId: ORDER_ID, status: 'RESERVED' }, reserved)).toThrow(PermanentError);
  });

  it('throws a PermanentError when a FAILED reservation has no failure', () => {
    expect(() =>
      outcomeOf({ status: 'RESERVED' }, { orderId: ORDER_ID, status: 'FAILED', failedAt: STARTED }, reserved),
    ).toThrow(PermanentError);
  });
});

describe('finishReservationInput', () => {
  it('accepts the Map results with the error name of an errored line and rejects an unknown outcome', () => {
    const parsed = finishReservationInput.parse({ orderId: ORDER_ID, lines: [{ ...line('a1', 'ERROR'), error: 'TransientError' }] });

    expect(parsed.lines).toEqual([line('a1', 'ERROR')]);
    expect(finishReservationInput.safeParse({ orderId: ORDER_ID, lines: [line('a1', 'LOST' as never)] }).success).toBe(false);
  });
});
