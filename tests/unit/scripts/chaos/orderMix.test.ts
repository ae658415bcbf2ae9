import { planOrders, SCENARIO_NAMES } from '../../../../scripts/chaos/orderMix';
import { STOCK_SEED } from '../../../../services/inventory/src/domain/stockSeed';

const outOfStock = { status: 'CANCELLED', reason: 'OUT_OF_STOCK' };

describe('planOrders', () => {
  it('plans the same orders when the seed is the same', () => {
    expect(planOrders({ orders: 50, seed: 9, duplicatePostRate: 0.1 })).toEqual(planOrders({ orders: 50, seed: 9, duplicatePostRate: 0.1 }));
  });

  it('plans other orders when the seed differs', () => {
    expect(planOrders({ orders: 50, seed: 9, duplicatePostRate: 0.1 })).not.toEqual(planOrders({ orders: 50, seed: 10, duplicatePostRate: 0.1 }));
  });

  it('mixes every scenario when the run is large enough', () => {
    const scenarios = new Set(planOrders({ orders: 500, seed: 1, duplicatePostRate: 0 }).map((order) => order.scenario));
    expect([...scenarios].sort()).toEqual([...SCENARIO_NAMES].sort());
  });

  it('never asks for more units of a SKU than stocked when every order might hold its units at once', () => {
    // Arrange
    const orders = planOrders({ orders: 1_000, seed: 2, duplicatePostRate: 0 });

    // Act
    const asked = new Map<string, number>();
    for (const order of orders.filter((candidate) => !candidate.acceptable.some((outcome) => outcome.reason === 'OUT_OF_STOCK'))) {
      for (const { sku, quantity } of order.body.lines) asked.set(sku, (asked.get(sku) ?? 0) + quantity);
    }

    // Assert
    for (const [sku, units] of asked) expect(units).toBeLessThanOrEqual(STOCK_SEED.find((item) => item.sku === sku)?.available ?? 0);
  });

  it('accepts running out of stock when an order wants the limited edition', () => {
    const limited = planOrders({ orders: 300, seed: 3, duplicatePostRate: 0 }).filter((order) => order.scenario === 'limited edition');
    expect(limited.length).toBeGreaterThan(3);
    for (const order of limited) {
      expect(order.body.lines).toContainEqual({ sku: 'limited-edition-beans', quantity: 1 });
      expect(order.acceptable).toEqual([{ status: 'COMPLETED' }, outOfStock]);
    }
  });

  it('accepts running out of stock when the catalogue cannot cover the run', () => {
    const orders = planOrders({ orders: 3_000, seed: 4, duplicatePostRate: 0 });
    const contended = orders.filter((order) => order.scenario === 'success' && order.acceptable.length > 1);
    expect(contended.length).toBeGreaterThan(0);
    for (const order of contended) expect(order.acceptable).toContainEqual(outOfStock);
  });

  it('sends about the configured share of POSTs more than once, never more than three times', () => {
    const orders = planOrders({ orders: 2_000, seed: 5, duplicatePostRate: 0.1 });
    const duplicated = orders.filter((order) => order.posts > 1);
    expect(duplicated.length / orders.length).toBeCloseTo(0.1, 1);
    expect(Math.max(...orders.map((order) => order.posts))).toBeLessThanOrEqual(3);
  });

  it('gives every order its own Idempotency-Key', () => {
    const orders = planOrders({ orders: 200, seed: 6, duplicatePostRate: 0.5 });
    expect(new Set(orders.map((order) => order.idempotencyKey)).size).toBe(200);
  });
});
