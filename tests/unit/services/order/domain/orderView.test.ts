import type { Order } from '../../../../../services/order/src/domain/order';
import { orderView, orderViewFor, orderViewSchema } from '../../../../../services/order/src/domain/orderView';
import { CUSTOMER, factOf, keyFor, NOW, outcomesOf, placedOrder } from '../support/events';

/** An order with everything internal filled in: tokens, deduplication keys, a reason and a history. */
const cancelledOrder = (): Order => {
  const declined = factOf('PaymentDeclined', placedOrder().orderId);
  return placedOrder('key-1', {
    status: 'CANCELLED',
    cancellationReason: 'PAYMENT_DECLINED',
    cancelledAt: '2026-11-25T09:33:00.000Z',
    confirmedAt: '2026-11-25T09:32:00.000Z',
    completedAt: '2026-11-25T09:34:00.000Z',
    shipmentId: 'shp_1',
    updatedAt: '2026-11-25T09:33:00.000Z',
    compensationDueBy: '2026-11-25T09:48:00.000Z',
    outcomes: outcomesOf(declined),
    history: [declined.history],
    processed: { [declined.idempotencyKey]: declined.history.recordedAt },
    waiting: { phase: 'OUTCOMES', token: 'secret-token', since: NOW.toISOString() },
  });
};

describe('orderView', () => {
  it('shows a placed order with pending outcomes and nothing internal', () => {
    const order = placedOrder();

    const view = orderView(order);

    expect(view).toEqual({
      orderId: order.orderId,
      status: 'PLACED',
      lines: order.lines,
      total: { amount: 5800, currency: 'EUR' },
      shippingAddress: order.shippingAddress,
      outcomes: { payment: 'PENDING', stock: 'PENDING', shipment: 'PENDING' },
      timestamps: { placedAt: NOW.toISOString(), updatedAt: NOW.toISOString() },
      history: [],
    });
  });

  it('shows the reason, the timestamps, the shipment and the facts by name and time when the order has them', () => {
    const order = cancelledOrder();

    const view = orderView(order);

    expect(view).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'PAYMENT_DECLINED',
      shipmentId: 'shp_1',
      outcomes: { payment: 'DECLINED' },
      timestamps: {
        placedAt: NOW.toISOString(),
        confirmedAt: '2026-11-25T09:32:00.000Z',
        completedAt: '2026-11-25T09:34:00.000Z',
        cancelledAt: '2026-11-25T09:33:00.000Z',
        updatedAt: '2026-11-25T09:33:00.000Z',
      },
      history: [{ detailType: 'PaymentDeclined', time: order.history[0]?.occurredAt }],
    });
  });

  it('leaves out the key, the tokens, the deduplication record, the saga internals and the customer id when the order has them all', () => {
    const order = cancelledOrder();

    const text = JSON.stringify(orderView(order));

    for (const internal of [keyFor('key-1'), 'secret-token', order.deadline, order.compensationDueBy ?? '', order.history[0]?.idempotencyKey ?? '', order.history[0]?.causationId ?? '', CUSTOMER]) {
      expect(text).not.toContain(internal);
    }
    expect(Object.keys(orderView(order)).sort()).toEqual(['cancellationReason', 'history', 'lines', 'orderId', 'outcomes', 'shipmentId', 'shippingAddress', 'status', 'timestamps', 'total']);
  });

  it.each([
    ['placed', placedOrder()],
    ['cancelled with a history', cancelledOrder()],
  ])('matches the documented schema when the order is %s', (_case, order) => {
    expect(orderViewSchema.safeParse(orderView(order)).error).toBeUndefined();
  });
});

describe('orderViewFor', () => {
  it('shows the order when the caller is the customer who placed it', () => {
    const order = placedOrder();

    expect(orderViewFor(order, CUSTOMER)).toEqual(orderView(order));
  });

  it.each([
    ['another customer', 'cus_43'],
    ['a customer whose id differs only in case', 'CUS_42'],
    ['a customer whose id is a prefix', 'cus_4'],
  ])('shows nothing when the caller is %s', (_case, caller) => {
    expect(orderViewFor(placedOrder(), caller)).toBeUndefined();
  });

  it('shows nothing when there is no order', () => {
    expect(orderViewFor(undefined, CUSTOMER)).toBeUndefined();
  });
});
