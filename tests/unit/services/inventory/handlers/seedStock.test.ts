import '../support/environment';
import { InvalidTaskInputError } from '#shared/tasks';
import { STOCK_SEED } from '../../../../../services/inventory/src/domain/stockSeed';
import { makeHandler } from '../../../../../services/inventory/src/handlers/seedStock';
import { InMemoryStock } from '../support/inMemoryStock';
import { silentLogger } from '../support/observability';
import { sampleEvent } from '../support/sampleEvents';

describe('seedStock handler', () => {
  it('stocks every seed SKU when given the sample input on an empty table', async () => {
    const stock = new InMemoryStock();
    const handler = makeHandler({ stock, logger: silentLogger() });

    const result = await handler(sampleEvent('seedStock'));

    expect(result.written).toEqual(STOCK_SEED.map(({ sku }) => sku));
    expect(stock.available('limited-edition-beans')).toBe(3);
  });

  it('seeds missing SKUs only when invoked without input', async () => {
    const stock = new InMemoryStock([{ sku: 'grinder', name: 'Burr grinder', unitPrice: { amount: 12900, currency: 'EUR' }, available: 1 }]);
    const handler = makeHandler({ stock, logger: silentLogger() });

    const result = await handler(undefined);

    expect(result.kept).toEqual(['grinder']);
    expect(stock.available('grinder')).toBe(1);
  });

  it('throws InvalidTaskInputError when the mode is unknown', async () => {
    const handler = makeHandler({ stock: new InMemoryStock(), logger: silentLogger() });

    await expect(handler({ mode: 'truncate' })).rejects.toThrow(InvalidTaskInputError);
  });
});
