import type { StockLine } from '../../../services/inventory/src/domain/reservation';
import { newOrderId, SEEDED, startInventory, type Handlers, type Inventory } from './support/inventoryHarness';

// Each execution validates its packaged definition first (about a second with aws-local-stepfunctions).
jest.setTimeout(60_000);

let inventory: Inventory;

beforeAll(async () => {
  inventory = await startInventory();
});
afterAll(() => inventory.stop());
beforeEach(() => inventory.reset());

const espresso = { sku: 'espresso-beans-1kg', quantity: 2 };
const cup = { sku: 'ceramic-cup', quantity: 1 };
const scarce = { sku: 'limited-edition-beans', quantity: 5 };

const skuOf = (payload: unknown) => (payload as { sku: string }).sku;

describe('reserve and release racing', () => {
  it('takes no stock and publishes StockReservationFailed ORDER_CANCELLED when the cancellation arrived before the reservation', async () => {
    const orderId = newOrderId();
    await inventory.release(orderId).result;

    const run = inventory.reserve(orderId, [espresso, cup]);

    await expect(run.result).resolves.toMatchObject({ outcome: 'CANCELLED' });
    expect(await inventory.available('espresso-beans-1kg')).toBe(SEEDED['espresso-beans-1kg']);
    expect(await inventory.reservations.linesOf(orderId)).toEqual([]);
    expect(run.statesEntered()).not.toContain('ReserveLines');
    expect(inventory.publisher.events.map((event) => [event.detailType, event.detail.data])).toEqual([
      ['StockReservationFailed', { orderId, sku: 'espresso-beans-1kg', reason: 'ORDER_CANCELLED' }],
    ]);
  });

  it('releases its lines at the end and never publishes StockReserved when the cancellation arrives during the reservation', async () => {
    const orderId = newOrderId();
    const reserveLine = inventory.handlers.reserveLine;
    let released: () => void = () => undefined;
    const releaseDone = new Promise<void>((resolve) => (released = resolve));

    // The espresso line is reserved, then the whole release runs; only then is the cup line reserved.
    const run = inventory.reserve(orderId, [espresso, cup], {
      reserveLine: async (payload) => {
        if (skuOf(payload) === 'ceramic-cup') await releaseDone;
        const result = await reserveLine(payload);
        if (skuOf(payload) === 'espresso-beans-1kg') {
          await inventory.release(orderId).result;
          released();
        }
        return result;
      },
    });

    await expect(run.result).resolves.toMatchObject({ outcome: 'CANCELLED' });
    expect(await inventory.available('espresso-beans-1kg')).toBe(SEEDED['espresso-beans-1kg']);
    expect(await inventory.available('ceramic-cup')).toBe(SEEDED['ceramic-cup']);
    expect(inventory.publisher.events.map((event) => [event.detailType, event.detail.data])).toEqual([
      ['StockReleased', { orderId, lines: [espresso] }],
      ['StockReservationFailed', { orderId, sku: 'espresso-beans-1kg', reason: 'ORDER_CANCELLED' }],
    ]);
    expect((await inventory.reservations.linesOf(orderId)).map(({ sku, releasedBy }) => [sku, releasedBy])).toEqual([
      ['ceramic-cup', `reserve-${orderId}`],
      ['espresso-beans-1kg', `release-${orderId}`],
    ]);
  });

  /** Runs `before` or `after` a task of the reservation (its first call only matters: the release runs once). */
  const around =
    (key: keyof Handlers, when: 'before' | 'after') =>
    (handlers: Handlers, releaseNow: () => Promise<void>): Partial<Handlers> => ({
      [key]: async (payload: never) => {
        if (when === 'before') await releaseNow();
        const result = await handlers[key](payload);
        if (when === 'after') await releaseNow();
        return result;
      },
    });

  /** Where, in the reservation, the whole release workflow runs. */
  const points: { when: string; lines: StockLine[]; wrap: ReturnType<typeof around> }[] = [
    { when: 'before the reservation begins', lines: [espresso, cup], wrap: around('beginReservation', 'before') },
    { when: 'right after the reservation began', lines: [espresso, cup], wrap: around('beginReservation', 'after') },
    { when: 'after the first line was reserved', lines: [espresso, cup], wrap: around('reserveLine', 'after') },
    { when: 'before the reservation settles', lines: [espresso, cup], wrap: around('finishReservation', 'before') },
    { when: 'after the reservation settled, before StockReserved is published', lines: [espresso, cup], wrap: around('finishReservation', 'after') },
    { when: 'while a failed reservation gives its lines back', lines: [espresso, cup, scarce], wrap: around('releaseLine', 'before') },
  ];

  it.each(points)('leaves the cancelled order holding no stock when the release runs $when', async ({ lines, wrap }) => {
    const orderId = newOrderId();
    let release: Promise<unknown> | undefined;
    const releaseNow = async () => {
      release ??= inventory.release(orderId).result;
      await release;
    };

    await inventory.reserve(orderId, lines, wrap(inventory.handlers, releaseNow)).result;
    await releaseNow();

    await expectNothingHeld(orderId, lines);
  });

  it('leaves the cancelled order holding no stock when the release runs after the reservation completed', async () => {
    const orderId = newOrderId();
    await inventory.reserve(orderId, [espresso, cup]).result;

    await inventory.release(orderId).result;

    await expectNothingHeld(orderId, [espresso, cup]);
  });

  it('leaves the cancelled order holding no stock when reservation and release start together', async () => {
    const orderId = newOrderId();

    await Promise.all([inventory.reserve(orderId, [espresso, cup, scarce]).result, inventory.release(orderId).result]);

    await expectNothingHeld(orderId, [espresso, cup, scarce]);
  });
});

/**
 * The cancelled-order invariant: every count is back to the seed, no line still holds units or is half
 * released, no operation is left in flight, and whatever was announced as reserved was announced released.
 */
const expectNothingHeld = async (orderId: string, lines: StockLine[]) => {
  for (const { sku } of lines) {
    expect({ sku, available: await inventory.available(sku), inFlight: await inventory.inFlight(sku) }).toEqual({
      sku,
      available: SEEDED[sku],
      inFlight: [],
    });
  }
  const stored = await inventory.reservations.linesOf(orderId);
  expect(stored.filter(({ status }) => status !== 'RELEASED' && status !== 'FAILED')).toEqual([]);
  expect(await inventory.reservation(orderId)).toMatchObject({ status: 'CANCELLED' });

  const types = inventory.publisher.events.map((event) => event.detailType);
  expect(types.filter((type) => type === 'StockReserved' || type === 'StockReservationFailed')).toHaveLength(1);
  if (types.includes('StockReserved')) {
    const releasedLines = inventory.publisher.ofType('StockReleased').flatMap((event) => (event.detail.data as { lines: StockLine[] }).lines);
    expect(releasedLines).toEqual(expect.arrayContaining(lines));
  }
};
