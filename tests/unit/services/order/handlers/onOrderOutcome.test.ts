import '../support/environment';
import type { SQSEvent } from 'aws-lambda';
import { TransientError } from '#shared/errors';
import type { Order } from '../../../../../services/order/src/domain/order';
import { makeHandler } from '../../../../../services/order/src/handlers/onOrderOutcome';
import { RecordingResumer } from '../../../../support/recordingResumer';
import { catalogEvent, type CatalogEventOptions, lambdaContext, placedOrder, sampleOrder, serviceEvent, sqsEvent, sqsRecord } from '../support/events';
import { disabledTracer, InMemoryOrders, RecordingDeadLetters, silentLogger } from '../support/fakes';

const AT = new Date('2026-11-25T09:36:00.000Z');

const setup = (overrides: Partial<Order> = {}) => {
  const orders = new InMemoryOrders();
  const resumer = new RecordingResumer();
  const deadLetters = new RecordingDeadLetters();
  const handler = makeHandler({
    orders,
    resumer,
    deadLetters,
    logger: silentLogger(),
    tracer: disabledTracer(),
    maxReceiveCount: 5,
    now: () => AT,
  });
  const order = orders.seed(placedOrder('key-1', overrides));
  const deliver = async (event: SQSEvent) => (await handler(event, lambdaContext('onOrderOutcome')));
  const deliverFacts = (...facts: [string, CatalogEventOptions?][]) =>
    deliver(sqsEvent(...facts.map(([type, options]) => catalogEvent(type, order.orderId, options))));
  const waitFor = (phase: 'OUTCOMES' | 'SHIPMENT' = 'OUTCOMES') =>
    orders.wait(order.orderId, { phase, token: 'token-1', since: AT.toISOString() }, phase === 'OUTCOMES' ? 'PLACED' : 'CONFIRMED');
  const stored = () => orders.items.get(order.orderId);
  return { orders, resumer, deadLetters, deliver, deliverFacts, waitFor, stored, orderId: order.orderId };
};

describe('onOrderOutcome', () => {
  it('marks a cancelled order as owed a refund when its charge is reported after the cancellation, and unmarks it once refunded', async () => {
    const { deliverFacts, stored } = setup({ status: 'CANCELLED', cancellationReason: 'OUTCOMES_TIMED_OUT', cancelledAt: AT.toISOString() });

    await deliverFacts(['PaymentSucceeded']);
    const owed = stored()?.compensationDueBy;
    await deliverFacts(['PaymentRefunded']);

    expect(owed).toBe('2026-11-25T09:51:00.000Z');
    expect(stored()?.compensationDueBy).toBeUndefined();
  });

  it('records the outcome and its history entry, resuming nothing, when the order is not waiting yet', async () => {
    const { resumer, deliverFacts, stored, orderId } = setup();

    const response = await deliverFacts(['PaymentSucceeded']);

    expect(response.batchItemFailures).toEqual([]);
    expect(stored()?.outcomes.PaymentSucceeded).toMatchObject({ idempotencyKey: `${orderId}:payment-succeeded` });
    expect(stored()?.history).toEqual([
      {
        detailType: 'PaymentSucceeded',
        source: 'ordering.payment',
        idempotencyKey: `${orderId}:payment-succeeded`,
        causationId: `${orderId}:placed`,
        occurredAt: '2026-11-25T09:32:00.000Z',
        recordedAt: AT.toISOString(),
      },
    ]);
    expect(resumer.resumed).toEqual([]);
  });

  it('leaves the wait alone when the outcome does not decide it', async () => {
    const { resumer, deliverFacts, waitFor } = setup();
    await waitFor();

    await deliverFacts(['PaymentSucceeded']);

    expect(resumer.resumed).toEqual([]);
  });

  it('resumes the wait with CONFIRM when the second success arrives', async () => {
    const { resumer, deliverFacts, waitFor, orderId } = setup();
    await waitFor();

    await deliverFacts(['StockReserved'], ['PaymentSucceeded']);

    expect(resumer.resumed).toEqual([{ token: 'token-1', output: { action: 'CONFIRM', causationId: `${orderId}:stock-reserved` } }]);
  });

  it('resumes the wait with CANCEL at once when a failure arrives first', async () => {
    const { resumer, deliverFacts, waitFor, orderId } = setup();
    await waitFor();

    await deliverFacts(['PaymentDeclined']);

    expect(resumer.resumed).toEqual([
      { token: 'token-1', output: { action: 'CANCEL', reason: 'PAYMENT_DECLINED', causationId: `${orderId}:payment-declined` } },
    ]);
  });

  it('resumes the shipment wait with COMPLETE when the delivery arrives, and not before', async () => {
    const { resumer, deliverFacts, waitFor } = setup({ status: 'CONFIRMED' });
    await waitFor('SHIPMENT');

    await deliverFacts(['ShipmentCreated'], ['ShipmentDispatched']);
    expect(resumer.resumed).toEqual([]);
    await deliverFacts(['ShipmentDelivered']);

    expect(resumer.resumed[0]?.output).toMatchObject({ action: 'COMPLETE', shipmentId: 'shp_8Vb2Nc4X' });
  });

  it('records a duplicate once and resumes from the stored outcomes, which heals a crash before the first resume', async () => {
    const { resumer, deliverFacts, waitFor, stored } = setup();
    await waitFor();
    resumer.failNext = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });

    const crashed = await deliverFacts(['PaymentDeclined']);
    const redelivered = await deliverFacts(['PaymentDeclined']);

    expect(crashed.batchItemFailures).toHaveLength(1);
    expect(redelivered.batchItemFailures).toEqual([]);
    expect(stored()?.history).toHaveLength(1);
    expect(resumer.resumed).toHaveLength(1);
  });

  it('records a fact once when the same event arrives twice in one batch', async () => {
    const { deliverFacts, stored } = setup();

    await deliverFacts(['StockReserved'], ['StockReserved']);

    expect(stored()?.history).toHaveLength(1);
  });

  it('accepts the answer that the wait was already resumed or timed out', async () => {
    const { resumer, deliverFacts, waitFor } = setup();
    await waitFor();
    await resumer.succeed('token-1', { action: 'CANCEL' });

    const response = await deliverFacts(['PaymentDeclined']);

    expect(response.batchItemFailures).toEqual([]);
  });

  it('records a late success in the history of a cancelled order and changes nothing else', async () => {
    const { resumer, deliverFacts, stored } = setup({
      status: 'CANCELLED',
      cancellationReason: 'PAYMENT_FAILED',
      // A stale token left behind must not be resumed by the late fact.
      waiting: { phase: 'OUTCOMES', token: 'stale', since: AT.toISOString() },
    });

    await deliverFacts(['StockReserved'], ['PaymentSucceeded']);

    expect(stored()).toMatchObject({ status: 'CANCELLED', cancellationReason: 'PAYMENT_FAILED' });
    expect(stored()?.history.map((entry) => entry.detailType)).toEqual(['StockReserved', 'PaymentSucceeded']);
    expect(resumer.resumed).toEqual([]);
  });

  it('records refunds and releases as history without resuming anything', async () => {
    const { resumer, deliverFacts, waitFor, stored } = setup();
    await waitFor();

    await deliverFacts(['PaymentRefunded'], ['StockReleased']);

    expect(stored()?.history.map((entry) => entry.detailType)).toEqual(['PaymentRefunded', 'StockReleased']);
    expect(resumer.resumed).toEqual([]);
  });

  it('dead-letters the event as an UnknownOrderError when the order does not exist', async () => {
    const { deadLetters, deliver } = setup();

    const response = await deliver(sqsEvent(catalogEvent('PaymentSucceeded', 'ord_doesnotexist')));

    expect(response.batchItemFailures).toEqual([]);
    expect(deadLetters.sent).toHaveLength(1);
    expect(deadLetters.sent[0]?.error).toMatchObject({ name: 'UnknownOrderError', message: 'order ord_doesnotexist does not exist' });
  });

  it('dead-letters an event that breaks its contract', async () => {
    const { deadLetters, deliver, orderId } = setup();
    const broken = catalogEvent('PaymentSucceeded', orderId, { data: { amount: { amount: -1, currency: 'EUR' } } });

    await deliver(sqsEvent(broken));

    expect(deadLetters.sent[0]?.error.name).toBe('InvalidEventError');
  });

  it('dead-letters an event order does not subscribe to', async () => {
    const { deadLetters, deliver, orderId } = setup();

    await deliver(sqsEvent(catalogEvent('OrderPlaced', orderId)));

    expect(deadLetters.sent[0]?.error.name).toBe('InvalidEventError');
  });

  it('reports a transient failure for redelivery until the last receive, then dead-letters it', async () => {
    const { orders, deadLetters, deliver, orderId } = setup();
    jest.spyOn(orders, 'record').mockRejectedValue(new TransientError('throttled'));
    const body = catalogEvent('PaymentSucceeded', orderId);

    const early = await deliver({ Records: [sqsRecord(body, 1)] });
    const last = await deliver({ Records: [sqsRecord(body, 5)] });

    expect(early.batchItemFailures).toHaveLength(1);
    expect(last.batchItemFailures).toEqual([]);
    expect(deadLetters.sent).toHaveLength(1);
  });

  it('handles the service sample events when their order exists', async () => {
    const { orders, deadLetters, deliver } = setup();
    orders.seed(sampleOrder());

    for (const name of ['onOrderOutcome', 'onOrderOutcome.declined', 'onOrderOutcome.shipping']) {
      await expect(deliver(serviceEvent(name))).resolves.toEqual({ batchItemFailures: [] });
    }
    expect(deadLetters.sent).toEqual([]);
  });
});
