import '../support/environment';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { OverdueOrders } from '../../../../../services/order/src/domain/incompleteOrders';
import type { Order } from '../../../../../services/order/src/domain/order';
import { makeHandler } from '../../../../../services/order/src/handlers/getIncompleteOrders';
import { incompleteOrdersReportSchema } from '../../../../../services/order/src/http/apiSchemas';
import { asCaller, factOf, lambdaContext, outcomesOf, placedOrder, serviceEvent, type TestCaller } from '../support/events';
import { disabledTracer, silentLogger } from '../support/fakes';

const NOW = new Date('2026-11-25T11:00:00.000Z');

/** What the two indexes would list: orders of a status past their deadline, cancelled orders past their compensation due time. */
const overdueFrom = (orders: Order[]): OverdueOrders => ({
  list: (status, before) => Promise.resolve(orders.filter((order) => order.status === status && Date.parse(order.deadline) < before.getTime())),
  listCompensationDue: (before) =>
    Promise.resolve(orders.filter((order) => order.compensationDueBy !== undefined && Date.parse(order.compensationDueBy) < before.getTime())),
});

const stuck = placedOrder('stuck-placed', { deadline: '2026-11-25T10:00:00.000Z' });
const owing = (() => {
  const paid = factOf('PaymentSucceeded', placedOrder('owed-refund').orderId);
  return placedOrder('owed-refund', {
    status: 'CANCELLED',
    cancellationReason: 'OUT_OF_STOCK',
    cancelledAt: '2026-11-25T10:10:00.000Z',
    compensationDueBy: '2026-11-25T10:30:00.000Z',
    outcomes: outcomesOf(paid),
    history: [paid.history],
  });
})();

const setup = () => {
  const orders = overdueFrom([stuck, owing, placedOrder('on-time', { deadline: '2026-11-25T12:00:00.000Z' })]);
  const list = jest.spyOn(orders, 'list');
  const handler = makeHandler({ orders, logger: silentLogger(), tracer: disabledTracer(), now: () => NOW });
  /** The service sample event (an operator's request), as is or from another caller. */
  const send = async (caller: TestCaller | null | 'as sampled') => {
    const sample = serviceEvent<APIGatewayProxyEventV2>('getIncompleteOrders');
    const response = await handler(caller === 'as sampled' ? sample : asCaller(sample, caller), lambdaContext('getIncompleteOrders'));
    return { ...response, json: JSON.parse(String(response.body)) as Record<string, unknown> };
  };
  return { send, list };
};

describe('getIncompleteOrders', () => {
  it('answers an operator with the incomplete-orders report, as documented: stuck orders and compensation owed', async () => {
    const { send } = setup();

    const response = await send({ subject: 'ops-1', groups: ['operators'] });

    expect(response.statusCode).toBe(200);
    expect(incompleteOrdersReportSchema.safeParse(response.json).error).toBeUndefined();
    expect(response.json).toMatchObject({
      checkedAt: NOW.toISOString(),
      stuck: [{ orderId: stuck.orderId, status: 'PLACED', awaiting: 'payment outcome, stock outcome', overdueSeconds: 3600 }],
      compensationOwed: [{ orderId: owing.orderId, owed: ['refund'], cancellationReason: 'OUT_OF_STOCK', overdueSeconds: 1800 }],
      summary: { stuck: 1, compensationOwed: 1 },
    });
  });

  it('answers the service sample event (an operator) with 200', async () => {
    const { send } = setup();

    const response = await send('as sampled');

    expect(response.statusCode).toBe(200);
  });

  it('shows operators no customer’s address or identity', async () => {
    const { send } = setup();

    const response = await send({ subject: 'ops-1', groups: ['support', 'operators'] });

    expect(response.body).not.toContain(stuck.shippingAddress.line1);
    expect(response.body).not.toContain(stuck.customerId);
  });

  it.each<[string, TestCaller]>([
    ['a customer with no groups', { subject: 'cus_42' }],
    ['a member of other groups only', { subject: 'cus_42', groups: ['support', 'operators-readonly'] }],
  ])('answers 403, reading nothing, when the caller is %s', async (_case, caller) => {
    const { send, list } = setup();

    const response = await send(caller);

    expect(response.statusCode).toBe(403);
    expect(response.json).toEqual({ message: 'Forbidden: operators only (the operators group)' });
    expect(list).not.toHaveBeenCalled();
  });

  it('answers 401 as API Gateway does when the event carries no caller', async () => {
    const { send } = setup();

    const response = await send(null);

    expect(response.statusCode).toBe(401);
  });
});
