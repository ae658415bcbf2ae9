import { orderCancelled, orderCompleted, orderConfirmed, orderPlaced, parseEvent, type OutgoingEvent } from '#shared/contracts';
import { IllegalTransitionError, UnknownOrderError } from '../../../../../services/order/src/domain/errors';
import type { Order } from '../../../../../services/order/src/domain/order';
import { eventForStep, planStep, settleStep, type Step, type StepRequest } from '../../../../../services/order/src/domain/steps';
import { NOW, placedOrder } from '../support/events';

const order = placedOrder();
const ORDER = order.orderId;
const LATER = new Date('2026-11-25T09:40:00.000Z');

/** The order as the repository leaves it once the step applied. */
const applied = (step: Step, base: Order = order): Order => ({
  ...base,
  ...step.set,
  status: step.to,
  updatedAt: step.at,
  processed: { ...base.processed, [step.idempotencyKey]: step.at },
  history: [...base.history, step.history],
});

/** What a consumer of the event would see. */
const received = (event: OutgoingEvent) =>
  parseEvent([orderPlaced, orderConfirmed, orderCancelled, orderCompleted], {
    source: event.source,
    'detail-type': event.detailType,
    detail: event.detail,
  });

describe('planStep', () => {
  it.each<[StepRequest, Partial<Step>]>([
    [
      { orderId: ORDER, action: 'PLACE', causationId: 'key-1' },
      { from: ['PLACED'], to: 'PLACED', idempotencyKey: `${ORDER}:placed`, set: {} },
    ],
    [
      { orderId: ORDER, action: 'CONFIRM', causationId: `${ORDER}:stock-reserved` },
      { from: ['PLACED'], to: 'CONFIRMED', idempotencyKey: `${ORDER}:confirmed`, set: { confirmedAt: LATER.toISOString() } },
    ],
    [
      { orderId: ORDER, action: 'CANCEL', reason: 'OUT_OF_STOCK', causationId: `${ORDER}:stock-reservation-failed` },
      {
        from: ['PLACED', 'CONFIRMED'],
        to: 'CANCELLED',
        idempotencyKey: `${ORDER}:cancelled`,
        set: { cancelledAt: LATER.toISOString(), cancellationReason: 'OUT_OF_STOCK' },
      },
    ],
    [
      { orderId: ORDER, action: 'COMPLETE', shipmentId: 'shp_1', causationId: `${ORDER}:shipment-delivered` },
      {
        from: ['CONFIRMED'],
        to: 'COMPLETED',
        idempotencyKey: `${ORDER}:completed`,
        set: { completedAt: LATER.toISOString(), shipmentId: 'shp_1' },
      },
    ],
  ])('plans the move, its key and attributes when asked to $action', (request, expected) => {
    expect(planStep(request, LATER)).toMatchObject({ ...expected, orderId: ORDER, at: LATER.toISOString(), request });
  });

  it('plans the history entry of the fact it records', () => {
    expect(planStep({ orderId: ORDER, action: 'CANCEL', reason: 'PAYMENT_DECLINED', causationId: 'cause-1' }, LATER).history).toEqual({
      detailType: 'OrderCancelled',
      source: 'ordering.order',
      idempotencyKey: `${ORDER}:cancelled`,
      causationId: 'cause-1',
      occurredAt: LATER.toISOString(),
      recordedAt: LATER.toISOString(),
    });
  });
});

describe('settleStep', () => {
  const step = planStep({ orderId: ORDER, action: 'CONFIRM', causationId: 'cause-1' }, LATER);

  it('returns the moved order when the step applied', () => {
    const moved = applied(step);

    expect(settleStep(step, { applied: true, order: moved })).toBe(moved);
  });

  it('returns the order as it is when the step was already applied by an earlier run', () => {
    const moved = applied(step);

    expect(settleStep(step, { applied: false, order: moved })).toBe(moved);
  });

  it('throws an IllegalTransitionError naming the status when the status forbids the step', () => {
    const cancelled = { ...order, status: 'CANCELLED' as const };

    expect(() => settleStep(step, { applied: false, order: cancelled })).toThrow(
      new IllegalTransitionError(`order ${ORDER} is CANCELLED; CONFIRM needs PLACED`),
    );
  });

  it('throws an UnknownOrderError when the order does not exist', () => {
    expect(() => settleStep(step, { applied: false, order: undefined })).toThrow(UnknownOrderError);
  });
});

describe('eventForStep', () => {
  it('publishes OrderPlaced with the priced order, caused by the request', () => {
    const step = planStep({ orderId: ORDER, action: 'PLACE', causationId: 'key-1' }, LATER);

    const event = received(eventForStep(applied(step), step));

    expect(event).toMatchObject({
      source: 'ordering.order',
      detailType: 'OrderPlaced',
      metadata: {
        'idempotency-key': `${ORDER}:placed`,
        'correlation-id': ORDER,
        'causation-id': 'key-1',
        'occurred-at': LATER.toISOString(),
        'schema-version': 1,
      },
      data: {
        orderId: ORDER,
        customerId: 'cus_42',
        lines: order.lines,
        total: { amount: 5800, currency: 'EUR' },
        shippingAddress: order.shippingAddress,
        placedAt: NOW.toISOString(),
      },
    });
  });

  it('publishes OrderConfirmed with the lines and the address', () => {
    const step = planStep({ orderId: ORDER, action: 'CONFIRM', causationId: 'cause-1' }, LATER);

    expect(received(eventForStep(applied(step), step)).data).toEqual({
      orderId: ORDER,
      lines: [
        { sku: 'espresso-beans-1kg', quantity: 2 },
        { sku: 'ceramic-cup', quantity: 1 },
      ],
      shippingAddress: order.shippingAddress,
    });
  });

  it('publishes OrderCancelled with its reason', () => {
    const step = planStep({ orderId: ORDER, action: 'CANCEL', reason: 'OUTCOMES_TIMED_OUT', causationId: `${ORDER}:placed` }, LATER);

    expect(received(eventForStep(applied(step), step))).toMatchObject({
      detailType: 'OrderCancelled',
      data: { orderId: ORDER, reason: 'OUTCOMES_TIMED_OUT' },
      metadata: { 'idempotency-key': `${ORDER}:cancelled`, 'causation-id': `${ORDER}:placed` },
    });
  });

  it('publishes OrderCompleted with the shipment', () => {
    const step = planStep({ orderId: ORDER, action: 'COMPLETE', shipmentId: 'shp_1', causationId: 'cause-1' }, LATER);

    expect(received(eventForStep(applied(step), step)).data).toEqual({ orderId: ORDER, shipmentId: 'shp_1' });
  });

  it('publishes the event exactly as the first run did when a re-run publishes it again', () => {
    const first = planStep({ orderId: ORDER, action: 'PLACE', causationId: 'key-1' }, LATER);
    const stored = applied(first);
    const rerun = planStep({ orderId: ORDER, action: 'PLACE', causationId: 'key-1' }, new Date('2026-11-25T09:41:00.000Z'));

    expect(eventForStep(settleStep(rerun, { applied: false, order: stored }), rerun)).toEqual(eventForStep(stored, first));
  });

  it('builds an OrderPlaced its contract accepts when the request uses every limit', () => {
    const longest: Order = {
      ...order,
      customerId: 'c'.repeat(64),
      lines: Array.from({ length: 25 }, (_, i) => ({ sku: `sku-${i}`, quantity: 99, unitPrice: { amount: 8900, currency: 'EUR' } })),
      shippingAddress: { name: 'n'.repeat(100), line1: 'l'.repeat(200), city: 'c'.repeat(100), postalCode: 'p'.repeat(20), country: 'GB' },
    };
    const step = planStep({ orderId: ORDER, action: 'PLACE', causationId: 'k'.repeat(255) }, LATER);

    expect(() => eventForStep(applied(step, longest), step)).not.toThrow();
  });
});
