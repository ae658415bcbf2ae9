import { TransientError } from '#shared/errors';
import { nextReleaseStep, releaseLine, releaseLineInput } from '../../../../../services/inventory/src/domain/releaseLine';
import type { ReservationLine } from '../../../../../services/inventory/src/domain/reservation';
import { releaseOperation, reserveOperation } from '../../../../../services/inventory/src/domain/stock';
import { InMemoryReservations } from '../support/inMemoryReservations';
import { InMemoryStock } from '../support/inMemoryStock';

const ORDER_ID = 'ord_7Hq2Kx9mPz4Lw8Rt';
const RELEASE = `release-${ORDER_ID}`;
const RESERVE = `reserve-${ORDER_ID}`;
const NOW = new Date('2026-11-25T09:45:00.000Z');
const LATER = new Date('2026-11-25T09:50:00.000Z');
const price = { amount: 900, currency: 'EUR' };

const input = (overrides: Partial<{ releasedBy: string; settlePending: boolean }> = {}) => ({
  orderId: ORDER_ID,
  sku: 'ceramic-cup',
  quantity: 3,
  releasedBy: RELEASE,
  settlePending: false,
  ...overrides,
});

/** Stock 10, of which the order's line took 3 (left PENDING with its tag, or RESERVED). */
const setup = async (status: 'PENDING' | 'RESERVED' | 'FAILED' | 'none' = 'RESERVED') => {
  const stock = new InMemoryStock([{ sku: 'ceramic-cup', name: 'Ceramic cup', unitPrice: price, available: 10 }]);
  const reservations = new InMemoryReservations();
  if (status !== 'none') {
    await reservations.createLine({ orderId: ORDER_ID, sku: 'ceramic-cup', quantity: 3 });
    if (status === 'FAILED') await reservations.moveLine(ORDER_ID, 'ceramic-cup', { to: 'FAILED', reason: 'OUT_OF_STOCK' });
    else {
      await stock.take('ceramic-cup', 3, reserveOperation(ORDER_ID));
      if (status === 'RESERVED') {
        await reservations.moveLine(ORDER_ID, 'ceramic-cup', { to: 'RESERVED' });
        await stock.forget('ceramic-cup', reserveOperation(ORDER_ID));
      }
    }
  }
  return { stock, reservations, ports: { stock, reservations } };
};

describe('releaseLine', () => {
  it('gives the units back, marks the line RELEASED and forgets the tag when the line is RESERVED', async () => {
    const { stock, reservations, ports } = await setup('RESERVED');

    const result = await releaseLine(ports, input(), NOW);

    expect(result).toEqual({ sku: 'ceramic-cup', quantity: 3, released: true, releasedAt: NOW.toISOString() });
    expect(stock.available('ceramic-cup')).toBe(10);
    expect(stock.pending('ceramic-cup')).toEqual([]);
    expect(reservations.line(ORDER_ID, 'ceramic-cup')).toMatchObject({
      status: 'RELEASED',
      releasedBy: RELEASE,
      releasedFrom: 'RESERVED',
      stockReturned: true,
    });
  });

  it('reports the same release without giving back again when it is retried after completing', async () => {
    const { stock, ports } = await setup('RESERVED');
    await releaseLine(ports, input(), NOW);

    const result = await releaseLine(ports, input(), LATER);

    expect(result).toEqual({ sku: 'ceramic-cup', quantity: 3, released: true, releasedAt: NOW.toISOString() });
    expect(stock.available('ceramic-cup')).toBe(10);
  });

  it('gives back once when retried after the units went back but the line was not yet marked', async () => {
    const { stock, reservations, ports } = await setup('RESERVED');
    const moveLine = jest.spyOn(reservations, 'moveLine').mockImplementation(async (orderId, sku, move) => {
      if (move.to === 'RELEASED') throw new Error('connection reset');
      return InMemoryReservations.prototype.moveLine.call(reservations, orderId, sku, move);
    });
    await expect(releaseLine(ports, input(), NOW)).rejects.toThrow('connection reset');
    expect(stock.available('ceramic-cup')).toBe(10);
    expect(stock.pending('ceramic-cup')).toEqual([releaseOperation(ORDER_ID)]);
    moveLine.mockRestore();

    const result = await releaseLine(ports, input(), LATER);

    expect(result.released).toBe(true);
    expect(stock.available('ceramic-cup')).toBe(10);
    expect(stock.pending('ceramic-cup')).toEqual([]);
  });

  it('leaves the line to the releaser that claimed it first when two workflows release the same order', async () => {
    const { stock, ports } = await setup('RESERVED');

    const [first, second] = await Promise.all([releaseLine(ports, input(), NOW), releaseLine(ports, input({ releasedBy: RESERVE }), NOW)]);

    expect([first.released, second.released].sort()).toEqual([false, true]);
    expect(stock.available('ceramic-cup')).toBe(10);
  });

  it('skips a line another releaser has claimed but not finished', async () => {
    const { stock, reservations, ports } = await setup('RESERVED');
    await reservations.moveLine(ORDER_ID, 'ceramic-cup', { to: 'RELEASING', from: 'RESERVED', releasedBy: RESERVE });

    const result = await releaseLine(ports, input(), NOW);

    expect(result).toEqual({ sku: 'ceramic-cup', quantity: 3, released: false, releasedAt: null });
    expect(stock.available('ceramic-cup')).toBe(7);
  });

  it('leaves a PENDING line to the reservation still running when it may not settle pending lines', async () => {
    const { stock, reservations, ports } = await setup('PENDING');

    const result = await releaseLine(ports, input(), NOW);

    expect(result.released).toBe(false);
    expect(stock.available('ceramic-cup')).toBe(7);
    expect(reservations.line(ORDER_ID, 'ceramic-cup')?.status).toBe('PENDING');
  });

  it('undoes the take of a PENDING line when it settles pending lines and the take happened', async () => {
    const { stock, reservations, ports } = await setup('PENDING');

    const result = await releaseLine(ports, input({ releasedBy: RESERVE, settlePending: true }), NOW);

    expect(result).toEqual({ sku: 'ceramic-cup', quantity: 3, released: true, releasedAt: NOW.toISOString() });
    expect(stock.available('ceramic-cup')).toBe(10);
    expect(stock.pending('ceramic-cup')).toEqual([]);
    expect(reservations.line(ORDER_ID, 'ceramic-cup')).toMatchObject({ status: 'RELEASED', releasedFrom: 'PENDING', stockReturned: true });
  });

  it('settles a PENDING line without touching stock when its take never happened', async () => {
    const { stock, reservations, ports } = await setup('none');
    await reservations.createLine({ orderId: ORDER_ID, sku: 'ceramic-cup', quantity: 3 });

    const result = await releaseLine(ports, input({ releasedBy: RESERVE, settlePending: true }), NOW);

    expect(result.released).toBe(false);
    expect(stock.available('ceramic-cup')).toBe(10);
    expect(reservations.line(ORDER_ID, 'ceramic-cup')?.status).toBe('RELEASED');
  });

  it('releases nothing when the line failed or does not exist', async () => {
    const failed = await setup('FAILED');
    const none = await setup('none');

    await expect(releaseLine(failed.ports, input({ settlePending: true }), NOW)).resolves.toMatchObject({ released: false });
    await expect(releaseLine(none.ports, input({ settlePending: true }), NOW)).resolves.toMatchObject({ released: false });
    expect(failed.stock.available('ceramic-cup')).toBe(10);
    expect(none.stock.available('ceramic-cup')).toBe(10);
  });

  it('throws a TransientError when the line keeps changing under it', async () => {
    const { reservations, ports } = await setup('RESERVED');
    jest.spyOn(reservations, 'moveLine').mockResolvedValue(false);

    await expect(releaseLine(ports, input(), NOW)).rejects.toThrow(TransientError);
  });
});

describe('nextReleaseStep', () => {
  const line = (status: ReservationLine['status'], extra: Partial<ReservationLine> = {}): ReservationLine => ({
    orderId: ORDER_ID,
    sku: 'ceramic-cup',
    quantity: 3,
    status,
    ...extra,
  });
  const me = { releasedBy: RELEASE, settlePending: false };

  it('claims a RESERVED line and skips a missing or FAILED one', () => {
    expect(nextReleaseStep(line('RESERVED'), me)).toEqual({ kind: 'claim', from: 'RESERVED' });
    expect(nextReleaseStep(undefined, me)).toEqual({ kind: 'skip' });
    expect(nextReleaseStep(line('FAILED'), me)).toEqual({ kind: 'skip' });
  });

  it('claims a PENDING line only when it may settle pending lines', () => {
    expect(nextReleaseStep(line('PENDING'), me)).toEqual({ kind: 'skip' });
    expect(nextReleaseStep(line('PENDING'), { ...me, settlePending: true })).toEqual({ kind: 'claim', from: 'PENDING' });
  });

  it('gives back a line it claimed and skips one another releaser claimed', () => {
    expect(nextReleaseStep(line('RELEASING', { releasedBy: RELEASE, releasedFrom: 'RESERVED' }), me)).toEqual({
      kind: 'giveBack',
      from: 'RESERVED',
      quantity: 3,
    });
    expect(nextReleaseStep(line('RELEASING', { releasedBy: RESERVE, releasedFrom: 'RESERVED' }), me)).toEqual({ kind: 'skip' });
  });

  it('reports a line it released and skips one another releaser released', () => {
    const released = { releasedFrom: 'RESERVED' as const, releasedAt: NOW.toISOString(), stockReturned: true };

    expect(nextReleaseStep(line('RELEASED', { ...released, releasedBy: RELEASE }), me)).toEqual({
      kind: 'done',
      from: 'RESERVED',
      released: true,
      releasedAt: NOW.toISOString(),
    });
    expect(nextReleaseStep(line('RELEASED', { ...released, releasedBy: RESERVE }), me)).toEqual({ kind: 'skip' });
  });

  it('throws when a claimed line does not say what it was released from', () => {
    expect(() => nextReleaseStep(line('RELEASING', { releasedBy: RELEASE }), me)).toThrow('without releasedFrom');
  });
});

describe('releaseLineInput', () => {
  it('requires the releaser and whether pending lines may be settled', () => {
    expect(releaseLineInput.safeParse({ orderId: ORDER_ID, sku: 'ceramic-cup', quantity: 1 }).success).toBe(false);
    expect(releaseLineInput.safeParse(input()).success).toBe(true);
  });
});
