import { skuSchema } from '#shared/contracts';
import { seedStock, seedStockInput, STOCK_SEED } from '../../../../../services/inventory/src/domain/stockSeed';
import { InMemoryStock } from '../support/inMemoryStock';

describe('STOCK_SEED', () => {
  it('lists each SKU once with a valid slug and a whole, non-negative count', () => {
    const skus = STOCK_SEED.map(({ sku }) => sku);

    expect(new Set(skus).size).toBe(skus.length);
    for (const item of STOCK_SEED) {
      expect(skuSchema.safeParse(item.sku).success).toBe(true);
      expect(Number.isInteger(item.available) && item.available >= 0).toBe(true);
      expect(Number.isInteger(item.unitPrice.amount) && item.unitPrice.amount > 0).toBe(true);
    }
  });

  it('stocks the catalogue sample SKUs, a SKU that runs out after three units and one that is sold out', () => {
    const available = Object.fromEntries(STOCK_SEED.map(({ sku, available }) => [sku, available]));

    expect(available['espresso-beans-1kg']).toBeGreaterThan(10);
    expect(available['ceramic-cup']).toBeGreaterThan(10);
    expect(available['limited-edition-beans']).toBe(3);
    expect(Object.values(available)).toContain(0);
  });
});

describe('seedStockInput', () => {
  it('defaults to missing-only when no mode is given', () => {
    expect(seedStockInput.parse({})).toEqual({ mode: 'missing-only' });
  });

  it('rejects an unknown mode or field', () => {
    expect(seedStockInput.safeParse({ mode: 'truncate' }).success).toBe(false);
    expect(seedStockInput.safeParse({ mode: 'overwrite', extra: true }).success).toBe(false);
  });
});

describe('seedStock', () => {
  const espresso = { sku: 'espresso-beans-1kg', name: 'Espresso beans, 1 kg', unitPrice: { amount: 2450, currency: 'EUR' }, available: 7 };
  const seeded = STOCK_SEED.find(({ sku }) => sku === espresso.sku)?.available;

  it('writes every seed SKU when the table is empty', async () => {
    const stock = new InMemoryStock();

    const result = await seedStock(stock, 'missing-only');

    expect(result).toEqual({ mode: 'missing-only', written: STOCK_SEED.map(({ sku }) => sku), kept: [] });
    expect(stock.available('limited-edition-beans')).toBe(3);
  });

  it('keeps the counts of SKUs already stocked when run again in missing-only mode', async () => {
    const stock = new InMemoryStock([espresso]);

    const result = await seedStock(stock, 'missing-only');

    expect(result.kept).toEqual([espresso.sku]);
    expect(result.written).not.toContain(espresso.sku);
    expect(stock.available(espresso.sku)).toBe(7);
  });

  it('resets every count when run in overwrite mode', async () => {
    const stock = new InMemoryStock([espresso]);

    const result = await seedStock(stock, 'overwrite');

    expect(result.kept).toEqual([]);
    expect(stock.available(espresso.sku)).toBe(seeded);
  });
});
