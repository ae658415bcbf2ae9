import type { Money } from '#shared/contracts';

/** The one currency the shop sells in; every amount of an order is in it. */
export const CURRENCY = 'EUR';

/**
 * Unit prices in cents. The order service prices orders itself: a price sent by a client is never trusted.
 * A Map, not an object literal, so a sku such as `constructor` cannot find a price on Object's prototype.
 */
export const PRICE_LIST: ReadonlyMap<string, number> = new Map([
  // The same catalogue inventory stocks (services/inventory/src/domain/stockSeed.ts): order owns the prices,
  // inventory the quantities.
  ['espresso-beans-1kg', 2450],
  ['filter-beans-1kg', 2150],
  ['ceramic-cup', 900],
  ['milk-frother', 3900],
  ['filter-papers', 450],
  ['grinder', 12900],
  ['limited-edition-beans', 3200],
  ['seasonal-gift-box', 4900],
]);

/** The unit price of a sku, or `undefined` when the shop does not sell it. */
export const priceOf = (sku: string, priceList: ReadonlyMap<string, number> = PRICE_LIST): Money | undefined => {
  const amount = priceList.get(sku);
  return amount === undefined ? undefined : { amount, currency: CURRENCY };
};
