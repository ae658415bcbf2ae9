/**
 * Who may place, read and complete an order, through the local cloud: the packaged order API behind its
 * packaged JWT authorizer, whose issuer and audience are the identity stack's user pool and web client, with
 * tokens signed by that pool's local issuer. Customers authenticate; an order is its customer's alone; operators
 * are a separate audience, told apart by their group.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { bearer } from '../../scripts/orders';
import { ROOT } from '../../scripts/stacks';
import { useE2eCloud } from './support/e2eCloud';
import { packagedTableName, scanTable } from './support/stores';

jest.setTimeout(120_000);

const e2e = useE2eCloud('auth');
const SAMPLE = JSON.parse(readFileSync(path.join(ROOT, 'services/order/events/order-request.json'), 'utf8')) as Record<string, unknown>;
const runId = Date.now().toString(36);

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: Record<string, unknown>;
}

const call = async (method: 'GET' | 'POST' | 'OPTIONS', route: string, headers: Record<string, string> = {}, body?: unknown): Promise<Answer> => {
  const response = await fetch(`${e2e.cloud.httpUrl}${route}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
};

const tokenFor = (subject: string, options: { groups?: string[]; expiresInSeconds?: number; audience?: string } = {}) =>
  e2e.cloud.identity.issueToken({ subject, ...options });

const placeAs = async (token: string, idempotencyKey: string, body: unknown = SAMPLE) =>
  call('POST', '/orders', { ...bearer(token), 'idempotency-key': idempotencyKey }, body);

/** A token that is a real RS256 JWT in Cognito's shape, but signed by a key and an issuer the API does not trust. */
const foreignToken = async (subject: string): Promise<string> => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const { kid = 'foreign-key' } = await exportJWK(publicKey);
  return new SignJWT({ token_use: 'id', 'cognito:groups': ['operators'] })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_SomeoneElse')
    .setAudience(e2e.cloud.identity.audience)
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);
};

/** The same token with its payload rewritten (another customer, the operators group) and the signature kept. */
const tampered = (token: string, change: (claims: Record<string, unknown>) => void): string => {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(String(payload), 'base64url').toString('utf8')) as Record<string, unknown>;
  change(claims);
  return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
};

let alice: string;
let bob: string;
let aliceOrderId: string;

beforeAll(async () => {
  [alice, bob] = await Promise.all([tokenFor('cus_alice_auth'), tokenFor('cus_bob_auth')]);
  const placed = await placeAs(alice, `e2e-auth-${runId}-alice-first`);
  if (placed.status !== 202) throw new Error(`alice's order was not placed: ${placed.status} ${placed.text}`);
  aliceOrderId = String(placed.body.orderId);
});

describe('customers authenticate', () => {
  const ROUTES = [
    ['POST', '/orders'],
    ['GET', '/orders/ord_NobodyPlacedThis000'],
    ['GET', '/operations/orders/incomplete'],
  ] as const;

  it.each(ROUTES)('answers %s %s without a token 401 Unauthorized, as API Gateway does', async (method, route) => {
    const answer = await call(method, route, { 'idempotency-key': `e2e-auth-${runId}-anonymous` }, method === 'POST' ? SAMPLE : undefined);

    expect({ status: answer.status, body: answer.body }).toEqual({ status: 401, body: { message: 'Unauthorized' } });
  });

  it.each<[string, () => Promise<string>]>([
    ['an expired token', () => tokenFor('cus_alice_auth', { expiresInSeconds: -1 })],
    ['a token for another audience (app client)', () => tokenFor('cus_alice_auth', { audience: 'some-other-app-client' })],
    ['a token from another issuer, signed with its key', () => foreignToken('cus_alice_auth')],
    ['a token whose payload was rewritten to another customer', () => Promise.resolve(tampered(alice, (claims) => (claims.sub = 'cus_bob_auth')))],
    ['a token whose signature was altered', () => Promise.resolve(`${alice.slice(0, -6)}${alice.slice(-6) === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA'}`)],
    ['a token that is not a JWT', () => Promise.resolve('not-a-jwt')],
  ])('answers 401, placing nothing, when the request carries %s', async (_case, token) => {
    const key = `e2e-auth-${runId}-refused-${Math.random().toString(36).slice(2)}`;

    const placed = await placeAs(await token(), key);
    const read = await call('GET', `/orders/${aliceOrderId}`, bearer(await token()));

    expect([placed.status, read.status]).toEqual([401, 401]);
    expect(placed.body).toEqual({ message: 'Unauthorized' });
    // Nothing was placed under that key: the same key, sent by the real customer, places a new order.
    const genuine = await placeAs(alice, key);
    expect(genuine.status).toBe(202);
    expect(genuine.body.orderId).not.toBe(aliceOrderId);
  });

  it('answers 400 naming the field when the body says who the customer is', async () => {
    const answer = await placeAs(alice, `e2e-auth-${runId}-customer-in-body`, { ...SAMPLE, customerId: 'cus_bob_auth' });

    expect(answer.status).toBe(400);
    expect(answer.body.message).toBe('customerId: not allowed; the customer is the signed-in user');
  });

  it('answers 400 naming the header when the Idempotency-Key is too short to be unique', async () => {
    const answer = await placeAs(alice, 'k1');

    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/^Idempotency-Key: must be 16 to 128 characters/);
  });
});

describe('orders belong to their customer', () => {
  it('shows the order to the customer who placed it', async () => {
    const answer = await call('GET', `/orders/${aliceOrderId}`, bearer(alice));

    expect(answer.status).toBe(200);
    expect(answer.body.orderId).toBe(aliceOrderId);
  });

  it('answers another customer 404, with the very body an order that does not exist gets', async () => {
    const missingId = 'ord_NobodyPlacedThis00000000';

    const foreign = await call('GET', `/orders/${aliceOrderId}`, bearer(bob));
    const missing = await call('GET', `/orders/${missingId}`, bearer(bob));

    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(foreign.text.replaceAll(aliceOrderId, '<orderId>')).toBe(missing.text.replaceAll(missingId, '<orderId>'));
    expect(foreign.headers.get('content-type')).toBe(missing.headers.get('content-type'));
  });

  it('places two orders, one each, when two customers send the same Idempotency-Key', async () => {
    const shared = `e2e-auth-${runId}-shared-key`;

    const first = await placeAs(alice, shared);
    const second = await placeAs(bob, shared);

    expect([first.status, second.status]).toEqual([202, 202]);
    expect(first.body.orderId).not.toBe(second.body.orderId);
    expect((await call('GET', `/orders/${String(second.body.orderId)}`, bearer(bob))).status).toBe(200);
    expect((await call('GET', `/orders/${String(second.body.orderId)}`, bearer(alice))).status).toBe(404);
  });

  it('draws order ids that say nothing about the key: the same key, from a new customer, gives an unrelated id', async () => {
    const carol = await tokenFor('cus_carol_auth');

    const answer = await placeAs(carol, `e2e-auth-${runId}-alice-first`);

    expect(answer.status).toBe(202);
    expect(answer.body.orderId).toMatch(/^ord_[0-9A-Za-z]{22}$/);
    expect(answer.body.orderId).not.toBe(aliceOrderId);
  });
});

describe('operators are a separate audience', () => {
  it('answers a signed-in customer 403 on the operator route', async () => {
    const answer = await call('GET', '/operations/orders/incomplete', bearer(alice));

    expect(answer.status).toBe(403);
    expect(answer.body.message).toMatch(/operators/);
  });

  it('answers 401 when a customer rewrites their token to join the operators group', async () => {
    const forged = tampered(alice, (claims) => (claims['cognito:groups'] = ['operators']));

    const answer = await call('GET', '/operations/orders/incomplete', bearer(forged));

    expect(answer.status).toBe(401);
  });

  it('serves the incomplete-orders report to an operator', async () => {
    const operator = await tokenFor('ops_grace_auth', { groups: ['operators'] });

    const answer = await call('GET', '/operations/orders/incomplete', bearer(operator));

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ stuck: [], compensationOwed: [], summary: { stuck: 0, compensationOwed: 0 } });
    expect(Date.parse(String(answer.body.checkedAt))).not.toBeNaN();
  });
});

describe('the browser storefront', () => {
  const ORIGIN = 'http://localhost:5173';

  it('lets the storefront’s origin send a token and an Idempotency-Key, answering the preflight without a function', async () => {
    const preflight = await call('OPTIONS', '/orders', {
      origin: ORIGIN,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type, idempotency-key',
    });

    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/)).toEqual(expect.arrayContaining(['authorization', 'content-type', 'idempotency-key']));
  });

  it('gives another origin no CORS headers, so a browser keeps the answer from its page', async () => {
    const answer = await call('GET', `/orders/${aliceOrderId}`, { ...bearer(alice), origin: 'https://evil.example' });

    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('malformed credentials', () => {
  it('answers only 4xx, and places nothing, to a few hundred malformed Authorization headers', async () => {
    const ordersTable = packagedTableName('order', 'OrdersTable');
    const ordersBefore = (await scanTable(e2e.client(DynamoDBClient), ordersTable)).length;
    const base64url = (text: string) => Buffer.from(text).toString('base64url');
    // What fetch may send as a header value: visible ASCII and spaces.
    const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 200 });
    const authorization = fc.oneof(
      headerText,
      headerText.map((text) => `Bearer ${text}`),
      fc.tuple(fc.json(), fc.json(), headerText).map(([header, payload, signature]) => `Bearer ${base64url(header)}.${base64url(payload)}.${base64url(signature)}`),
      // alice's real token, one character of its signature changed.
      fc.nat().map((at) => {
        const position = alice.lastIndexOf('.') + 1 + (at % (alice.length - alice.lastIndexOf('.') - 1));
        const changed = alice[position] === 'A' ? 'B' : 'A';
        return `Bearer ${alice.slice(0, position)}${changed}${alice.slice(position + 1)}`;
      }),
      // Unsigned: alg none, with any claims.
      fc.json().map((claims) => `Bearer ${base64url(JSON.stringify({ alg: 'none' }))}.${base64url(claims)}.`),
    );

    await fc.assert(
      fc.asyncProperty(authorization, fc.boolean(), async (header, posting) => {
        const answer = posting
          ? await call('POST', '/orders', { authorization: header, 'idempotency-key': `e2e-auth-${runId}-fuzz-key` }, SAMPLE)
          : await call('GET', `/orders/${aliceOrderId}`, { authorization: header });
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
      }),
      { numRuns: 300 },
    );

    expect((await scanTable(e2e.client(DynamoDBClient), ordersTable)).length).toBe(ordersBefore);
  });
});
