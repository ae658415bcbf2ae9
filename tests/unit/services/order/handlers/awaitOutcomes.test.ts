import '../support/environment';
import { InvalidTaskInputError } from '#shared/tasks';
import { UnexpectedStatusError, UnknownOrderError } from '../../../../../services/order/src/domain/errors';
import type { Order } from '../../../../../services/order/src/domain/order';
import type { OutcomeType } from '../../../../../services/order/src/domain/outcomes';
import { makeHandler } from '../../../../../services/order/src/handlers/awaitOutcomes';
import { RecordingResumer } from '../../../../support/recordingResumer';
import { factOf, lambdaContext, placedOrder, sampleOrder, serviceEvent } from '../support/events';
import { disabledTracer, InMemoryOrders, silentLogger } from '../support/fakes';

const AT = new Date('2026-11-25T09:31:00.000Z');

const setup = (overrides: Partial<Order> = {}) => {
  const orders = new InMemoryOrders();
  const resumer = new RecordingResumer();
  const handler = makeHandler({ orders, resumer, logger: silentLogger(), tracer: disabledTracer(), now: () => AT });
  const order = orders.seed(placedOrder('key-1', overrides));
  const record = (...types: OutcomeType[]) => Promise.all(types.map((type) => orders.record(factOf(type, order.orderId))));
  const wait = (phase: 'OUTCOMES' | 'SHIPMENT' = 'OUTCOMES', token = 'token-1', orderId = order.orderId) =>
    handler({ orderId, phase, token }, lambdaContext('awaitOutcomes'));
  return { orders, resumer, handler, record, wait, orderId: order.orderId };
};

describe('awaitOutcomes', () => {
  it('stores the token and leaves the workflow waiting when no outcome is known', async () => {
    const { orders, resumer, wait, orderId } = setup();

    const result = await wait();

    expect(result).toEqual({ orderId, phase: 'OUTCOMES', resumed: 'waiting' });
    expect(orders.items.get(orderId)?.waiting).toEqual({ phase: 'OUTCOMES', token: 'token-1', since: AT.toISOString() });
    expect(resumer.resumed).toEqual([]);
  });

  it('leaves the workflow waiting when only one side has answered', async () => {
    const { resumer, record, wait } = setup();
    await record('PaymentSucceeded');

    await wait();

    expect(resumer.resumed).toEqual([]);
  });

  it('resumes its own wait with CONFIRM when both outcomes were recorded before the token', async () => {
    const { resumer, record, wait, orderId } = setup();
    await record('PaymentSucceeded', 'StockReserved');

    const result = await wait();

    expect(result.resumed).toBe('resumed');
    expect(resumer.resumed).toEqual([{ token: 'token-1', output: { action: 'CONFIRM', causationId: `${orderId}:stock-reserved` } }]);
  });

  it('resumes its own wait with CANCEL when a failure was recorded before the token', async () => {
    const { resumer, record, wait } = setup();
    await record('StockReservationFailed');

    await wait();

    expect(resumer.resumed[0]?.output).toMatchObject({ action: 'CANCEL', reason: 'OUT_OF_STOCK' });
  });

  it('resumes its own shipment wait with COMPLETE when the delivery was recorded before the token', async () => {
    const { resumer, record, wait } = setup({ status: 'CONFIRMED' });
    await record('ShipmentCreated', 'ShipmentDelivered');

    await wait('SHIPMENT');

    expect(resumer.resumed[0]?.output).toMatchObject({ action: 'COMPLETE', shipmentId: 'shp_8Vb2Nc4X' });
  });

  it('succeeds when the token was already answered by an outcome consumer', async () => {
    const { resumer, record, wait } = setup();
    await record('PaymentDeclined');
    await resumer.succeed('token-1', { action: 'CANCEL' });

    await expect(wait()).resolves.toMatchObject({ resumed: 'already-closed' });
  });

  it('throws an UnexpectedStatusError when the order is not in the phase the wait is for', async () => {
    const { wait } = setup({ status: 'CANCELLED' });

    await expect(wait('OUTCOMES')).rejects.toThrow(UnexpectedStatusError);
  });

  it('throws an UnknownOrderError when the order does not exist', async () => {
    const { wait } = setup();

    await expect(wait('OUTCOMES', 'token-1', 'ord_doesnotexist')).rejects.toThrow(UnknownOrderError);
  });

  it('throws an InvalidTaskInputError when the token is missing', async () => {
    const { handler, orderId } = setup();

    await expect(handler({ orderId, phase: 'OUTCOMES' }, lambdaContext('awaitOutcomes'))).rejects.toThrow(InvalidTaskInputError);
  });

  it('accepts the service sample event when its order exists', async () => {
    const { orders, handler } = setup();
    orders.seed(sampleOrder());

    await expect(handler(serviceEvent('awaitOutcomes'), lambdaContext('awaitOutcomes'))).resolves.toMatchObject({ resumed: 'waiting' });
  });
});
