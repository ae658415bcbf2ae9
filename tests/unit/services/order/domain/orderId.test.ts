import { randomBytes } from 'node:crypto';
import { orderIdSchema } from '#shared/contracts';
import { canonicalJson, ORDER_ID_BYTES, orderIdFrom, requestFingerprint } from '../../../../../services/order/src/domain/orderId';
import { requestBody } from '../support/events';

describe('orderIdFrom', () => {
  it('writes ord_ and 22 base62 characters when given 16 bytes', () => {
    expect(orderIdFrom(randomBytes(ORDER_ID_BYTES))).toMatch(/^ord_[0-9A-Za-z]{22}$/);
  });

  it('writes the smallest and the largest 128-bit values as distinct ids the contracts accept', () => {
    const smallest = orderIdFrom(Buffer.alloc(ORDER_ID_BYTES, 0));
    const largest = orderIdFrom(Buffer.alloc(ORDER_ID_BYTES, 0xff));

    expect(smallest).toBe(`ord_${'0'.repeat(22)}`);
    expect(largest).not.toBe(smallest);
    expect([smallest, largest].every((id) => orderIdSchema.safeParse(id).success)).toBe(true);
  });

  it('gives different ids when the bytes differ in their last bit only', () => {
    const bytes = Buffer.alloc(ORDER_ID_BYTES, 0x5a);
    const other = Buffer.from(bytes);
    other[ORDER_ID_BYTES - 1] = 0x5b;

    expect(orderIdFrom(other)).not.toBe(orderIdFrom(bytes));
  });

  it('gives ids the event contracts accept and never the same twice when given many random draws', () => {
    const ids = Array.from({ length: 2000 }, () => orderIdFrom(randomBytes(ORDER_ID_BYTES)));

    expect(ids.every((id) => orderIdSchema.safeParse(id).success)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each([0, 15, 17, 32])('throws a RangeError when given %i bytes', (length) => {
    expect(() => orderIdFrom(randomBytes(length))).toThrow(RangeError);
  });
});

describe('requestFingerprint', () => {
  it('is the same when the fields come in another order', () => {
    const { lines, shippingAddress } = requestBody();
    const reordered = { shippingAddress: { ...shippingAddress }, lines };

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
