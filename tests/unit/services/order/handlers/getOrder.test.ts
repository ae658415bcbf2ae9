import '../support/environment';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { orderView } from '../../../../../services/order/src/domain/orderView';
import { makeHandler } from '../../../../../services/order/src/handlers/getOrder';
import { getOrderEvent, lambdaContext, placedOrder, serviceEvent } from '../support/events';
import { disabledTracer, InMemoryOrders, silentLogger } from '../support/fakes';

const setup = () => {
  const orders = new InMemoryOrders();
  const handler = makeHandler({ orders, logger: silentLogger(), tracer: disabledTracer() });
  const send = async (event: APIGatewayProxyEventV2) => {
    const response = (await handler(event, lambdaContext('getOrder')));
    return { ...response, json: JSON.parse(String(response.body)) as Record<string, unknown> };
  };
  return { orders, send };
};

describe('getOrder', () => {
  it('answers 200 with the order view when the order exists', async () => {
    const { orders, send } = setup();
    const order = orders.seed(placedOrder('key-1'));

    const response = await send(getOrderEvent(order.orderId));

    expect(response.statusCode).toBe(200);
    expect(response.json).toEqual(orderView(order));
  });

  it('answers the service sample event with 200 when its order exists', async () => {
    const { orders, send } = setup();
    orders.seed(placedOrder('3f0c9a52-5a1e-4d7e-9b55-2f4f9c1d8e11'));

    const response = await send(serviceEvent('getOrder'));

    expect(response.statusCode).toBe(200);
  });

  it('answers 404 naming the order when it does not exist', async () => {
    const { send } = setup();

    const response = await send(getOrderEvent('ord_12345678'));

    expect(response.statusCode).toBe(404);
    expect(response.json).toMatchObject({ message: 'orderId: no order ord_12345678' });
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
