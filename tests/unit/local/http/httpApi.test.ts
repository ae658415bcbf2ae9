import { LocalHttpApi, type HttpRoute } from '../../../../local/http/httpApi';
import { LambdaFunctionError, type LambdaInvoker } from '../../../../local/lambda/invoker';

/** Functions that answer by their ARN: `ok` with 202, `fails` by throwing, `slow` never in time. */
const invoker: LambdaInvoker = {
  invoke: (functionArn, payload) => {
    switch (functionArn) {
      case 'ok':
        return Promise.resolve({ statusCode: 202, body: JSON.stringify({ apiId: (payload as { requestContext: { apiId: string } }).requestContext.apiId }) });
      case 'fails':
        return Promise.reject(new LambdaFunctionError('TypeError', 'a bug'));
      default:
        return new Promise(() => undefined);
    }
  },
};

const route = (apiId: string, routeKey: string, functionArn: string): HttpRoute => ({ apiId, routeKey, functionArn, payloadFormatVersion: '2.0', timeoutMs: 200 });

describe('LocalHttpApi', () => {
  let api: LocalHttpApi;
  let url: string;
  const responses: [string, number][] = [];
  const logged: string[] = [];

  beforeEach(async () => {
    responses.length = 0;
    logged.length = 0;
    api = new LocalHttpApi(invoker, { onResponse: (apiId, statusCode) => responses.push([apiId, statusCode]), log: (line) => logged.push(line) });
    api.addRoute(route('orders0001', 'POST /orders', 'ok'));
    api.addRoute(route('orders0001', 'GET /orders/{orderId}', 'fails'));
    api.addRoute(route('carrier001', 'POST /carrier/callbacks', 'slow'));
    url = `http://127.0.0.1:${await api.listen(0)}`;
  });

  afterEach(async () => {
    await api.close();
  });

  it('reports each response with the ApiId of the route’s API, the error statuses API Gateway gives included', async () => {
    const statuses = [
      (await fetch(`${url}/orders`, { method: 'POST', body: '{}' })).status,
      (await fetch(`${url}/orders/ord_1`)).status,
      (await fetch(`${url}/carrier/callbacks`, { method: 'POST', body: '{}' })).status,
    ];

    expect(statuses).toEqual([202, 500, 503]);
    expect(responses).toEqual([
      ['orders0001', 202],
      ['orders0001', 500],
      ['carrier001', 503],
    ]);
    expect(logged).toEqual(['GET /orders/{orderId} failed: a bug', 'POST /carrier/callbacks failed: integration timed out after 200 ms']);
  });

  it('puts the route’s ApiId in the event’s request context', async () => {
    const response = await fetch(`${url}/orders`, { method: 'POST', body: '{}' });

    await expect(response.json()).resolves.toEqual({ apiId: 'orders0001' });
  });

  it('reports nothing for a request no route matches, which belongs to no API', async () => {
    const response = await fetch(`${url}/nowhere`);

    expect(response.status).toBe(404);
    expect(responses).toEqual([]);
  });
});
