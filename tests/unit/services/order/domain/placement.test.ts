import { isSameRequest, orderClaimedBy, orderLocation, orderWorkflowStart, placementOf, type Placement } from '../../../../../services/order/src/domain/placement';
import { CUSTOMER, keyFor, NOW, placedOrder, requestBody, testOrderId, TIMEOUTS } from '../support/events';

const KEY = keyFor('key-1');
const DRAWN = testOrderId('drawn');

const place = (idempotencyKey: string | undefined, body: unknown, customerId = CUSTOMER) =>
  placementOf({ customerId, idempotencyKey, body: { ok: true, value: body }, timeouts: TIMEOUTS, now: NOW, orderId: DRAWN });

const placed = (placement: Placement) => {
  if (placement.kind !== 'order') throw new Error(`fixture is not a valid order: ${placement.issues.join('; ')}`);
  return placement;
};

describe('placementOf', () => {
  it('builds the key claim and a PLACED order of the signed-in customer, priced, under the drawn id, when the request is valid', () => {
    const placement = place(KEY, requestBody());

    expect(placement).toEqual({
      kind: 'order',
      claim: {
        customerId: CUSTOMER,
        idempotencyKey: KEY,
        orderId: DRAWN,
        requestFingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
        claimedAt: '2026-11-25T09:30:00.000Z',
      },
      order: {
        orderId: DRAWN,
        customerId: CUSTOMER,
        status: 'PLACED',
        lines: [
          { sku: 'espresso-beans-1kg', quantity: 2, unitPrice: { amount: 2450, currency: 'EUR' } },
          { sku: 'ceramic-cup', quantity: 1, unitPrice: { amount: 900, currency: 'EUR' } },
        ],
        total: { amount: 5800, currency: 'EUR' },
        shippingAddress: requestBody().shippingAddress,
        requestKey: KEY,
        timeouts: TIMEOUTS,
        placedAt: '2026-11-25T09:30:00.000Z',
        updatedAt: '2026-11-25T09:30:00.000Z',
        deadline: '2026-12-02T09:45:00.000Z',
        outcomes: {},
        history: [],
        processed: {},
      },
    });
  });

  it('refuses the request as invalid, before looking at the body, when the key is missing', () => {
    expect(place(undefined, 'not even an object')).toEqual({ kind: 'invalid', issues: ['Idempotency-Key: header is required'] });
  });

  it('refuses the request as invalid when the body is not JSON', () => {
    const placement = placementOf({ customerId: CUSTOMER, idempotencyKey: KEY, body: { ok: false, issues: ['body: must be valid JSON'] }, timeouts: TIMEOUTS, now: NOW, orderId: DRAWN });

    expect(placement).toEqual({ kind: 'invalid', issues: ['body: must be valid JSON'] });
  });

  it('refuses the request as invalid, naming the field, when the body says who the customer is', () => {
    expect(place(KEY, { ...requestBody(), customerId: CUSTOMER })).toEqual({
      kind: 'invalid',
      issues: ['customerId: not allowed; the customer is the signed-in user'],
    });
  });

  it('refuses the request as unfulfillable when a sku is not sold', () => {
    const body = { ...requestBody(), lines: [{ sku: 'tea-pot', quantity: 1 }] };

    expect(place(KEY, body)).toEqual({ kind: 'unfulfillable', issues: ['lines[0].sku: "tea-pot" is not a product we sell'] });
  });

  it.each([
    ['empty', ''],
    ['longer than the OrderPlaced contract allows', 'u'.repeat(65)],
  ])('refuses the caller as forbidden when their id is %s', (_case, customerId) => {
    expect(place(KEY, requestBody(), customerId)).toEqual({
      kind: 'forbidden',
      issues: ['the signed-in user cannot place orders: their id (sub) must be 1 to 64 characters'],
    });
  });

  it('accepts a caller whose id is a Cognito sub (a UUID)', () => {
    expect(place(KEY, requestBody(), '7c1d4f6e-2a3b-4c5d-8e9f-0a1b2c3d4e5f').kind).toBe('order');
  });
});

describe('isSameRequest', () => {
  it('recognises a retry when the same request comes again, even at another time and with another drawn id', () => {
    const first = placed(place(KEY, requestBody())).claim;
    const retry = { ...placed(place(KEY, requestBody())).claim, orderId: testOrderId('other draw'), claimedAt: '2026-11-25T10:00:00.000Z' };

    expect(isSameRequest(first, retry)).toBe(true);
  });

  it('recognises another request when the body differs under the same key', () => {
    const first = placed(place(KEY, requestBody())).claim;
    const other = placed(place(KEY, { ...requestBody(), lines: [{ sku: 'grinder', quantity: 1 }] })).claim;

    expect(isSameRequest(first, other)).toBe(false);
  });
});

describe('orderClaimedBy', () => {
  it('stores the order under the id of the claim that holds the key, whatever this attempt drew', () => {
    const { order } = placed(place(KEY, requestBody()));
    const firstClaim = { ...placed(place(KEY, requestBody())).claim, orderId: testOrderId('first attempt') };

    expect(orderClaimedBy(order, firstClaim)).toEqual({ ...order, orderId: testOrderId('first attempt') });
  });
});

describe('orderWorkflowStart', () => {
  it('names the execution after the order and passes its timeouts and the request as cause', () => {
    const order = placedOrder('key-1');

    expect(orderWorkflowStart(order)).toEqual({
      name: `order-${order.orderId}`,
      input: { orderId: order.orderId, timeouts: TIMEOUTS, causationId: KEY },
    });
  });
});

describe('orderLocation', () => {
  it('points at GET /orders/{orderId}', () => {
    expect(orderLocation('ord_12345678')).toBe('/orders/ord_12345678');
  });
});
