/**
 * The order API as a signed-in customer's client sees it: `POST /orders` and `GET /orders/{orderId}` on the
 * local cloud's HTTP API, behind the packaged JWT authorizer, served by the packaged functions, with the order
 * run to its end by the real workflows. Who may call what is tests/e2e/auth.test.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bearer, waitForTerminal } from '../../scripts/orders';
import { ROOT } from '../../scripts/stacks';
import { ORDER_TIMEOUT_MS, useE2eCloud } from './support/e2eCloud';

// Start-up and one order through the whole saga, carrier callbacks included.
jest.setTimeout(240_000);

interface OrderRequest {
  lines: { sku: string; quantity: number }[];
  shippingAddress: Record<string, string>;
}

const SAMPLE = JSON.parse(readFileSync(path.join(ROOT, 'services/order/events/order-request.json'), 'utf8')) as OrderRequest;

interface Answer {
  status: number;
  location: string | null;
  contentType: string | null;
  body: { orderId?: string; url?: string; status?: string; message?: string; issues?: string[] } & Record<string, unknown>;
}

const e2e = useE2eCloud('api');
const CUSTOMER = 'cus_e2e_api';
const idempotencyKey = `e2e-api-${Date.now().toString(36)}`;
let token: string;
let accepted: Answer;

const request = async (method: 'GET' | 'POST', route: string, { body, headers = {} }: { body?: string; headers?: Record<string, string> } = {}): Promise<Answer> => {
  const response = await fetch(`${e2e.cloud.httpUrl}${route}`, {
    method,
    headers: { ...bearer(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body }),
  });
  return {
    status: response.status,
    location: response.headers.get('location'),
    contentType: response.headers.get('content-type'),
    body: (await response.json()) as Answer['body'],
  };
};

const postOrder = (body: unknown, headers: Record<string, string>) =>
  request('POST', '/orders', { body: typeof body === 'string' ? body : JSON.stringify(body), headers });

beforeAll(async () => {
  token = await e2e.cloud.identity.issueToken({ subject: CUSTOMER });
  accepted = await postOrder(SAMPLE, { 'idempotency-key': idempotencyKey });
});

describe('POST /orders', () => {
  it('accepts the sample request: 202 with the order id, its URL and a Location header', () => {
    expect(accepted).toMatchObject({ status: 202, contentType: expect.stringContaining('application/json') as unknown });
    expect(accepted.body.orderId).toMatch(/^ord_[0-9A-Za-z]{8,40}$/);
    expect(accepted.body.url).toBe(`/orders/${String(accepted.body.orderId)}`);
    expect(accepted.location).toBe(accepted.body.url);
  });

  it('answers a retry (same Idempotency-Key, same body) with the same order', async () => {
    const retry = await postOrder(SAMPLE, { 'idempotency-key': idempotencyKey });

    expect(retry.status).toBe(202);
    expect(retry.body.orderId).toBe(accepted.body.orderId);
    expect(retry.location).toBe(accepted.location);
  });

  it('recognises a retry whose body has the same fields in another order and layout', async () => {
    const { shippingAddress, lines } = SAMPLE;
    const reordered = JSON.stringify({ shippingAddress, lines: lines.map(({ quantity, sku }) => ({ quantity, sku })) }, null, 2);
    const retry = await postOrder(reordered, { 'idempotency-key': idempotencyKey });

    expect({ status: retry.status, orderId: retry.body.orderId }).toEqual({ status: 202, orderId: accepted.body.orderId });
  });

  it('refuses the same Idempotency-Key with a different body, naming the conflict, and keeps the first order', async () => {
    const different = { ...SAMPLE, lines: [{ sku: 'ceramic-cup', quantity: 3 }] };
    const conflict = await postOrder(different, { 'idempotency-key': idempotencyKey });

    expect(conflict.status).toBeGreaterThanOrEqual(400);
    expect(conflict.status).toBeLessThan(500);
    expect(conflict.body.message).toMatch(/Idempotency-Key/);
    expect(conflict.body.message).toMatch(/different/);
    const order = await request('GET', `/orders/${String(accepted.body.orderId)}`);
    expect((order.body.lines as { sku: string; quantity: number }[]).map(({ sku, quantity }) => ({ sku, quantity }))).toEqual(SAMPLE.lines);
  });

  it('refuses a request without an Idempotency-Key with 400, naming the header', async () => {
    const refused = await postOrder(SAMPLE, {});

    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/Idempotency-Key/);
    expect(refused.body.orderId).toBeUndefined();
  });

  it('refuses a malformed body (quantity 0) with 400 whose message names the field', async () => {
    const malformed = { ...SAMPLE, lines: [{ sku: 'ceramic-cup', quantity: 0 }] };
    const refused = await postOrder(malformed, { 'idempotency-key': `${idempotencyKey}-malformed` });

    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('lines[0].quantity');
    expect(refused.body.orderId).toBeUndefined();
  });

  it('refuses a body that is not JSON with 400', async () => {
    const refused = await postOrder('{"lines": ', { 'idempotency-key': `${idempotencyKey}-not-json` });

    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/body/);
  });
});

describe('GET /orders/{orderId}', () => {
  it('answers 404 for an order id nobody placed', async () => {
    const missing = await request('GET', '/orders/ord_NobodyPlacedThis000');

    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain('ord_NobodyPlacedThis000');
  });

  it('answers 400 for something that is not an order id', async () => {
    const malformed = await request('GET', '/orders/not-an-order');

    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/orderId/);
  });

  it('shows the placed order as it was requested, priced, and nothing internal', async () => {
    const order = await request('GET', `/orders/${String(accepted.body.orderId)}`);

    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({ orderId: accepted.body.orderId, shippingAddress: SAMPLE.shippingAddress });
    expect(order.body.total).toEqual({ amount: expect.any(Number) as unknown, currency: expect.stringMatching(/^[A-Z]{3}$/) as unknown });
    expect(JSON.stringify(order.body)).not.toContain(idempotencyKey);
    expect(JSON.stringify(order.body)).not.toContain(CUSTOMER);
  });

  it('shows the placed order COMPLETED in the end, the carrier having dispatched and delivered it', async () => {
    const order = await waitForTerminal(e2e.cloud.httpUrl, token, String(accepted.body.orderId), ORDER_TIMEOUT_MS);

    expect({ status: order.status, cancellationReason: order.cancellationReason }).toEqual({ status: 'COMPLETED', cancellationReason: undefined });
    expect(order.history.map((entry) => entry.detailType)).toEqual(expect.arrayContaining(['OrderPlaced', 'OrderConfirmed', 'ShipmentDispatched', 'ShipmentDelivered', 'OrderCompleted']));
  });
});

describe('the API documents', () => {
  it.each(['order', 'shipping'])('serves the %s API’s OpenAPI document, as generated, beside the routes and without a token', async (api) => {
    const response = await fetch(`${e2e.cloud.httpUrl}/openapi/${api}.json`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.text()).toBe(readFileSync(path.join(ROOT, `docs/openapi/${api}.json`), 'utf8'));
  });
});
