import { isSameRequest, orderLocation, orderWorkflowStart, placementOf } from '../../../../../services/order/src/domain/placement';
import { orderIdFor } from '../../../../../services/order/src/domain/orderId';
import { NOW, placedOrder, requestBody, TIMEOUTS } from '../support/events';

const place = (idempotencyKey: string | undefined, body: unknown) =>
  placementOf({ idempotencyKey, body: { ok: true, value: body }, timeouts: TIMEOUTS, now: NOW });

describe('placementOf', () => {
  it('builds a PLACED order, priced, with an id derived from the key, when the request is valid', () => {
    const placement = place('key-1', requestBody());

    expect(placement).toEqual({
      kind: 'order',
      order: {
        orderId: orderIdFor('key-1'),
        customerId: 'cus_42',
        status: 'PLACED',
        lines: [
          { sku: 'espresso-beans-1kg', quantity: 2, unitPrice: { amount: 2450, currency: 'EUR' } },
          { sku: 'ceramic-cup', quantity: 1, unitPrice: { amount: 900, currency: 'EUR' } },
        ],
        total: { amount: 5800, currency: 'EUR' },
        shippingAddress: requestBody().shippingAddress,
        requestKey: 'key-1',
        requestFingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
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
    const placement = placementOf({ idempotencyKey: 'key-1', body: { ok: false, issues: ['body: must be valid JSON'] }, timeouts: TIMEOUTS, now: NOW });

    expect(placement).toEqual({ kind: 'invalid', issues: ['body: must be valid JSON'] });
  });

  it('refuses the request as invalid when a field is wrong', () => {
    expect(place('key-1', { ...requestBody(), customerId: '' })).toEqual({ kind: 'invalid', issues: ['customerId: must not be empty'] });
  });

  it('refuses the request as unfulfillable when a sku is not sold', () => {
    const body = { ...requestBody(), lines: [{ sku: 'tea-pot', quantity: 1 }] };

    expect(place('key-1', body)).toEqual({ kind: 'unfulfillable', issues: ['lines[0].sku: "tea-pot" is not a product we sell'] });
  });
});

describe('isSameRequest', () => {
  it('recognises a retry when the same request comes again, even at another time', () => {
    expect(isSameRequest(placedOrder('key-1'), { ...placedOrder('key-1'), placedAt: '2026-11-25T10:00:00.000Z' })).toBe(true);
  });

  it('recognises another request when the body differs under the same key', () => {
    const other = place('key-1', { ...requestBody(), customerId: 'cus_43' });
    if (other.kind !== 'order') throw new Error('fixture');

    expect(isSameRequest(placedOrder('key-1'), other.order)).toBe(false);
  });
});

describe('orderWorkflowStart', () => {
  it('names the execution after the order and passes its timeouts and the request as cause', () => {
    const order = placedOrder('key-1');

    expect(orderWorkflowStart(order)).toEqual({
      name: `order-${order.orderId}`,
      input: { orderId: order.orderId, timeouts: TIMEOUTS, causationId: 'key-1' },
    });
  });
});

describe('orderLocation', () => {
  it('points at GET /orders/{orderId}', () => {
    expect(orderLocation('ord_12345678')).toBe('/orders/ord_12345678');
  });
});
