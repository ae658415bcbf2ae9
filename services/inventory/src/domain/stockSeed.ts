import { z } from 'zod';
import type { SeedMode, StockItem, StockRepository } from './stock';

/**
 * The catalogue the local cloud, the tests and a fresh stage start from. `limited-edition-beans` runs out
 * after three units and `seasonal-gift-box` is sold out, so out-of-stock paths can be exercised end to end.
 */
export const STOCK_SEED: readonly StockItem[] = [
  { sku: 'espresso-beans-1kg', name: 'Espresso beans, 1 kg', unitPrice: { amount: 2450, currency: 'EUR' }, available: 500 },
  { sku: 'filter-beans-1kg', name: 'Filter beans, 1 kg', unitPrice: { amount: 2150, currency: 'EUR' }, available: 300 },
  { sku: 'ceramic-cup', name: 'Ceramic cup', unitPrice: { amount: 900, currency: 'EUR' }, available: 1000 },
  { sku: 'milk-frother', name: 'Milk frother', unitPrice: { amount: 3900, currency: 'EUR' }, available: 50 },
  { sku: 'filter-papers', name: 'Filter papers, 100', unitPrice: { amount: 450, currency: 'EUR' }, available: 2000 },
  { sku: 'grinder', name: 'Burr grinder', unitPrice: { amount: 12900, currency: 'EUR' }, available: 20 },
  { sku: 'limited-edition-beans', name: 'Limited edition beans, 250 g', unitPrice: { amount: 3200, currency: 'EUR' }, available: 3 },
  { sku: 'seasonal-gift-box', name: 'Seasonal gift box', unitPrice: { amount: 4900, currency: 'EUR' }, available: 0 },
];

export const seedStockInput = z
  .object({ mode: z.enum(['missing-only', 'overwrite']).default('missing-only') })
  .strict();

export type SeedStockInput = z.input<typeof seedStockInput>;

export interface SeedStockResult {
  mode: SeedMode;
  /** SKUs written by this call. */
  written: string[];
  /** SKUs left as they were, because they were already stocked. */
  kept: string[];
}

/** Loads {@link STOCK_SEED}; by default only the SKUs not stocked yet, so running it twice changes nothing. */
export const seedStock = async (stock: StockRepository, mode: SeedMode): Promise<SeedStockResult> => {
  const written = await stock.seed(STOCK_SEED, mode);
  return { mode, written, kept: STOCK_SEED.map(({ sku }) => sku).filter((sku) => !written.includes(sku)) };
};
