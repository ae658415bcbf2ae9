import type { Order } from '../../../../../services/order/src/domain/order';
import { orderView } from '../../../../../services/order/src/domain/orderView';
import { factOf, NOW, outcomesOf, placedOrder } from '../support/events';

describe('orderView', () => {
  it('shows a placed order with pending outcomes and no internals', () => {
    const order = placedOrder();

    const view = orderView(order);

    expect(view).toEqual({
      orderId: order.orderId,
      customerId: 'cus_42',
      status: 'PLACED',
      lines: order.lines,
      total: { amount: 5800, currency: 'EUR' },
      shippingAddress: order.shippingAddress,
      outcomes: { payment: 'PENDING', stock: 'PENDING', shipment: 'PENDING' },
      timestamps: { placedAt: NOW.toISOString(), updatedAt: NOW.toISOString() },
      deadline: order.deadline,
      history: [],
    });
  });

  it('shows the reason, the timestamps, the wait and the history when the order has them, but never the token', () => {
    const paid = factOf('PaymentDeclined', placedOrder().orderId);
    const order: Order = placedOrder('key-1', {
      status: 'CANCELLED',
      cancellationReason: 'PAYMENT_DECLINED',
      cancelledAt: '2026-11-25T09:33:00.000Z',
      confirmedAt: '2026-11-25T09:32:00.000Z',
      completedAt: '2026-11-25T09:34:00.000Z',
      shipmentId: 'shp_1',
      updatedAt: '2026-11-25T09:33:00.000Z',
      outcomes: outcomesOf(paid),
      history: [paid.history],
      processed: { [paid.idempotencyKey]: paid.history.recordedAt },
      waiting: { phase: 'OUTCOMES', token: 'secret-token', since: NOW.toISOString() },
    });

    const view = orderView(order);

    expect(view).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'PAYMENT_DECLINED',
      shipmentId: 'shp_1',
      awaiting: 'OUTCOMES',
      outcomes: { payment: 'DECLINED' },
      timestamps: {
        placedAt: NOW.toISOString(),
        confirmedAt: '2026-11-25T09:32:00.000Z',
        completedAt: '2026-11-25T09:34:00.000Z',
        cancelledAt: '2026-11-25T09:33:00.000Z',
        updatedAt: '2026-11-25T09:33:00.000Z',
      },
      history: [
        {
          detailType: 'PaymentDeclined',
          source: 'ordering.payment',
          time: paid.history.occurredAt,
          recordedAt: paid.history.recordedAt,
          idempotencyKey: paid.idempotencyKey,
          causationId: paid.history.causationId,
        },
      ],
    });
    expect(JSON.stringify(view)).not.toMatch(/secret-token|requestFingerprint|processed/);
  });
});
