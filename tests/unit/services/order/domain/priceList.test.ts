import { CURRENCY, PRICE_LIST, priceOf } from '../../../../../services/order/src/domain/priceList';

describe('priceOf', () => {
  it.each([
    ['espresso-beans-1kg', 2450],
    ['ceramic-cup', 900],
    ['milk-frother', 3900],
    ['filter-papers', 350],
    ['grinder', 8900],
    ['limited-edition-beans', 4200],
    ['sold-out-mug', 1500],
  ])('returns %s at %i EUR cents when the shop sells it', (sku, amount) => {
    expect(priceOf(sku)).toEqual({ amount, currency: 'EUR' });
  });

  it('lists exactly the seven products the shop sells', () => {
    expect([...PRICE_LIST.keys()]).toHaveLength(7);
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
