import '../support/environment';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { orderView } from '../../../../../services/order/src/domain/orderView';
import { makeHandler } from '../../../../../services/order/src/handlers/getOrder';
import { orderViewSchema, problemSchema } from '../../../../../services/order/src/http/apiSchemas';
import { CUSTOMER, getOrderEvent, lambdaContext, placedOrder, sampleOrder, serviceEvent } from '../support/events';
import { disabledTracer, InMemoryOrders, silentLogger } from '../support/fakes';

const setup = () => {
  const orders = new InMemoryOrders();
  const logger = silentLogger();
  const warn = jest.spyOn(logger, 'warn');
  const handler = makeHandler({ orders, logger, tracer: disabledTracer() });
  const send = async (event: APIGatewayProxyEventV2) => {
    const response = await handler(event, lambdaContext('getOrder'));
    return { ...response, json: JSON.parse(String(response.body)) as Record<string, unknown> };
  };
  return { orders, send, warn };
};

describe('getOrder', () => {
  it('answers 200 with the order view, as documented, when the caller is the customer who placed it', async () => {
    const { orders, send } = setup();
    const order = orders.seed(placedOrder('key-1'));

    const response = await send(getOrderEvent(order.orderId, { subject: CUSTOMER }));

    expect(response.statusCode).toBe(200);
    expect(response.json).toEqual(orderView(order));
    expect(orderViewSchema.safeParse(response.json).success).toBe(true);
  });

  it('answers the service sample event with 200 when its customer placed its order', async () => {
    const { orders, send } = setup();
    orders.seed(sampleOrder());

    const response = await send(serviceEvent('getOrder'));

    expect(response.statusCode).toBe(200);
  });

  it('answers another customer exactly as if the order did not exist, and logs the attempt', async () => {
    const { orders, send, warn } = setup();
    const order = orders.seed(placedOrder('key-1'));

    const foreign = await send(getOrderEvent(order.orderId, { subject: 'cus_43' }));
    orders.items.delete(order.orderId);
    const missing = await send(getOrderEvent(order.orderId, { subject: CUSTOMER }));

    expect(foreign.statusCode).toBe(404);
    expect({ statusCode: foreign.statusCode, headers: foreign.headers, body: foreign.body }).toEqual({ statusCode: missing.statusCode, headers: missing.headers, body: missing.body });
    expect(warn).toHaveBeenCalledWith('order asked for by someone other than its customer', { correlationId: order.orderId });
  });

  it('answers 404 naming the order when it does not exist', async () => {
    const { send, warn } = setup();

    const response = await send(getOrderEvent('ord_12345678'));

    expect(response.statusCode).toBe(404);
    expect(response.json).toEqual({ message: 'orderId: no order ord_12345678', issues: ['orderId: no order ord_12345678'] });
    expect(problemSchema.safeParse(response.json).success).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });

  it('answers 401 as API Gateway does when the event carries no caller', async () => {
    const { orders, send } = setup();
    const order = orders.seed(placedOrder('key-1'));

    const response = await send(getOrderEvent(order.orderId, null));

    expect(response.statusCode).toBe(401);
    expect(response.json).toEqual({ message: 'Unauthorized' });
  });

  it.each([
    ['missing', undefined],
    ['not an order id', 'order-1'],
    ['too short', 'ord_1234567'],
    ['carrying other characters', 'ord_1234-5678'],
  ])('answers 400 naming orderId when it is %s', async (_case, orderId) => {
    const { send } = setup();

    const response = await send(getOrderEvent(orderId));

    expect(response.statusCode).toBe(400);
    expect(response.json.message).toBe('orderId: must look like ord_<8-40 letters or digits>');
  });

  it('answers 503 when the table cannot be read', async () => {
    const { orders, send } = setup();
    jest.spyOn(orders, 'get').mockRejectedValueOnce(Object.assign(new Error('Throughput exceeded'), { name: 'ProvisionedThroughputExceededException' }));

    const response = await send(getOrderEvent('ord_12345678'));

    expect(response.statusCode).toBe(503);
  });
});
