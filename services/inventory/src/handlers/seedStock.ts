import { createLogger, type Logger } from '#shared/logging';
import { InvalidTaskInputError } from '#shared/tasks';
import { stockRepositoryFromEnv } from '../adapters/stockRepository';
import type { StockRepository } from '../domain/stock';
import { seedStock, seedStockInput, type SeedStockResult } from '../domain/stockSeed';

export interface Dependencies {
  stock: StockRepository;
  logger: Logger;
}

/**
 * Loads the seed catalogue into the stock table: `{ "mode": "missing-only" }` (the default) stocks only the
 * SKUs not stocked yet; `{ "mode": "overwrite" }` resets every count. Run it after deploying a fresh stage or
 * starting the local cloud: `npx sls invoke local -f seedStock -p events/seedStock.json`.
 */
export const makeHandler =
  ({ stock, logger }: Dependencies) =>
  async (raw: unknown): Promise<SeedStockResult> => {
    const parsed = seedStockInput.safeParse(raw ?? {});
    if (!parsed.success) {
      throw new InvalidTaskInputError(`seedStock input is invalid: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
    }
    const result = await seedStock(stock, parsed.data.mode);
    logger.info('stock seeded', { ...result });
    return result;
  };

export const handler = makeHandler({ stock: stockRepositoryFromEnv(), logger: createLogger('inventory') });
