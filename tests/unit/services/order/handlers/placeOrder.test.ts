import '../support/environment';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { PermanentError } from '#shared/errors';
import { orderAcceptedSchema, problemSchema } from '../../../../../services/order/src/http/apiSchemas';
import { DEFAULT_TIMEOUTS, makeHandler, randomOrderId, timeoutsFromEnv } from '../../../../../services/order/src/handlers/placeOrder';
import { CUSTOMER, keyFor, lambdaContext, NOW, postOrder, requestBody, SAMPLE_CUSTOMER, serviceEvent, testOrderId, TIMEOUTS } from '../support/events';
import { disabledTracer, InMemoryKeys, InMemoryOrders, RecordingWorkflows, silentLogger } from '../support/fakes';

const KEY = keyFor('key-1');

const setup = () => {
  const orders = new InMemoryOrders();
  const keys = new InMemoryKeys();
  const workflows = new RecordingWorkflows();
  // Each attempt draws its own id, as randomOrderId does: draw-1, draw-2, …
  let draws = 0;
  const drawn = (n: number) => testOrderId(`draw-${n}`);
  const handler = makeHandler({
    orders,
    keys,
    workflows,
    timeouts: TIMEOUTS,
    logger: silentLogger(),
    tracer: disabledTracer(),
    now: () => NOW,
    newOrderId: () => drawn(++draws),
  });
  const send = async (event: APIGatewayProxyEventV2) => {
    const response = await handler(event, lambdaContext('placeOrder'));
    return { ...response, json: JSON.parse(String(response.body)) as Record<string, unknown> };
  };
  return { orders, keys, workflows, send, drawn };
};

describe('placeOrder', () => {
  it('claims the key, stores the order of the signed-in customer under the drawn id, starts its workflow and answers 202 when the request is valid', async () => {
    const { orders, keys, workflows, send, drawn } = setup();
    const orderId = drawn(1);

    const response = await send(postOrder(requestBody()));

    expect(response.statusCode).toBe(202);
    expect(response.headers).toMatchObject({ location: `/orders/${orderId}`, 'content-type': 'application/json' });
    expect(response.json).toEqual({ orderId, status: 'PLACED', url: `/orders/${orderId}` });
    expect(orderAcceptedSchema.safeParse(response.json).success).toBe(true);
    expect(keys.of(CUSTOMER, KEY)).toMatchObject({ orderId, customerId: CUSTOMER });
    expect(orders.items.get(orderId)).toMatchObject({ customerId: CUSTOMER, status: 'PLACED', total: { amount: 5800, currency: 'EUR' }, requestKey: KEY });
    expect(workflows.starts).toEqual([{ name: `order-${orderId}`, input: { orderId, timeouts: TIMEOUTS, causationId: KEY } }]);
  });

  it('answers the service sample event with 202 for the customer its token names', async () => {
    const { orders, send } = setup();

    const response = await send(serviceEvent('placeOrder'));

    expect(response.statusCode).toBe(202);
    expect(orders.items.get(String(response.json.orderId))?.customerId).toBe(SAMPLE_CUSTOMER);
  });

  it('answers the same order again, and starts its workflow again, when the same request is retried', async () => {
    const { orders, workflows, send, drawn } = setup();
    const first = await send(postOrder(requestBody()));
    const { lines, shippingAddress } = requestBody();

    const retry = await send(postOrder(`{ "shippingAddress": ${JSON.stringify(shippingAddress)},\n "lines": ${JSON.stringify(lines)} }`));

    expect(retry.statusCode).toBe(202);
    expect(retry.json).toEqual(first.json);
    expect([...orders.items.keys()]).toEqual([drawn(1)]);
    // The second start heals a crash between the put and the first start; Step Functions absorbs it otherwise.
    expect(workflows.starts.map((start) => start.name)).toEqual([`order-${drawn(1)}`, `order-${drawn(1)}`]);
  });

  it('stores the order under the first attempt’s id when the first attempt claimed the key and crashed before storing the order', async () => {
    const { orders, keys, workflows, send, drawn } = setup();
    jest.spyOn(orders, 'create').mockRejectedValueOnce(Object.assign(new Error('Connection reset'), { name: 'TimeoutError', code: 'ECONNRESET' }));
    const crashed = await send(postOrder(requestBody()));

    const retry = await send(postOrder(requestBody()));

    expect(crashed.statusCode).toBe(503);
    expect(keys.items.size).toBe(1);
    expect(retry.statusCode).toBe(202);
    expect(retry.json.orderId).toBe(drawn(1));
    expect([...orders.items.keys()]).toEqual([drawn(1)]);
    expect(workflows.starts.map((start) => start.name)).toEqual([`order-${drawn(1)}`]);
  });

  it('answers with the current status when a retry comes after the order moved on', async () => {
    const { orders, send, drawn } = setup();
    await send(postOrder(requestBody()));
    const stored = orders.items.get(drawn(1));
    if (stored) stored.status = 'CONFIRMED';

    const retry = await send(postOrder(requestBody()));

    expect(retry.json).toMatchObject({ status: 'CONFIRMED' });
  });

  it('places two orders, one per customer, when two customers send the same key', async () => {
    const { orders, keys, send, drawn } = setup();

    const first = await send(postOrder(requestBody(), { 'idempotency-key': KEY }, { subject: CUSTOMER }));
    const second = await send(postOrder(requestBody(), { 'idempotency-key': KEY }, { subject: 'cus_43' }));

    expect([first.json.orderId, second.json.orderId]).toEqual([drawn(1), drawn(2)]);
    expect(orders.items.get(drawn(2))?.customerId).toBe('cus_43');
    expect(keys.items.size).toBe(2);
  });

  it('answers 422 naming the key, and stores and starts nothing more, when the customer used the key for a different request', async () => {
    const { orders, workflows, send, drawn } = setup();
    await send(postOrder(requestBody()));

    const conflict = await send(postOrder({ ...requestBody(), lines: [{ sku: 'grinder', quantity: 1 }] }));

    expect(conflict.statusCode).toBe(422);
    expect(conflict.json.message).toBe('Idempotency-Key: already used for a different order request; use a new key for a new order');
    expect([...orders.items.keys()]).toEqual([drawn(1)]);
    expect(orders.items.get(drawn(1))?.lines.map((line) => line.sku)).toEqual(['espresso-beans-1kg', 'ceramic-cup']);
    expect(workflows.starts).toHaveLength(1);
  });

  it('answers 400 naming the field, and stores nothing, when the body says who the customer is', async () => {
    const { orders, keys, send } = setup();

    const response = await send(postOrder({ ...requestBody(), customerId: 'cus_someone_else' }));

    expect(response.statusCode).toBe(400);
    expect(response.json).toEqual({ message: 'customerId: not allowed; the customer is the signed-in user', issues: ['customerId: not allowed; the customer is the signed-in user'] });
    expect(orders.items.size + keys.items.size).toBe(0);
  });

  it('answers 401 as API Gateway does, and stores nothing, when the event carries no caller', async () => {
    const { orders, keys, send } = setup();

    const response = await send(postOrder(requestBody(), { 'idempotency-key': KEY }, null));

    expect(response.statusCode).toBe(401);
    expect(response.json).toEqual({ message: 'Unauthorized' });
    expect(orders.items.size + keys.items.size).toBe(0);
  });

  it('answers 403, and stores nothing, when the caller’s id is too long to be a customer id', async () => {
    const { orders, send } = setup();

    const response = await send(postOrder(requestBody(), { 'idempotency-key': KEY }, { subject: 'u'.repeat(65) }));

    expect(response.statusCode).toBe(403);
    expect(response.json.message).toMatch(/sub/);
    expect(orders.items.size).toBe(0);
  });

  it('answers 400 naming the header when Idempotency-Key is missing', async () => {
    const { orders, send } = setup();

    const response = await send(postOrder(requestBody(), {}));

    expect(response.statusCode).toBe(400);
    expect(response.json).toEqual({ message: 'Idempotency-Key: header is required', issues: ['Idempotency-Key: header is required'] });
    expect(problemSchema.safeParse(response.json).success).toBe(true);
    expect(orders.items.size).toBe(0);
  });

  it.each([
    ['one character long', 'k'],
    ['made of unsafe characters', 'order number 1 of today'],
  ])('answers 400 naming the header, and claims nothing, when the key is %s', async (_case, key) => {
    const { keys, send } = setup();

    const response = await send(postOrder(requestBody(), { 'idempotency-key': key }));

    expect(response.statusCode).toBe(400);
    expect(response.json.message).toMatch(/^Idempotency-Key: /);
    expect(keys.items.size).toBe(0);
  });

  it.each<[string, unknown, string]>([
    ['a quantity is 0', { ...requestBody(), lines: [{ sku: 'grinder', quantity: 1 }, { sku: 'ceramic-cup', quantity: 0 }] }, 'lines[1].quantity: must be ≥ 1'],
    ['the address has no postal code', { ...requestBody(), shippingAddress: { ...requestBody().shippingAddress, postalCode: '' } }, 'shippingAddress.postalCode: must not be empty'],
    ['there are no lines', { ...requestBody(), lines: [] }, 'lines: must have at least 1 item'],
    ['the body is not JSON', '{"lines": ', 'body: must be valid JSON'],
    ['the body is empty', '', 'body: is required'],
  ])('answers 400 naming the field, and stores nothing, when %s', async (_case, body, issue) => {
    const { orders, keys, workflows, send } = setup();

    const response = await send(postOrder(body));

    expect(response.statusCode).toBe(400);
    expect(response.json).toEqual({ message: issue, issues: [issue] });
    expect(orders.items.size + keys.items.size).toBe(0);
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

describe('randomOrderId', () => {
  it('draws an id of ord_ and 22 base62 characters, a different one each time', () => {
    const ids = new Set(Array.from({ length: 100 }, randomOrderId));

    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^ord_[0-9A-Za-z]{22}$/);
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
