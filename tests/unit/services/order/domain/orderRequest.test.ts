import {
  checkIdempotencyKey,
  checkOrderRequest,
  fieldPath,
  priceOrder,
  type OrderRequest,
} from '../../../../../services/order/src/domain/orderRequest';
import { requestBody } from '../support/events';

type Mutable = Record<string, unknown> & { lines: Record<string, unknown>[]; shippingAddress: Record<string, unknown> };

const bodyWith = (mutate: (body: Mutable) => void): unknown => {
  const body = structuredClone(requestBody()) as unknown as Mutable;
  mutate(body);
  return body;
};

const issuesOf = (body: unknown): string[] => {
  const checked = checkOrderRequest(body);
  if (checked.ok) throw new Error('expected the request to be refused');
  return checked.issues;
};

describe('checkOrderRequest', () => {
  it('accepts the request when every field is valid', () => {
    expect(checkOrderRequest(requestBody())).toEqual({ ok: true, value: requestBody() });
  });

  it.each<[string, (body: Mutable) => void, string]>([
    ['a quantity is 0', (b) => ((b.lines[1] ?? {}).quantity = 0), 'lines[1].quantity: must be ≥ 1'],
    ['a quantity is 100', (b) => ((b.lines[0] ?? {}).quantity = 100), 'lines[0].quantity: must be ≤ 99'],
    ['a quantity is a fraction', (b) => ((b.lines[0] ?? {}).quantity = 1.5), 'lines[0].quantity: must be a whole number'],
    ['a quantity is a string', (b) => ((b.lines[0] ?? {}).quantity = '2'), 'lines[0].quantity: must be a number'],
    ['a quantity is missing', (b) => delete (b.lines[1] ?? {}).quantity, 'lines[1].quantity: is required'],
    ['a sku is not a slug', (b) => ((b.lines[0] ?? {}).sku = 'Espresso Beans'), 'lines[0].sku: must be a lowercase slug'],
    ['the body names a customer', (b) => (b.customerId = 'cus_42'), 'customerId: not allowed; the customer is the signed-in user'],
    ['the body names an empty customer', (b) => (b.customerId = ''), 'customerId: not allowed; the customer is the signed-in user'],
    ['a line names a customer', (b) => ((b.lines[0] ?? {}).customerId = 'cus_42'), 'lines[0].customerId: is not a field of an order'],
    ['there are no lines', (b) => (b.lines = []), 'lines: must have at least 1 item'],
    ['there are 26 lines', (b) => (b.lines = Array.from({ length: 26 }, (_, i) => ({ sku: `sku-${i}`, quantity: 1 }))), 'lines: must have at most 25 items'],
    ['lines is not an array', (b) => (b.lines = 'espresso' as never), 'lines: must be an array'],
    ['the address has no city', (b) => delete b.shippingAddress.city, 'shippingAddress.city: is required'],
    ['the country is lowercase', (b) => (b.shippingAddress.country = 'gb'), 'shippingAddress.country: must be an ISO 3166-1 alpha-2 code'],
    ['the address is missing', (b) => delete (b as Partial<Mutable>).shippingAddress, 'shippingAddress: is required'],
    ['an unknown field is sent', (b) => (b.discount = 50), 'discount: is not a field of an order'],
    ['a line carries its own price', (b) => ((b.lines[0] ?? {}).unitPrice = 1), 'lines[0].unitPrice: is not a field of an order'],
    ['two lines have the same sku', (b) => ((b.lines[1] ?? {}).sku = 'espresso-beans-1kg'), 'lines[1].sku: repeats lines[0].sku; put the whole quantity on one line'],
  ])('refuses the request naming the field when %s', (_case, mutate, issue) => {
    expect(issuesOf(bodyWith(mutate))).toEqual([issue]);
  });

  it.each([
    ['an array', []],
    ['null', null],
    ['a string', 'order please'],
  ])('refuses the body when it is %s', (_case, body) => {
    expect(issuesOf(body)).toEqual(['body: must be an object']);
  });

  it('lists every issue when several fields are wrong', () => {
    const body = bodyWith((b) => {
      b.customerId = 'cus_43';
      (b.lines[1] ?? {}).quantity = 0;
      b.shippingAddress.country = 'Britain';
    });

    expect(issuesOf(body).sort()).toEqual([
      'customerId: not allowed; the customer is the signed-in user',
      'lines[1].quantity: must be ≥ 1',
      'shippingAddress.country: must be an ISO 3166-1 alpha-2 code',
    ]);
  });
});

describe('checkIdempotencyKey', () => {
  it('accepts a UUID when the header carries one', () => {
    expect(checkIdempotencyKey('3f0c9a52-5a1e-4d7e-9b55-2f4f9c1d8e11')).toEqual({ ok: true, value: '3f0c9a52-5a1e-4d7e-9b55-2f4f9c1d8e11' });
  });

  it('accepts every URL-safe character when the key uses them all', () => {
    expect(checkIdempotencyKey('AZaz09-._~AZaz09-._~').ok).toBe(true);
  });

  it('trims the key when the header has surrounding whitespace', () => {
    expect(checkIdempotencyKey('  order-2026-11-25-0001 ')).toEqual({ ok: true, value: 'order-2026-11-25-0001' });
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['blank', '   '],
  ])('requires the header when it is %s', (_case, header) => {
    expect(checkIdempotencyKey(header)).toEqual({ ok: false, issues: ['Idempotency-Key: header is required'] });
  });

  it('accepts 16 and 128 characters when the key is at the limits', () => {
    expect(checkIdempotencyKey('k'.repeat(16)).ok).toBe(true);
    expect(checkIdempotencyKey('k'.repeat(128)).ok).toBe(true);
  });

  it.each([
    ['one character', 'k', 1],
    ['15 characters', 'k'.repeat(15), 15],
    ['129 characters', 'k'.repeat(129), 129],
  ])('refuses the key, naming the limits, when it is %s long', (_case, header, length) => {
    expect(checkIdempotencyKey(header)).toEqual({ ok: false, issues: [`Idempotency-Key: must be 16 to 128 characters (a UUID will do), got ${length}`] });
  });

  it.each(['order key 0000001', 'clé-de-commande-0001', 'order/2026/11/25/01', 'order:2026-11-25:01', 'order+2026-11-25+01'])(
    'refuses the key when it contains a character outside letters, digits and - . _ ~ (%s)',
    (header) => {
      expect(checkIdempotencyKey(header)).toEqual({ ok: false, issues: ['Idempotency-Key: may contain only letters, digits and - . _ ~ (a UUID will do)'] });
    },
  );
});

describe('priceOrder', () => {
  it('prices every line from the price list and sums the total when every sku is sold', () => {
    expect(priceOrder(requestBody())).toEqual({
      ok: true,
      value: {
        lines: [
          { sku: 'espresso-beans-1kg', quantity: 2, unitPrice: { amount: 2450, currency: 'EUR' } },
          { sku: 'ceramic-cup', quantity: 1, unitPrice: { amount: 900, currency: 'EUR' } },
        ],
        total: { amount: 5800, currency: 'EUR' },
      },
    });
  });

  it('names every line whose sku is not sold when some are unknown', () => {
    const request: OrderRequest = {
      ...requestBody(),
      lines: [
        { sku: 'tea-pot', quantity: 1 },
        { sku: 'grinder', quantity: 1 },
        { sku: 'kettle', quantity: 2 },
      ],
    };

    expect(priceOrder(request)).toEqual({
      ok: false,
      issues: ['lines[0].sku: "tea-pot" is not a product we sell', 'lines[2].sku: "kettle" is not a product we sell'],
    });
  });

  it('throws when the price list mixes currencies', () => {
    const price = (sku: string) => ({ amount: 100, currency: sku === 'ceramic-cup' ? 'USD' : 'EUR' });

    expect(() => priceOrder(requestBody(), price)).toThrow('the price list mixes currencies: EUR, USD');
  });
});

describe('fieldPath', () => {
  it.each<[PropertyKey[], string]>([
    [[], 'body'],
    [['customerId'], 'customerId'],
    [['lines', 3, 'sku'], 'lines[3].sku'],
    [['shippingAddress', 'city'], 'shippingAddress.city'],
  ])('writes %j as %s', (path, text) => {
    expect(fieldPath(path)).toBe(text);
  });
});
