import { PermanentError, PublishError, TransientError } from '#shared/errors';
import { reserveOperation } from '../../../services/inventory/src/domain/stock';
import type { TaskHandler } from '../../support/workflows';
import { newOrderId, SEEDED, seeded, startInventory, type Inventory } from './support/inventoryHarness';

// Each execution validates its packaged definition first (about a second with aws-local-stepfunctions).
jest.setTimeout(30_000);

let inventory: Inventory;

beforeAll(async () => {
  inventory = await startInventory();
});
afterAll(() => inventory.stop());
beforeEach(() => inventory.reset());

const espresso = { sku: 'espresso-beans-1kg', quantity: 2 };
const cup = { sku: 'ceramic-cup', quantity: 1 };

/** Fails the first `times` calls with `error`, then behaves as `handler`. */
const failingFirst = (handler: TaskHandler, error: () => Error, times = 1): TaskHandler => {
  let failures = times;
  return (payload) => {
    if (failures > 0) {
      failures--;
      return Promise.reject(error());
    }
    return handler(payload);
  };
};

describe('reserve workflow', () => {
  it('reserves every line and publishes StockReserved when all lines are in stock', async () => {
    const orderId = newOrderId();

    const run = inventory.reserve(orderId, [espresso, cup]);

    await expect(run.result).resolves.toMatchObject({ outcome: 'RESERVED', lines: [espresso, cup] });
    expect(await inventory.available('espresso-beans-1kg')).toBe(seeded('espresso-beans-1kg') - 2);
    expect(await inventory.available('ceramic-cup')).toBe(seeded('ceramic-cup') - 1);
    expect(inventory.publisher.events.map((event) => [event.detailType, event.detail.data])).toEqual([
      ['StockReserved', { orderId, lines: [espresso, cup] }],
    ]);
    expect(inventory.publisher.events[0]?.detail.metadata).toMatchObject({
      'idempotency-key': `${orderId}:stock-reserved`,
      'correlation-id': orderId,
      'causation-id': `${orderId}:placed`,
    });
    expect((await inventory.reservations.linesOf(orderId)).map(({ status }) => status)).toEqual(['RESERVED', 'RESERVED']);
    expect(run.statesEntered()).not.toContain('ReleaseTakenStock');
  });

  it('releases the first line, restores its stock and publishes StockReservationFailed when the second line is out of stock', async () => {
    const orderId = newOrderId();

    const run = inventory.reserve(orderId, [espresso, { sku: 'limited-edition-beans', quantity: 5 }]);

    await expect(run.result).resolves.toMatchObject({ outcome: 'FAILED' });
    expect(await inventory.available('espresso-beans-1kg')).toBe(SEEDED['espresso-beans-1kg']);
    expect(await inventory.available('limited-edition-beans')).toBe(3);
    expect(inventory.publisher.events.map((event) => [event.detailType, event.detail.data])).toEqual([
      ['StockReservationFailed', { orderId, sku: 'limited-edition-beans', reason: 'OUT_OF_STOCK' }],
    ]);
    expect(await inventory.reservations.getLine(orderId, 'espresso-beans-1kg')).toMatchObject({ status: 'RELEASED', stockReturned: true });
    expect(run.statesEntered()).toContain('ReleaseTakenStock');
  });

  it('publishes StockReservationFailed with OUT_OF_STOCK when a SKU is sold out', async () => {
    const orderId = newOrderId();

    await inventory.reserve(orderId, [{ sku: 'seasonal-gift-box', quantity: 1 }]).result;

    expect(inventory.publisher.events.map((event) => event.detail.data)).toEqual([{ orderId, sku: 'seasonal-gift-box', reason: 'OUT_OF_STOCK' }]);
  });

  it('publishes StockReservationFailed with UNKNOWN_SKU and gives back the other line when a SKU is not stocked', async () => {
    const orderId = newOrderId();

    await expect(inventory.reserve(orderId, [cup, { sku: 'no-such-thing', quantity: 1 }]).result).resolves.toMatchObject({ outcome: 'FAILED' });

    expect(await inventory.available('ceramic-cup')).toBe(SEEDED['ceramic-cup']);
    expect(await inventory.stock.get('no-such-thing')).toBeUndefined();
    expect(inventory.publisher.events.map((event) => event.detail.data)).toEqual([{ orderId, sku: 'no-such-thing', reason: 'UNKNOWN_SKU' }]);
  });

  it('reserves a SKU listed twice as one line of the summed quantity', async () => {
    const orderId = newOrderId();

    await inventory.reserve(orderId, [cup, espresso, { sku: 'ceramic-cup', quantity: 2 }]).result;

    expect(await inventory.available('ceramic-cup')).toBe(seeded('ceramic-cup') - 3);
    expect(inventory.publisher.events[0]?.detail.data).toEqual({ orderId, lines: [{ sku: 'ceramic-cup', quantity: 3 }, espresso] });
  });

  it('takes the stock once and republishes the identical StockReserved when the same reservation runs twice', async () => {
    const orderId = newOrderId();
    await inventory.reserve(orderId, [espresso, cup]).result;

    await expect(inventory.reserve(orderId, [espresso, cup]).result).resolves.toMatchObject({ outcome: 'RESERVED' });

    expect(await inventory.available('espresso-beans-1kg')).toBe(seeded('espresso-beans-1kg') - 2);
    expect(await inventory.available('ceramic-cup')).toBe(seeded('ceramic-cup') - 1);
    const [first, second] = inventory.publisher.events;
    expect(inventory.publisher.events).toHaveLength(2);
    expect(second).toEqual(first);
  });

  it('republishes the same failure and takes nothing when a failed reservation runs again', async () => {
    const orderId = newOrderId();
    const lines = [espresso, { sku: 'limited-edition-beans', quantity: 5 }];
    await inventory.reserve(orderId, lines).result;

    await expect(inventory.reserve(orderId, lines).result).resolves.toMatchObject({ outcome: 'FAILED' });

    expect(await inventory.available('espresso-beans-1kg')).toBe(SEEDED['espresso-beans-1kg']);
    const [first, second] = inventory.publisher.events;
    expect(second).toEqual(first);
  });

  it('retries a line whose task failed transiently and reserves it once', async () => {
    const orderId = newOrderId();

    const run = inventory.reserve(orderId, [espresso], {
      reserveLine: failingFirst(inventory.handlers.reserveLine, () => new TransientError('DynamoDB throttled')),
    });

    await expect(run.result).resolves.toMatchObject({ outcome: 'RESERVED' });
    expect(run.events.filter((event) => event.type === 'StateRetried').map((event) => event.stateName)).toEqual(['ReserveLine']);
    expect(await inventory.available('espresso-beans-1kg')).toBe(seeded('espresso-beans-1kg') - 2);
  });

  it('takes the stock once when the take applied but its answer was lost and the task was retried', async () => {
    const orderId = newOrderId();
    const take = inventory.stock.take.bind(inventory.stock);
    const takeSpy = jest.spyOn(inventory.stock, 'take').mockImplementationOnce(async (...args) => {
      await take(...args);
      throw new TransientError('socket hang up after the write');
    });

    const run = inventory.reserve(orderId, [espresso]);

    await expect(run.result).resolves.toMatchObject({ outcome: 'RESERVED' });
    takeSpy.mockRestore();
    expect(await inventory.available('espresso-beans-1kg')).toBe(seeded('espresso-beans-1kg') - 2);
    expect(await inventory.stock.get('espresso-beans-1kg')).toBeDefined();
  });

  it('retries the publish step when EventBridge refuses the event and publishes it once', async () => {
    const orderId = newOrderId();
    inventory.publisher.failures.push(new PublishError('refused', [{ detailType: 'StockReserved', errorCode: 'ThrottlingException' }]));

    const run = inventory.reserve(orderId, [cup]);

    await expect(run.result).resolves.toMatchObject({ outcome: 'RESERVED' });
    expect(inventory.publisher.ofType('StockReserved')).toHaveLength(1);
    expect(run.events.filter((event) => event.type === 'StateRetried').map((event) => event.stateName)).toEqual(['PublishStockReserved']);
  });

  it('gives back what was taken and fails without publishing when a line task keeps failing', async () => {
    const orderId = newOrderId();
    const reserve = inventory.handlers.reserveLine;

    const run = inventory.reserve(orderId, [espresso, cup], {
      reserveLine: (payload) =>
        (payload as { sku: string }).sku === 'ceramic-cup' ? Promise.reject(new PermanentError('corrupt stock item')) : reserve(payload),
    });

    await expect(run.result).rejects.toMatchObject({ name: 'StockReservationError' });
    expect(await inventory.available('espresso-beans-1kg')).toBe(SEEDED['espresso-beans-1kg']);
    expect(await inventory.available('ceramic-cup')).toBe(SEEDED['ceramic-cup']);
    expect(inventory.publisher.events).toEqual([]);
    expect(run.statesEntered()).toEqual(expect.arrayContaining(['LineErrored', 'ReleaseTakenStock', 'ReservationErrored']));
  });

  it('undoes a take its line never recorded when the task gave up after taking the units', async () => {
    const orderId = newOrderId();

    // Every attempt takes the units and dies before marking the line: it stays PENDING, its tag on the stock.
    const run = inventory.reserve(orderId, [espresso], {
      reserveLine: async () => {
        await inventory.reservations.createLine({ orderId, sku: 'espresso-beans-1kg', quantity: 2 });
        await inventory.stock.take('espresso-beans-1kg', 2, reserveOperation(orderId));
        throw new PermanentError('crashed before marking the line');
      },
    });

    await expect(run.result).rejects.toMatchObject({ name: 'StockReservationError' });
    expect(await inventory.available('espresso-beans-1kg')).toBe(SEEDED['espresso-beans-1kg']);
    expect(await inventory.reservations.getLine(orderId, 'espresso-beans-1kg')).toMatchObject({
      status: 'RELEASED',
      releasedFrom: 'PENDING',
      stockReturned: true,
    });
  });
});
