import '../support/environment';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { PermanentError } from '#shared/errors';
import { orderIdFor } from '../../../../../services/order/src/domain/orderId';
import { DEFAULT_TIMEOUTS, makeHandler, timeoutsFromEnv } from '../../../../../services/order/src/handlers/placeOrder';
import { lambdaContext, NOW, postOrder, requestBody, serviceEvent, TIMEOUTS } from '../support/events';
import { disabledTracer, InMemoryOrders, RecordingWorkflows, silentLogger } from '../support/fakes';

const setup = () => {
  const orders = new InMemoryOrders();
  const workflows = new RecordingWorkflows();
  const handler = makeHandler({ orders, workflows, timeouts: TIMEOUTS, logger: silentLogger(), tracer: disabledTracer(), now: () => NOW });
  const send = async (event: APIGatewayProxyEventV2) => {
    const response = (await handler(event, lambdaContext('placeOrder')));
    return { ...response, json: JSON.parse(String(response.body)) as Record<string, unknown> };
  };
  return { orders, workflows, send };
};

describe('placeOrder', () => {
  it('stores the order, starts its workflow and answers 202 with where to read it when the request is valid', async () => {
    const { orders, workflows, send } = setup();
    const orderId = orderIdFor('key-1');

    const response = await send(postOrder(requestBody()));

    expect(response.statusCode).toBe(202);
    expect(response.headers).toMatchObject({ location: `/orders/${orderId}`, 'content-type': 'application/json' });
    expect(response.json).toEqual({ orderId, status: 'PLACED', url: `/orders/${orderId}` });
    expect(orders.items.get(orderId)).toMatchObject({ status: 'PLACED', total: { amount: 5800, currency: 'EUR' }, requestKey: 'key-1' });
    expect(workflows.starts).toEqual([{ name: `order-${orderId}`, input: { orderId, timeouts: TIMEOUTS, causationId: 'key-1' } }]);
  });

  it('answers the service sample event with 202', async () => {
    const { send } = setup();

    const response = await send(serviceEvent('placeOrder'));

    expect(response.json).toMatchObject({ orderId: orderIdFor('3f0c9a52-5a1e-4d7e-9b55-2f4f9c1d8e11'), status: 'PLACED' });
  });

  it('answers the same order again, and starts its workflow again, when the same request is retried', async () => {
    const { orders, workflows, send } = setup();
    const first = await send(postOrder(requestBody()));
    const { lines, shippingAddress, customerId } = requestBody();

    const retry = await send(postOrder(`{ "shippingAddress": ${JSON.stringify(shippingAddress)},\n "lines": ${JSON.stringify(lines)}, "customerId": "${customerId}" }`));

    expect(retry.statusCode).toBe(202);
    expect(retry.json).toEqual(first.json);
    expect(orders.items.size).toBe(1);
    // The second start heals a crash between the put and the first start; Step Functions absorbs it otherwise.
    expect(workflows.starts.map((start) => start.name)).toEqual([`order-${orderIdFor('key-1')}`, `order-${orderIdFor('key-1')}`]);
  });

  it('answers with the current status when a retry comes after the order moved on', async () => {
    const { orders, send } = setup();
    await send(postOrder(requestBody()));
    const stored = orders.items.get(orderIdFor('key-1'));
    if (stored) stored.status = 'CONFIRMED';

    const retry = await send(postOrder(requestBody()));

    expect(retry.json).toMatchObject({ status: 'CONFIRMED' });
  });

  it('answers 422 naming the key, and starts nothing, when the key was used for a different request', async () => {
    const { orders, workflows, send } = setup();
    await send(postOrder(requestBody()));

    const conflict = await send(postOrder({ ...requestBody(), customerId: 'cus_43' }));

    expect(conflict.statusCode).toBe(422);
    expect(conflict.json.message).toBe('Idempotency-Key: already used for a different order request; use a new key for a new order');
    expect(orders.items.get(orderIdFor('key-1'))?.customerId).toBe('cus_42');
    expect(workflows.starts).toHaveLength(1);
  });

  it('answers 400 naming the header when Idempotency-Key is missing', async () => {
    const { orders, send } = setup();

    const response = await send(postOrder(requestBody(), {}));

    expect(response.statusCode).toBe(400);
    expect(response.json).toEqual({ message: 'Idempotency-Key: header is required', issues: ['Idempotency-Key: header is required'] });
    expect(orders.items.size).toBe(0);
  });

  it.each<[string, unknown, string]>([
    ['a quantity is 0', { ...requestBody(), lines: [{ sku: 'grinder', quantity: 1 }, { sku: 'ceramic-cup', quantity: 0 }] }, 'lines[1].quantity: must be ≥ 1'],
    ['the customer is missing', { ...requestBody(), customerId: undefined }, 'customerId: is required'],
    ['the address has no postal code', { ...requestBody(), shippingAddress: { ...requestBody().shippingAddress, postalCode: '' } }, 'shippingAddress.postalCode: must not be empty'],
    ['there are no lines', { ...requestBody(), lines: [] }, 'lines: must have at least 1 item'],
    ['the body is not JSON', '{"customerId": ', 'body: must be valid JSON'],
    ['the body is empty', '', 'body: is required'],
  ])('answers 400 naming the field, and stores nothing, when %s', async (_case, body, issue) => {
    const { orders, workflows, send } = setup();

    const response = await send(postOrder(body));

    expect(response.statusCode).toBe(400);
    expect(response.json).toEqual({ message: issue, issues: [issue] });
    expect(orders.items.size).toBe(0);
    expect(workflows.starts).toHaveLength(0);
  });

  it('answers 400 with every issue when the sample invalid event has one', async () => {
    const { send } = setup();

    const response = await send(serviceEvent('placeOrder.invalid'));

    expect(response.json).toMatchObject({ issues: ['lines[1].quantity: must be ≥ 1'] });
  });

  it('answers 422 naming the line when a sku is not sold', async () => {
    const { orders, send } = setup();

    const response = await send(postOrder({ ...requestBody(), lines: [{ sku: 'grinder', quantity: 1 }, { sku: 'tea-pot', quantity: 1 }] }));

    expect(response.statusCode).toBe(422);
    expect(response.json.issues).toEqual(['lines[1].sku: "tea-pot" is not a product we sell']);
    expect(orders.items.size).toBe(0);
  });

  it('reads the body when HTTP API delivers it base64-encoded', async () => {
    const { send } = setup();
    const event = postOrder(requestBody());

    const response = await send({ ...event, body: Buffer.from(String(event.body)).toString('base64'), isBase64Encoded: true });

    expect(response.statusCode).toBe(202);
  });

  it('answers 503 with Retry-After, keeping the order, when the workflow cannot be started; the retry starts it', async () => {
    const { orders, workflows, send } = setup();
    workflows.failNext = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

    const failed = await send(postOrder(requestBody()));
    const retried = await send(postOrder(requestBody()));

    expect(failed.statusCode).toBe(503);
    expect(failed.headers).toMatchObject({ 'retry-after': '1' });
    expect(orders.items.size).toBe(1);
    expect(retried.statusCode).toBe(202);
    expect(workflows.starts).toHaveLength(1);
  });

  it('answers 500 when a permanent error (a bug) occurs', async () => {
    const { workflows, send } = setup();
    workflows.failNext = new PermanentError('environment variable STATE_MACHINE_NAME is not set');

    const response = await send(postOrder(requestBody()));

    expect(response.statusCode).toBe(500);
    expect(response.json).toEqual({ message: 'internal error' });
  });

  it('answers 500, not a 503 inviting a retry, when the code throws something that is not an AWS failure', async () => {
    const { workflows, send } = setup();
    workflows.failNext = new TypeError("Cannot read properties of undefined (reading 'orderId')");

    const response = await send(postOrder(requestBody()));

    expect(response.statusCode).toBe(500);
  });
});

describe('timeoutsFromEnv', () => {
  it('uses the production waits when nothing is set', () => {
    expect(timeoutsFromEnv({})).toEqual(DEFAULT_TIMEOUTS);
    expect(DEFAULT_TIMEOUTS).toEqual({ outcomesSeconds: 900, shipmentSeconds: 604_800 });
  });

  it('reads both waits when they are set', () => {
    expect(timeoutsFromEnv({ OUTCOMES_TIMEOUT_SECONDS: '1', SHIPMENT_TIMEOUT_SECONDS: '2' })).toEqual({ outcomesSeconds: 1, shipmentSeconds: 2 });
  });

  it.each(['0', '-5', '1.5', 'soon'])('throws a PermanentError naming the setting when it is %s', (value) => {
    expect(() => timeoutsFromEnv({ OUTCOMES_TIMEOUT_SECONDS: value })).toThrow(
      new PermanentError(`OUTCOMES_TIMEOUT_SECONDS must be a whole number of seconds ≥ 1, got "${value}"`),
    );
  });
});
