import { orderIdSchema } from '#shared/contracts';
import { canonicalJson, orderIdFor, requestFingerprint } from '../../../../../services/order/src/domain/orderId';
import { requestBody } from '../support/events';

describe('orderIdFor', () => {
  it('derives the same id when given the same key twice', () => {
    expect(orderIdFor('3f0c9a52-5a1e-4d7e-9b55-2f4f9c1d8e11')).toBe(orderIdFor('3f0c9a52-5a1e-4d7e-9b55-2f4f9c1d8e11'));
  });

  it('derives ord_ and 20 base62 characters when given any key', () => {
    expect(orderIdFor('key-1')).toMatch(/^ord_[0-9A-Za-z]{20}$/);
  });

  it('derives ids the event contracts accept and never the same twice when given many keys', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => orderIdFor(`key-${i}`));

    expect(ids.every((id) => orderIdSchema.safeParse(id).success)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('derives different ids when keys differ only in case', () => {
    expect(orderIdFor('Key-1')).not.toBe(orderIdFor('key-1'));
  });
});

describe('requestFingerprint', () => {
  it('is the same when the fields come in another order', () => {
    const { customerId, lines, shippingAddress } = requestBody();
    const reordered = { shippingAddress: { ...shippingAddress }, lines, customerId };

    expect(requestFingerprint(reordered)).toBe(requestFingerprint(requestBody()));
  });

  it('differs when a quantity differs', () => {
    const other = requestBody();
    other.lines[0] = { sku: 'espresso-beans-1kg', quantity: 3 };

    expect(requestFingerprint(other)).not.toBe(requestFingerprint(requestBody()));
  });

  it('differs when the lines come in another order', () => {
    const other = requestBody();
    other.lines.reverse();

    expect(requestFingerprint(other)).not.toBe(requestFingerprint(requestBody()));
  });
});

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
  });
});
