import { TransientError } from '#shared/errors';
import { newOrderId, SEEDED, startInventory, type Inventory } from './support/inventoryHarness';

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

describe('release workflow', () => {
  it('gives every reserved line back and publishes StockReleased when the order is cancelled after its reservation', async () => {
    const orderId = newOrderId();
    await inventory.reserve(orderId, [espresso, cup]).result;

    const run = inventory.release(orderId);

    await expect(run.result).resolves.toMatchObject({ publication: { published: ['StockReleased'] } });
    expect(await inventory.available('espresso-beans-1kg')).toBe(SEEDED['espresso-beans-1kg']);
    expect(await inventory.available('ceramic-cup')).toBe(SEEDED['ceramic-cup']);
    const [released] = inventory.publisher.ofType('StockReleased');
    // Lines come back in key order (by SKU), not in the order's line order.
    expect(released?.detail.data).toEqual({ orderId, lines: [cup, espresso] });
    expect(released?.detail.metadata).toMatchObject({ 'idempotency-key': `${orderId}:stock-released`, 'causation-id': `${orderId}:cancelled` });
    expect((await inventory.reservations.linesOf(orderId)).map(({ status, releasedBy }) => [status, releasedBy])).toEqual([
      ['RELEASED', `release-${orderId}`],
      ['RELEASED', `release-${orderId}`],
    ]);
  });

  it('leaves a tombstone and publishes nothing when the order was never reserved', async () => {
    const orderId = newOrderId();

    await expect(inventory.release(orderId).result).resolves.toMatchObject({ publication: { published: [] } });

    expect(inventory.publisher.events).toEqual([]);
    await expect(inventory.reservations.begin({ orderId, lines: [cup], causationId: 'c', startedAt: '2026-11-25T09:31:00.000Z' })).resolves.toMatchObject({
      status: 'CANCELLED',
    });
  });

  it('publishes nothing when the reservation had failed and already given its lines back', async () => {
    const orderId = newOrderId();
    await inventory.reserve(orderId, [espresso, { sku: 'limited-edition-beans', quantity: 5 }]).result;
    inventory.publisher.events.length = 0;

    await inventory.release(orderId).result;

    expect(inventory.publisher.events).toEqual([]);
    expect(await inventory.available('espresso-beans-1kg')).toBe(SEEDED['espresso-beans-1kg']);
  });

  it('gives back once and republishes the identical StockReleased when the release runs twice', async () => {
    const orderId = newOrderId();
    await inventory.reserve(orderId, [espresso, cup]).result;
    await inventory.release(orderId).result;

    await inventory.release(orderId).result;

    expect(await inventory.available('espresso-beans-1kg')).toBe(SEEDED['espresso-beans-1kg']);
    const [first, second, ...rest] = inventory.publisher.ofType('StockReleased');
    expect(rest).toEqual([]);
    expect(second).toEqual(first);
  });

  it('gives back once when the put-back applied but its answer was lost and the task was retried', async () => {
    const orderId = newOrderId();
    await inventory.reserve(orderId, [espresso]).result;
    const putBack = inventory.stock.putBack.bind(inventory.stock);
    const spy = jest.spyOn(inventory.stock, 'putBack').mockImplementationOnce(async (...args) => {
      await putBack(...args);
      throw new TransientError('socket hang up after the write');
    });

    const run = inventory.release(orderId);

    await expect(run.result).resolves.toMatchObject({ publication: { published: ['StockReleased'] } });
    spy.mockRestore();
    expect(run.events.filter((event) => event.type === 'StateRetried').map((event) => event.stateName)).toEqual(['ReleaseLine']);
    expect(await inventory.available('espresso-beans-1kg')).toBe(SEEDED['espresso-beans-1kg']);
  });
});
