import '../support/environment';
import { TransientError } from '#shared/errors';
import { InvalidTaskInputError } from '#shared/tasks';
import { IllegalTransitionError, UnknownOrderError } from '../../../../../services/order/src/domain/errors';
import type { StepRequest } from '../../../../../services/order/src/domain/steps';
import { makeHandler } from '../../../../../services/order/src/handlers/advanceOrder';
import { factOf, lambdaContext, placedOrder, sampleOrder, serviceEvent } from '../support/events';
import { disabledTracer, InMemoryOrders, RecordingPublisher, silentLogger } from '../support/fakes';

const AT = new Date('2026-11-25T09:40:00.000Z');

const setup = () => {
  const orders = new InMemoryOrders();
  const publisher = new RecordingPublisher();
  const handler = makeHandler({ orders, publisher, logger: silentLogger(), tracer: disabledTracer(), now: () => AT });
  const order = orders.seed(placedOrder('key-1'));
  const run = (input: Partial<StepRequest> & Pick<StepRequest, 'action'>) =>
    handler({ orderId: order.orderId, causationId: 'cause-1', ...input }, lambdaContext('advanceOrder'));
  return { orders, publisher, handler, run, orderId: order.orderId };
};

describe('advanceOrder', () => {
  it('publishes OrderPlaced once and records it when the workflow starts', async () => {
    const { orders, publisher, run, orderId } = setup();

    const result = await run({ action: 'PLACE', causationId: 'key-1' });

    expect(result).toEqual({ orderId, status: 'PLACED' });
    expect(publisher.published).toHaveLength(1);
    expect(publisher.published[0]).toMatchObject({
      source: 'ordering.order',
      detailType: 'OrderPlaced',
      detail: { metadata: { 'idempotency-key': `${orderId}:placed`, 'causation-id': 'key-1', 'correlation-id': orderId } },
    });
    expect(orders.items.get(orderId)?.history.map((entry) => entry.detailType)).toEqual(['OrderPlaced']);
  });

  it('confirms the order and publishes OrderConfirmed when the outcomes allow it', async () => {
    const { orders, publisher, run, orderId } = setup();

    await run({ action: 'CONFIRM' });

    expect(orders.items.get(orderId)).toMatchObject({ status: 'CONFIRMED', confirmedAt: AT.toISOString() });
    expect(publisher.ofType('OrderConfirmed')).toHaveLength(1);
  });

  it('cancels a confirmed order with its reason and publishes OrderCancelled when the shipment failed', async () => {
    const { orders, publisher, run, orderId } = setup();
    await run({ action: 'CONFIRM' });

    const result = await run({ action: 'CANCEL', reason: 'SHIPMENT_FAILED' });

    expect(result).toEqual({ orderId, status: 'CANCELLED' });
    expect(orders.items.get(orderId)).toMatchObject({ cancellationReason: 'SHIPMENT_FAILED', cancelledAt: AT.toISOString() });
    expect(publisher.ofType('OrderCancelled')[0]?.detail.data).toEqual({ orderId, reason: 'SHIPMENT_FAILED' });
  });

  it('marks the order as owed a refund when it is cancelled after its charge was reported', async () => {
    const { orders, run, orderId } = setup();
    await orders.record(factOf('PaymentSucceeded', orderId));

    await run({ action: 'CANCEL', reason: 'OUT_OF_STOCK' });

    expect(orders.items.get(orderId)).toMatchObject({ status: 'CANCELLED', compensationDueBy: '2026-11-25T09:55:00.000Z' });
  });

  it('completes a confirmed order and publishes OrderCompleted when the shipment was delivered', async () => {
    const { orders, publisher, run, orderId } = setup();
    await run({ action: 'CONFIRM' });

    await run({ action: 'COMPLETE', shipmentId: 'shp_1' });

    expect(orders.items.get(orderId)).toMatchObject({ status: 'COMPLETED', shipmentId: 'shp_1' });
    expect(publisher.ofType('OrderCompleted')[0]?.detail.data).toEqual({ orderId, shipmentId: 'shp_1' });
  });

  it('publishes the same event again, recording the fact once, when re-run after the publish failed', async () => {
    const { orders, publisher, run, orderId } = setup();
    publisher.failNext = new TransientError('EventBridge unavailable');

    await expect(run({ action: 'PLACE' })).rejects.toMatchObject({ name: 'TransientError' });
    await run({ action: 'PLACE' });
    await run({ action: 'PLACE' });

    expect(orders.items.get(orderId)?.history).toHaveLength(1);
    expect(publisher.published).toHaveLength(2);
    expect(publisher.published[1]).toEqual(publisher.published[0]);
  });

  it('throws an IllegalTransitionError and publishes nothing when the order is past the step', async () => {
    const { orders, publisher, run, orderId } = setup();
    await run({ action: 'CANCEL', reason: 'PAYMENT_DECLINED' });

    await expect(run({ action: 'CONFIRM' })).rejects.toThrow(IllegalTransitionError);
    expect(orders.items.get(orderId)?.status).toBe('CANCELLED');
    expect(publisher.ofType('OrderConfirmed')).toHaveLength(0);
  });

  it('throws an UnknownOrderError when the order does not exist', async () => {
    const { run } = setup();

    await expect(run({ action: 'PLACE', orderId: 'ord_doesnotexist' })).rejects.toThrow(UnknownOrderError);
  });

  it.each([
    ['an unknown action', { action: 'REOPEN' }],
    ['a cancellation without a reason', { action: 'CANCEL' }],
    ['an unknown reason', { action: 'CANCEL', reason: 'CHANGED_MIND' }],
    ['a completion without a shipment', { action: 'COMPLETE' }],
    ['no causation id', { action: 'PLACE', causationId: undefined }],
  ])('throws an InvalidTaskInputError when given %s', async (_case, input) => {
    const { run } = setup();

    await expect(run(input as never)).rejects.toThrow(InvalidTaskInputError);
  });

  it('accepts the service sample events when their order exists', async () => {
    const { orders, handler } = setup();
    orders.seed(sampleOrder());

    await expect(handler(serviceEvent('advanceOrder'), lambdaContext('advanceOrder'))).resolves.toMatchObject({ status: 'PLACED' });
    await expect(handler(serviceEvent('advanceOrder.cancel'), lambdaContext('advanceOrder'))).resolves.toMatchObject({ status: 'CANCELLED' });
  });
});
