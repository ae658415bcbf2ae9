import { reserveLine, reserveLineInput, settledOutcome } from '../../../../../services/inventory/src/domain/reserveLine';
import { reserveOperation } from '../../../../../services/inventory/src/domain/stock';
import { InMemoryReservations } from '../support/inMemoryReservations';
import { InMemoryStock } from '../support/inMemoryStock';

const ORDER_ID = 'ord_7Hq2Kx9mPz4Lw8Rt';
const TAG = reserveOperation(ORDER_ID);
const price = { amount: 900, currency: 'EUR' };

const setup = (available = 10) => {
  const stock = new InMemoryStock([{ sku: 'ceramic-cup', name: 'Ceramic cup', unitPrice: price, available }]);
  const reservations = new InMemoryReservations();
  return { stock, reservations, ports: { stock, reservations } };
};

describe('reserveLine', () => {
  it('takes the units, marks the line RESERVED and forgets the tag when enough are available', async () => {
    const { stock, reservations, ports } = setup(10);

    const result = await reserveLine(ports, { orderId: ORDER_ID, sku: 'ceramic-cup', quantity: 3 });

    expect(result).toEqual({ sku: 'ceramic-cup', quantity: 3, outcome: 'RESERVED' });
    expect(stock.available('ceramic-cup')).toBe(7);
    expect(stock.pending('ceramic-cup')).toEqual([]);
    expect(reservations.line(ORDER_ID, 'ceramic-cup')?.status).toBe('RESERVED');
  });

  it('reserves the last units and leaves zero when exactly the quantity is available', async () => {
    const { stock, ports } = setup(3);

    const result = await reserveLine(ports, { orderId: ORDER_ID, sku: 'ceramic-cup', quantity: 3 });

    expect(result.outcome).toBe('RESERVED');
    expect(stock.available('ceramic-cup')).toBe(0);
  });

  it('returns OUT_OF_STOCK, takes nothing and marks the line FAILED when fewer units are available', async () => {
    const { stock, reservations, ports } = setup(2);

    const result = await reserveLine(ports, { orderId: ORDER_ID, sku: 'ceramic-cup', quantity: 3 });

    expect(result).toEqual({ sku: 'ceramic-cup', quantity: 3, outcome: 'OUT_OF_STOCK' });
    expect(stock.available('ceramic-cup')).toBe(2);
    expect(reservations.line(ORDER_ID, 'ceramic-cup')).toMatchObject({ status: 'FAILED', reason: 'OUT_OF_STOCK' });
  });

  it('returns UNKNOWN_SKU and marks the line FAILED when the SKU is not stocked', async () => {
    const { reservations, ports } = setup();

    const result = await reserveLine(ports, { orderId: ORDER_ID, sku: 'no-such-thing', quantity: 1 });

    expect(result.outcome).toBe('UNKNOWN_SKU');
    expect(reservations.line(ORDER_ID, 'no-such-thing')).toMatchObject({ status: 'FAILED', reason: 'UNKNOWN_SKU' });
  });

  it('takes nothing more when retried after the take applied but its answer was lost', async () => {
    const { stock, reservations, ports } = setup(10);
    const take = stock.take.bind(stock);
    jest.spyOn(stock, 'take').mockImplementationOnce(async (...args) => {
      await take(...args);
      throw new Error('socket hang up');
    });
    await expect(reserveLine(ports, { orderId: ORDER_ID, sku: 'ceramic-cup', quantity: 3 })).rejects.toThrow('socket hang up');
    expect(reservations.line(ORDER_ID, 'ceramic-cup')?.status).toBe('PENDING');

    const result = await reserveLine(ports, { orderId: ORDER_ID, sku: 'ceramic-cup', quantity: 3 });

    expect(result.outcome).toBe('RESERVED');
    expect(stock.available('ceramic-cup')).toBe(7);
    expect(stock.pending('ceramic-cup')).toEqual([]);
  });

  it('forgets the tag and takes nothing when retried after the line was marked but the tag was not forgotten', async () => {
    const { stock, ports } = setup(10);
    jest.spyOn(stock, 'forget').mockRejectedValueOnce(new Error('throttled'));
    await expect(reserveLine(ports, { orderId: ORDER_ID, sku: 'ceramic-cup', quantity: 3 })).rejects.toThrow('throttled');
    expect(stock.pending('ceramic-cup')).toEqual([TAG]);

    const result = await reserveLine(ports, { orderId: ORDER_ID, sku: 'ceramic-cup', quantity: 3 });

    expect(result.outcome).toBe('RESERVED');
    expect(stock.available('ceramic-cup')).toBe(7);
    expect(stock.pending('ceramic-cup')).toEqual([]);
  });

  it('reports the recorded reason without touching stock when the line already FAILED', async () => {
    const { stock, ports } = setup(2);
    await reserveLine(ports, { orderId: ORDER_ID, sku: 'ceramic-cup', quantity: 3 });
    stock.restock('ceramic-cup', 50);

    const result = await reserveLine(ports, { orderId: ORDER_ID, sku: 'ceramic-cup', quantity: 3 });

    expect(result.outcome).toBe('OUT_OF_STOCK');
    expect(stock.available('ceramic-cup')).toBe(50);
  });

  it('does not reserve again when the line was already released', async () => {
    const { stock, reservations, ports } = setup(10);
    await reservations.createLine({ orderId: ORDER_ID, sku: 'ceramic-cup', quantity: 3 });
    await reservations.moveLine(ORDER_ID, 'ceramic-cup', { to: 'RELEASING', from: 'PENDING', releasedBy: `reserve-${ORDER_ID}` });

    const result = await reserveLine(ports, { orderId: ORDER_ID, sku: 'ceramic-cup', quantity: 3 });

    expect(result.outcome).toBe('RELEASED');
    expect(stock.available('ceramic-cup')).toBe(10);
  });

  it('gives its units back and reports RELEASED when a compensation settled the line while it was taking them', async () => {
    const { stock, reservations, ports } = setup(10);
    const take = stock.take.bind(stock);
    jest.spyOn(stock, 'take').mockImplementationOnce(async (...args) => {
      // The compensation claims the still-PENDING line (nothing taken yet) before the take lands.
      await reservations.moveLine(ORDER_ID, 'ceramic-cup', { to: 'RELEASING', from: 'PENDING', releasedBy: `reserve-${ORDER_ID}` });
      return take(...args);
    });

    const result = await reserveLine(ports, { orderId: ORDER_ID, sku: 'ceramic-cup', quantity: 3 });

    expect(result.outcome).toBe('RELEASED');
    expect(stock.available('ceramic-cup')).toBe(10);
    expect(stock.pending('ceramic-cup')).toEqual([]);
  });

  it('keeps the reservation and forgets the tag when the line turned out RESERVED after its own mark lost', async () => {
    const { stock, reservations, ports } = setup(10);
    jest.spyOn(reservations, 'moveLine').mockImplementationOnce(async (orderId, sku) => {
      // The mark landed and its reply was lost: the SDK's retry met the condition the first try made false.
      await InMemoryReservations.prototype.moveLine.call(reservations, orderId, sku, { to: 'RESERVED' });
      return false;
    });

    const result = await reserveLine(ports, { orderId: ORDER_ID, sku: 'ceramic-cup', quantity: 3 });

    expect(result.outcome).toBe('RESERVED');
    expect(stock.available('ceramic-cup')).toBe(7);
    expect(stock.pending('ceramic-cup')).toEqual([]);
  });

  it('never takes the count below zero when two orders compete for the last units', async () => {
    const { stock, ports } = setup(3);

    const results = await Promise.all([
      reserveLine(ports, { orderId: 'ord_AAAAAAAAAAAAAAAA', sku: 'ceramic-cup', quantity: 2 }),
      reserveLine(ports, { orderId: 'ord_BBBBBBBBBBBBBBBB', sku: 'ceramic-cup', quantity: 2 }),
    ]);

    expect(results.map((result) => result.outcome).sort()).toEqual(['OUT_OF_STOCK', 'RESERVED']);
    expect(stock.available('ceramic-cup')).toBe(1);
  });
});

describe('settledOutcome', () => {
  const line = { orderId: ORDER_ID, sku: 'ceramic-cup', quantity: 1 };

  it('maps each line status to the outcome a retry reports', () => {
    expect(settledOutcome({ ...line, status: 'PENDING' })).toBe('PENDING');
    expect(settledOutcome({ ...line, status: 'RESERVED' })).toBe('RESERVED');
    expect(settledOutcome({ ...line, status: 'FAILED', reason: 'UNKNOWN_SKU' })).toBe('UNKNOWN_SKU');
    expect(settledOutcome({ ...line, status: 'RELEASING' })).toBe('RELEASED');
    expect(settledOutcome({ ...line, status: 'RELEASED' })).toBe('RELEASED');
  });
});

describe('reserveLineInput', () => {
  it('rejects an invalid order id, SKU or quantity', () => {
    expect(reserveLineInput.safeParse({ orderId: 'nope', sku: 'ceramic-cup', quantity: 1 }).success).toBe(false);
    expect(reserveLineInput.safeParse({ orderId: ORDER_ID, sku: 'Ceramic Cup', quantity: 1 }).success).toBe(false);
    expect(reserveLineInput.safeParse({ orderId: ORDER_ID, sku: 'ceramic-cup', quantity: 1.5 }).success).toBe(false);
  });
});
