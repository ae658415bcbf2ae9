/**
 * What an HTTP API does before and around its functions, as its stage and `CorsConfiguration` declare:
 * token-bucket throttling per route (429) and CORS (preflights answered by the API, headers for allowed
 * origins only, the integration's own CORS headers dropped).
 */
import { LocalHttpApi, type HttpRoute } from '../../../../local/http/httpApi';
import type { LambdaInvoker } from '../../../../local/lambda/invoker';

const ORIGIN = 'http://localhost:5173';

describe('LocalHttpApi throttling and CORS', () => {
  let api: LocalHttpApi;
  let url: string;
  let clock = 0;
  const invoked: string[] = [];
  const responses: [string, number][] = [];

  /** Answers 200 with CORS headers of its own, which API Gateway ignores when the API configures CORS. */
  const invoker: LambdaInvoker = {
    invoke: (functionArn) => {
      invoked.push(functionArn);
      return Promise.resolve({ statusCode: 200, headers: { 'access-control-allow-origin': 'https://evil.example', 'x-order': 'ord_1' }, body: '{}' });
    },
  };

  const route = (routeKey: string, changes: Partial<HttpRoute> = {}): HttpRoute => ({ apiId: 'orders', routeKey, functionArn: routeKey, payloadFormatVersion: '2.0', timeoutMs: 1000, ...changes });

  beforeEach(async () => {
    clock = 0;
    invoked.length = 0;
    responses.length = 0;
    api = new LocalHttpApi(invoker, { now: () => clock, onResponse: (apiId, status) => responses.push([apiId, status]) });
    api.configureApi('orders', { cors: { allowOrigins: [ORIGIN], allowMethods: ['GET', 'POST', 'OPTIONS'], allowHeaders: ['Content-Type', 'Authorization', 'Idempotency-Key'], exposeHeaders: ['x-order'], allowCredentials: false, maxAge: 300 } });
    api.addRoute(route('POST /orders', { throttle: { rateLimit: 1, burstLimit: 3 } }));
    api.addRoute(route('GET /orders/{orderId}', { throttle: { rateLimit: 0, burstLimit: 0 } }));
    api.addRoute(route('GET /health'));
    api.addRoute({ ...route('POST /carrier/callbacks'), apiId: 'carrier' });
    url = `http://127.0.0.1:${await api.listen(0)}`;
  });

  afterEach(() => api.close());

  const post = () => fetch(`${url}/orders`, { method: 'POST', body: '{}' });

  it('answers 429 Too Many Requests without invoking the function once a route’s burst is spent, and lets the next request through once the rate has refilled a token', async () => {
    const burst = [await post(), await post(), await post(), await post()];
    clock += 999;
    const tooEarly = await post();
    clock += 1;
    const refilled = await post();

    expect(burst.map(({ status }) => status)).toEqual([200, 200, 200, 429]);
    await expect(burst[3]?.json()).resolves.toEqual({ message: 'Too Many Requests' });
    expect([tooEarly.status, refilled.status]).toEqual([429, 200]);
    expect(invoked).toEqual(Array.from({ length: 4 }, () => 'POST /orders'));
    expect(responses.filter(([, status]) => status === 429)).toHaveLength(2);
  });

  it('throttles every request of a route whose burst is 0, and none of a route without throttling', async () => {
    const statuses = await Promise.all([fetch(`${url}/orders/ord_1`), ...Array.from({ length: 20 }, () => fetch(`${url}/health`))].map(async (response) => (await response).status));

    expect(statuses).toEqual([429, ...Array.from({ length: 20 }, () => 200)]);
  });

  it('answers a preflight from an allowed origin itself, with the configured methods, headers and max age, invoking nothing', async () => {
    const response = await fetch(`${url}/orders`, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } });

    expect(response.status).toBe(204);
    expect(Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-')))).toEqual({
      'access-control-allow-origin': ORIGIN,
      'access-control-allow-methods': 'GET,POST,OPTIONS',
      'access-control-allow-headers': 'Content-Type,Authorization,Idempotency-Key',
      'access-control-max-age': '300',
    });
    expect(invoked).toEqual([]);
  });

  it('answers a preflight from an origin it does not allow without any CORS header', async () => {
    const response = await fetch(`${url}/orders`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });

    expect(response.status).toBe(204);
    expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
    expect(invoked).toEqual([]);
  });

  it('puts its own CORS headers on a response to an allowed origin, in place of the function’s', async () => {
    const response = await fetch(`${url}/health`, { headers: { origin: ORIGIN } });

    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(response.headers.get('access-control-expose-headers')).toBe('x-order');
    expect(response.headers.get('x-order')).toBe('ord_1');
  });

  it('puts no CORS header on a response to an origin it does not allow, dropping the function’s', async () => {
    const response = await fetch(`${url}/health`, { headers: { origin: 'https://evil.example' } });

    expect(response.status).toBe(200);
    expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });

  it('puts its CORS headers on the answers it gives itself, so that a browser can read a 429', async () => {
    const response = await fetch(`${url}/orders/ord_1`, { headers: { origin: ORIGIN } });

    expect(response.status).toBe(429);
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });

  it('leaves the responses of an API without a CORS configuration as its function gave them, and answers its preflights 404', async () => {
    const response = await fetch(`${url}/carrier/callbacks`, { method: 'POST', body: '{}', headers: { origin: ORIGIN } });
    const preflight = await fetch(`${url}/carrier/callbacks`, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } });

    expect(response.headers.get('access-control-allow-origin')).toBe('https://evil.example');
    expect(preflight.status).toBe(404);
  });

  it('serves a document at its path beside the routes, to any origin, invoking nothing', async () => {
    api.serveDocument('/openapi/order.json', { openapi: '3.1.0', info: { title: 'order' } });

    const response = await fetch(`${url}/openapi/order.json`);

    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    await expect(response.json()).resolves.toEqual({ openapi: '3.1.0', info: { title: 'order' } });
    expect(invoked).toEqual([]);
    expect(responses).toEqual([]);
  });

  it('refuses a document at a path a route serves', () => {
    expect(() => api.serveDocument('/orders/openapi.json', {})).toThrow('/orders/openapi.json is a path of route GET /orders/{orderId}; a document would hide it');
  });
});
