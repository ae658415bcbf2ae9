import { STOCK_SEED } from '../../../../../services/inventory/src/domain/stockSeed';
import { CURRENCY, PRICE_LIST, priceOf } from '../../../../../services/order/src/domain/priceList';

describe('priceOf', () => {
  it.each([
    ['espresso-beans-1kg', 2450],
    ['filter-beans-1kg', 2150],
    ['ceramic-cup', 900],
    ['milk-frother', 3900],
    ['filter-papers', 450],
    ['grinder', 12900],
    ['limited-edition-beans', 3200],
    ['seasonal-gift-box', 4900],
  ])('returns %s at %i EUR cents when the shop sells it', (sku, amount) => {
    expect(priceOf(sku)).toEqual({ amount, currency: 'EUR' });
  });

  it('sells exactly the products inventory stocks', () => {
    expect([...PRICE_LIST.keys()].sort()).toEqual(STOCK_SEED.map((item) => item.sku).sort());
    expect(CURRENCY).toBe('EUR');
  });

  it('returns undefined when the sku is not sold', () => {
    expect(priceOf('tea-pot')).toBeUndefined();
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('returns undefined when the sku %s names an Object property', (sku) => {
    expect(priceOf(sku)).toBeUndefined();
  });

  it('prices from the price list it is given when one is passed', () => {
    expect(priceOf('tea-pot', new Map([['tea-pot', 1234]]))).toEqual({ amount: 1234, currency: 'EUR' });
  });
});
