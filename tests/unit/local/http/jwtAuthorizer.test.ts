/**
 * The local HTTP API's JWT authorizer, with real tokens signed by jose and an issuer served over HTTP (OpenID
 * discovery, then its JWKS), as API Gateway finds Cognito's keys: every token it must refuse gets 401 (403 for
 * a missing scope) and never reaches the function; a valid one reaches it with API Gateway's claims.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { base64url, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { LocalHttpApi } from '../../../../local/http/httpApi';
import { JwtAuthorizer } from '../../../../local/http/jwtAuthorizer';
import type { LambdaInvoker } from '../../../../local/lambda/invoker';

const AUDIENCE = 'client-1';
const KID = 'key-1';

interface Keys {
  issuer: CryptoKey;
  stranger: CryptoKey;
}

/** An OpenID issuer over HTTP: a discovery document pointing at its JWKS, holding one public key, `key-1`. */
const startIssuer = async (): Promise<{ server: Server; url: string; keys: Keys }> => {
  const issuer = await generateKeyPair('RS256');
  const stranger = await generateKeyPair('RS256');
  const jwks = { keys: [{ ...(await exportJWK(issuer.publicKey)), kid: KID, alg: 'RS256', use: 'sig' }] };
  const server = createServer((request, response) => {
    const { port } = server.address() as AddressInfo;
    const documents: Record<string, unknown> = {
      '/.well-known/openid-configuration': { issuer: `http://127.0.0.1:${port}`, jwks_uri: `http://127.0.0.1:${port}/jwks.json` },
      '/jwks.json': jwks,
    };
    const document = documents[request.url ?? ''];
    response.writeHead(document ? 200 : 404, { 'content-type': 'application/json' });
    response.end(JSON.stringify(document ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, keys: { issuer: issuer.privateKey, stranger: stranger.privateKey } };
};

describe('the local HTTP API’s JWT authorizer', () => {
  let issuerServer: Server;
  let issuerUrl: string;
  let keys: Keys;
  let api: LocalHttpApi;
  let url: string;
  const invocations: unknown[] = [];
  const logged: string[] = [];

  /** Answers with the authorizer context API Gateway put in the event. */
  const invoker: LambdaInvoker = {
    invoke: (_functionArn, payload) => {
      invocations.push(payload);
      return Promise.resolve({ statusCode: 200, body: JSON.stringify((payload as { requestContext: { authorizer?: unknown } }).requestContext.authorizer ?? null) });
    },
  };

  beforeAll(async () => {
    ({ server: issuerServer, url: issuerUrl, keys } = await startIssuer());
    const authorizer = new JwtAuthorizer({ name: 'customers', issuer: issuerUrl, audience: [AUDIENCE], identitySource: '$request.header.Authorization' }, { log: (line) => logged.push(line) });
    api = new LocalHttpApi(invoker);
    api.addRoute({ apiId: 'api1', routeKey: 'GET /orders/{orderId}', functionArn: 'getOrder', payloadFormatVersion: '2.0', timeoutMs: 1000, authorization: { authorizer, scopes: [] } });
    api.addRoute({ apiId: 'api1', routeKey: 'POST /refunds', functionArn: 'refund', payloadFormatVersion: '2.0', timeoutMs: 1000, authorization: { authorizer, scopes: ['orders/refund', 'orders/admin'] } });
    url = `http://127.0.0.1:${await api.listen(0)}`;
  });

  afterAll(async () => {
    await api.close();
    await new Promise<void>((resolve) => issuerServer.close(() => resolve()));
  });

  beforeEach(() => {
    invocations.length = 0;
    logged.length = 0;
  });

  const nowSeconds = () => Math.floor(Date.now() / 1000);

  /** A Cognito-like ID token from the issuer, with `changes` to its claims and header. */
  const sign = (claims: JWTPayload = {}, options: { key?: CryptoKey; kid?: string | undefined; alg?: string } = {}): Promise<string> =>
    new SignJWT({ iss: issuerUrl, sub: 'cus_1', aud: AUDIENCE, token_use: 'id', iat: nowSeconds(), exp: nowSeconds() + 3600, ...claims })
      .setProtectedHeader({ alg: options.alg ?? 'RS256', ...('kid' in options ? (options.kid === undefined ? {} : { kid: options.kid }) : { kid: KID }) })
      .sign(options.key ?? keys.issuer);

  const get = (authorization?: string) => fetch(`${url}/orders/ord_1`, { headers: authorization === undefined ? {} : { authorization } });

  it('invokes the function with every claim as a string, a list as "[a b]", and null scopes, when the token is valid', async () => {
    const iat = nowSeconds();
    const exp = iat + 3600;
    const token = await sign({ iat, exp, 'cognito:groups': ['operators', 'support'], email_verified: true });

    const response = await get(`Bearer ${token}`);

    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toEqual({
      jwt: {
        claims: { iss: issuerUrl, sub: 'cus_1', aud: AUDIENCE, token_use: 'id', iat: String(iat), exp: String(exp), 'cognito:groups': '[operators support]', email_verified: 'true' },
        scopes: null,
      },
    });
    expect(invocations).toHaveLength(1);
  });

  it('accepts the token without the Bearer prefix, as API Gateway documents for the identity source', async () => {
    const response = await get(await sign());

    expect(response.status).toBe(200);
  });

  it('checks client_id as the audience when the token has no aud (an access token)', async () => {
    const token = await sign({ aud: undefined, client_id: AUDIENCE, token_use: 'access' });

    const response = await get(`Bearer ${token}`);

    expect(response.status).toBe(200);
  });

  const refusals: [string, () => Promise<string | undefined>, string][] = [
    ['there is no Authorization header', () => Promise.resolve(undefined), 'the identity source $request.header.Authorization is missing'],
    ['the header is not a Bearer token', () => Promise.resolve('Basic dXNlcjpwYXNzd29yZA=='), 'the token is malformed'],
    ['the token is malformed', () => Promise.resolve('Bearer not.a.token'), 'the token is malformed'],
    ['the token has expired', () => sign({ exp: nowSeconds() - 1 }).then((token) => `Bearer ${token}`), 'the token has expired'],
    ['the token is not valid yet (nbf)', () => sign({ nbf: nowSeconds() + 60 }).then((token) => `Bearer ${token}`), 'the token is not valid yet'],
    ['the token was issued in the future (iat)', () => sign({ iat: nowSeconds() + 60 }).then((token) => `Bearer ${token}`), 'the token was issued in the future (iat)'],
    ['the token has no exp', () => sign({ exp: undefined }).then((token) => `Bearer ${token}`), "the token's exp claim is not valid"],
    ['the issuer is another', () => sign({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_other' }).then((token) => `Bearer ${token}`), 'the token does not have a valid issuer'],
    ['the audience is another app client', () => sign({ aud: 'client-2' }).then((token) => `Bearer ${token}`), 'the token does not have a valid audience'],
    ['the kid is unknown', () => sign({}, { kid: 'key-2' }).then((token) => `Bearer ${token}`), "the token's kid is not a key of the issuer"],
    ['the token has no kid', () => sign({}, { kid: undefined }).then((token) => `Bearer ${token}`), 'the token has no kid header'],
    ['it is signed by a key not in the JWKS under its kid', () => sign({}, { key: keys.stranger }).then((token) => `Bearer ${token}`), 'signature verification failed'],
    [
      'its payload was tampered with',
      async () => {
        const [header, , signature] = (await sign()).split('.');
        const payload = base64url.encode(JSON.stringify({ iss: issuerUrl, sub: 'cus_someone_else', aud: AUDIENCE, exp: nowSeconds() + 3600 }));
        return `Bearer ${String(header)}.${payload}.${String(signature)}`;
      },
      'signature verification failed',
    ],
    [
      'it is unsigned (alg none)',
      () => {
        const header = base64url.encode(JSON.stringify({ alg: 'none', kid: KID }));
        const payload = base64url.encode(JSON.stringify({ iss: issuerUrl, sub: 'cus_1', aud: AUDIENCE, exp: nowSeconds() + 3600 }));
        return Promise.resolve(`Bearer ${header}.${payload}.`);
      },
      "the token's algorithm is not supported (RSA only)",
    ],
  ];

  it.each(refusals)('answers 401 Unauthorized, naming the reason, without invoking the function, when %s', async (_case, authorization, reason) => {
    const header = await authorization();

    const response = await get(header);

    expect(response.status).toBe(401);
    await expect(response.json()).resolves.toEqual({ message: 'Unauthorized' });
    expect(response.headers.get('www-authenticate')).toBe(`Bearer scope="" error="invalid_token" error_description="${reason}"`);
    expect(invocations).toEqual([]);
  });

  it('answers 403 Forbidden (insufficient_scope) without invoking the function when the token has none of the route’s scopes', async () => {
    const token = await sign({ scope: 'openid orders/read' });

    const response = await fetch(`${url}/refunds`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' });

    expect(response.status).toBe(403);
    await expect(response.json()).resolves.toEqual({ message: 'Forbidden' });
    expect(response.headers.get('www-authenticate')).toBe('Bearer scope="orders/refund orders/admin" error="insufficient_scope" error_description="expected scopes: [orders/refund orders/admin]"');
    expect(invocations).toEqual([]);
  });

  it('passes the token’s scopes to the function when it has one of the route’s scopes, in scope or in scp', async () => {
    const inScope = await sign({ scope: 'openid orders/admin' });
    const inScp = await sign({ scp: ['orders/refund'] });

    const answers = await Promise.all(
      [inScope, inScp].map(async (token) => {
        const response = await fetch(`${url}/refunds`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' });
        return ((await response.json()) as { jwt: { scopes: unknown } }).jwt.scopes;
      }),
    );

    expect(answers).toEqual([['openid', 'orders/admin'], ['orders/refund']]);
  });

  it('answers 401, and says why in its log, when the issuer cannot be reached', async () => {
    const unreachable = new JwtAuthorizer({ name: 'elsewhere', issuer: 'http://127.0.0.1:9/nowhere', audience: [AUDIENCE], identitySource: '$request.header.Authorization' }, { log: (line) => logged.push(line) });

    const decision = await unreachable.authorize({ headers: { authorization: `Bearer ${await sign()}` }, query: new URLSearchParams() }, []);

    expect(decision).toMatchObject({ allowed: false, status: 401, wwwAuthenticate: 'Bearer scope="" error="invalid_token" error_description="the issuer\'s keys could not be fetched"' });
    expect(logged).toEqual([expect.stringContaining("JWT authorizer elsewhere: the issuer's discovery document http://127.0.0.1:9/nowhere/.well-known/openid-configuration could not be read")]);
  });

  it('reads the token from a query string parameter when that is the identity source', async () => {
    const authorizer = new JwtAuthorizer({ name: 'customers', issuer: issuerUrl, audience: [AUDIENCE], identitySource: '$request.querystring.token' });

    const [withToken, without] = await Promise.all([
      authorizer.authorize({ headers: {}, query: new URLSearchParams({ token: await sign() }) }, []),
      authorizer.authorize({ headers: { authorization: `Bearer ${await sign()}` }, query: new URLSearchParams() }, []),
    ]);

    expect([withToken.allowed, without.allowed]).toEqual([true, false]);
  });

  it('refuses an identity source it cannot read, naming the authorizer', () => {
    expect(() => new JwtAuthorizer({ name: 'customers', issuer: issuerUrl, audience: [AUDIENCE], identitySource: '$context.identity.sourceIp' })).toThrow(
      'JWT authorizer customers: identity source $context.identity.sourceIp is not supported locally ($request.header.<name> or $request.querystring.<name>)',
    );
  });

  it('answers 401, never a 5xx, and never invokes the function, for any malformed Authorization header', async () => {
    const base64urlOf = (text: string) => base64url.encode(text);
    const headerValue = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ maxLength: 200 }).map((text) => `Bearer ${text}`),
      fc.tuple(fc.json(), fc.json(), fc.string()).map(([header, payload, signature]) => `Bearer ${base64urlOf(header)}.${base64urlOf(payload)}.${base64urlOf(signature)}`),
      // Well-formed as far as it goes: an RSA header naming the issuer's key, any payload, any signature.
      fc.tuple(fc.json(), fc.uint8Array({ maxLength: 256 })).map(
        ([payload, signature]) => `Bearer ${base64urlOf(JSON.stringify({ alg: 'RS256', kid: KID }))}.${base64urlOf(payload)}.${base64url.encode(signature)}`,
      ),
      fc.array(fc.constantFrom('Bearer', ' ', '.', 'eyJ', '=', '-', '_', 'Bearer.'), { maxLength: 12 }).map((parts) => parts.join('')),
    );

    await fc.assert(
      fc.asyncProperty(headerValue, async (authorization) => {
        const response = await get(authorization);
        await response.arrayBuffer();
        expect(response.status).toBe(401);
      }),
      { numRuns: 300 },
    );
    expect(invocations).toEqual([]);
  }, 60_000);
});
