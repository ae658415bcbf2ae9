import type { IncomingMessage, ServerResponse } from 'node:http';
import { IdentityRequestError, LocalUserPool, type IssueTokenOptions, type UserPoolClient } from './localUserPool';

/** The edge path every local issuer lives under: `${edgeUrl}/identity/<poolId>`. */
export const IDENTITY_PATH = '/identity';

/**
 * User pool properties about users, sign-up, sign-in and messages: the local issuer has no users (it signs a
 * token for any subject), so they change nothing it does. Listed at start as read, not emulated.
 */
const USER_POOL_NOT_EMULATED = new Set([
  'Policies',
  'Schema',
  'AutoVerifiedAttributes',
  'UsernameAttributes',
  'AliasAttributes',
  'UsernameConfiguration',
  'MfaConfiguration',
  'EnabledMfas',
  'AccountRecoverySetting',
  'AdminCreateUserConfig',
  'EmailConfiguration',
  'SmsConfiguration',
  'EmailVerificationMessage',
  'EmailVerificationSubject',
  'SmsAuthenticationMessage',
  'SmsVerificationMessage',
  'VerificationMessageTemplate',
  'UserAttributeUpdateSettings',
  'DeviceConfiguration',
  'UserPoolAddOns',
  'UserPoolTier',
  'WebAuthnRelyingPartyID',
  'WebAuthnUserVerification',
]);
/** Metadata: nothing to enforce. */
const USER_POOL_METADATA = new Set(['UserPoolName', 'UserPoolTags', 'DeletionProtection']);

/**
 * App client properties about OAuth flows, the hosted UI and tokens other than the ID token: the local issuer
 * serves no sign-in pages and issues ID tokens only, from its own token endpoint.
 */
const CLIENT_NOT_EMULATED = new Set([
  'GenerateSecret',
  'AllowedOAuthFlows',
  'AllowedOAuthFlowsUserPoolClient',
  'CallbackURLs',
  'LogoutURLs',
  'DefaultRedirectURI',
  'SupportedIdentityProviders',
  'ExplicitAuthFlows',
  'AccessTokenValidity',
  'RefreshTokenValidity',
  'AuthSessionValidity',
  'EnableTokenRevocation',
  'EnablePropagateAdditionalUserContextData',
  'PreventUserExistenceErrors',
  'ReadAttributes',
  'WriteAttributes',
  'AnalyticsConfiguration',
  'RefreshTokenRotation',
]);
const CLIENT_READ = new Set(['UserPoolId', 'ClientName', 'IdTokenValidity', 'TokenValidityUnits', 'AllowedOAuthScopes']);
const GROUP_READ = new Set(['UserPoolId', 'GroupName', 'Description', 'Precedence']);

const UNIT_SECONDS: Readonly<Record<string, number>> = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 };

const refuse = (what: string, names: string[], why: string): void => {
  if (names.length > 0) throw new Error(`${what} ${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} not supported by the local cloud: ${why}`);
};

/**
 * The local cloud's identity provider: one {@link LocalUserPool} per `AWS::Cognito::UserPool` of the
 * templates, with their app clients and groups, served on the edge port (discovery, JWKS, and a local-only
 * token endpoint) so that JWT authorizers find their keys exactly as API Gateway finds Cognito's.
 *
 * @example
 * ```ts
 * const token = await cloud.identity.issueToken({ subject: 'cus_1', groups: ['operators'] });
 * await fetch(`${cloud.httpUrl}/orders`, { headers: { authorization: `Bearer ${token}` } });
 * ```
 */
export class LocalIdentity {
  private readonly pools: LocalUserPool[] = [];
  /** Declared, deliberately not emulated: for the start-up report. */
  readonly notEmulated: string[] = [];

  /** Creates the pool of an `AWS::Cognito::UserPool` (resolved properties); refuses what it cannot honour, naming it. */
  async createUserPool(poolId: string, issuerUrl: string, properties: Record<string, unknown>): Promise<LocalUserPool> {
    const names = Object.keys(properties);
    refuse('user pool property', names.filter((name) => name === 'LambdaConfig'), 'Lambda triggers (pre token generation, sign-up…) would change who gets which token');
    refuse('user pool property', names.filter((name) => !USER_POOL_NOT_EMULATED.has(name) && !USER_POOL_METADATA.has(name) && name !== 'LambdaConfig'), 'the local issuer does not know it');
    this.readNotEmulated('AWS::Cognito::UserPool', names.filter((name) => USER_POOL_NOT_EMULATED.has(name)), 'the local issuer has no users, sign-up, sign-in or messages: it signs a token for any subject');
    const pool = await LocalUserPool.create({ poolId, name: typeof properties.UserPoolName === 'string' ? properties.UserPoolName : poolId, issuerUrl });
    this.pools.push(pool);
    return pool;
  }

  /** Adds the app client of an `AWS::Cognito::UserPoolClient` (resolved properties) to its pool. */
  addUserPoolClient(clientId: string, properties: Record<string, unknown>): void {
    const names = Object.keys(properties);
    refuse('app client property', names.filter((name) => !CLIENT_READ.has(name) && !CLIENT_NOT_EMULATED.has(name)), 'the local issuer does not know it');
    this.readNotEmulated('AWS::Cognito::UserPoolClient', names.filter((name) => CLIENT_NOT_EMULATED.has(name)), 'no hosted UI, OAuth flows or access and refresh tokens: the local token endpoint issues ID tokens');
    const pool = this.poolNamed(properties.UserPoolId);
    const client: UserPoolClient = {
      clientId,
      name: typeof properties.ClientName === 'string' ? properties.ClientName : clientId,
      idTokenValiditySeconds: idTokenValidityOf(properties),
    };
    if (Array.isArray(properties.AllowedOAuthScopes)) client.allowedScopes = properties.AllowedOAuthScopes.map(String);
    pool.addClient(client);
  }

  /** Adds the group of an `AWS::Cognito::UserPoolGroup` to its pool: tokens may name it in `cognito:groups`. */
  addUserPoolGroup(properties: Record<string, unknown>): void {
    const names = Object.keys(properties);
    refuse('user pool group property', names.filter((name) => name === 'RoleArn'), 'group roles (cognito:roles, cognito:preferred_role) are not in local tokens');
    refuse('user pool group property', names.filter((name) => !GROUP_READ.has(name) && name !== 'RoleArn'), 'the local issuer does not know it');
    if (typeof properties.GroupName !== 'string' || properties.GroupName === '') throw new Error('a user pool group needs a GroupName: tokens name groups by it');
    this.poolNamed(properties.UserPoolId).addGroup(properties.GroupName);
  }

  listPools(): readonly LocalUserPool[] {
    return this.pools;
  }

  pool(poolId: string): LocalUserPool | undefined {
    return this.pools.find((candidate) => candidate.poolId === poolId);
  }

  /** The issuer of the templates' first user pool (its `ProviderURL`). */
  get issuerUrl(): string {
    return this.firstPool().issuerUrl;
  }

  /** The first app client of the first pool: the audience its tokens carry by default. */
  get audience(): string {
    const client = this.firstPool().defaultClient;
    if (!client) throw new Error(`user pool ${this.firstPool().poolId} has no app client (AWS::Cognito::UserPoolClient)`);
    return client.clientId;
  }

  /** Signs an ID token of the first pool; see {@link LocalUserPool.issueToken}. */
  issueToken(options: IssueTokenOptions): Promise<string> {
    return this.firstPool().issueToken(options);
  }

  /**
   * Serves an edge request under `/identity` and answers true, or answers false for any other path:
   * `GET /identity` (local only: the pools, for `npm run token`), and per pool
   * `GET …/.well-known/openid-configuration`, `GET …/.well-known/jwks.json` and, local only, `POST …/token`.
   */
  handle(request: IncomingMessage, body: string, response: ServerResponse): boolean {
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    if (pathname !== IDENTITY_PATH && !pathname.startsWith(`${IDENTITY_PATH}/`)) return false;
    void this.answer(request.method ?? 'GET', pathname.slice(IDENTITY_PATH.length), body)
      .catch((error: unknown) => ({ status: 500, document: { message: error instanceof Error ? error.message : String(error) } }))
      .then(({ status, document }) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(document));
      });
    return true;
  }

  private async answer(method: string, path: string, body: string): Promise<{ status: number; document: unknown }> {
    if (path === '' || path === '/') {
      if (method !== 'GET') return { status: 405, document: { message: `${method} is not allowed here (GET)` } };
      return {
        status: 200,
        document: { pools: this.pools.map((pool) => ({ poolId: pool.poolId, issuerUrl: pool.issuerUrl, clients: pool.listClients().map(({ clientId, name }) => ({ clientId, name })), groups: pool.listGroups() })) },
      };
    }
    const [, poolId = '', ...rest] = path.split('/');
    const pool = this.pool(poolId);
    const resource = rest.join('/');
    if (!pool) return { status: 404, document: { message: `no user pool ${poolId} in the templates` } };
    const allowed = resource === 'token' ? 'POST' : 'GET';
    if (!['.well-known/openid-configuration', '.well-known/jwks.json', 'token'].includes(resource)) return { status: 404, document: { message: `user pool ${poolId} serves no ${resource}` } };
    if (method !== allowed) return { status: 405, document: { message: `${method} is not allowed here (${allowed})` } };
    if (resource === '.well-known/openid-configuration') return { status: 200, document: pool.discovery() };
    if (resource === '.well-known/jwks.json') return { status: 200, document: pool.jwks() };
    try {
      return { status: 200, document: { token: await pool.issueToken(tokenRequestOf(body)) } };
    } catch (error) {
      if (error instanceof IdentityRequestError) return { status: 400, document: { message: error.message } };
      throw error;
    }
  }

  private firstPool(): LocalUserPool {
    const [pool] = this.pools;
    if (!pool) throw new Error('the templates declare no AWS::Cognito::UserPool: there is no local issuer');
    return pool;
  }

  private poolNamed(userPoolId: unknown): LocalUserPool {
    const pool = typeof userPoolId === 'string' ? this.pool(userPoolId) : undefined;
    if (!pool) throw new Error(`UserPoolId ${JSON.stringify(userPoolId)} is not a user pool of the templates (declare it in this stack or one loaded earlier)`);
    return pool;
  }

  private readNotEmulated(type: string, names: string[], why: string): void {
    if (names.length === 0) return;
    const line = `${type} ${names.join(', ')}: read, not emulated (${why})`;
    if (!this.notEmulated.includes(line)) this.notEmulated.push(line);
  }
}

/** `IdTokenValidity` in `TokenValidityUnits.IdToken` (Cognito's default unit: hours), or Cognito's default hour. */
const idTokenValidityOf = (properties: Record<string, unknown>): number => {
  if (properties.IdTokenValidity === undefined) return 3600;
  const units = (properties.TokenValidityUnits as { IdToken?: unknown } | undefined)?.IdToken ?? 'hours';
  const unitSeconds = typeof units === 'string' ? UNIT_SECONDS[units] : undefined;
  const validity = Number(properties.IdTokenValidity);
  if (unitSeconds === undefined || !Number.isInteger(validity) || validity <= 0) {
    throw new Error(`IdTokenValidity ${JSON.stringify(properties.IdTokenValidity)} ${JSON.stringify(units)} is not a validity Cognito accepts`);
  }
  return validity * unitSeconds;
};

const TOKEN_REQUEST_KEYS = new Set(['sub', 'groups', 'scope', 'expiresInSeconds']);

/** The local token endpoint's JSON body, strictly: `{ "sub", "groups"?, "scope"?, "expiresInSeconds"? }`. */
const tokenRequestOf = (body: string): IssueTokenOptions => {
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch {
    throw new IdentityRequestError('the body must be JSON: { "sub", "groups"?, "scope"?, "expiresInSeconds"? }');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new IdentityRequestError('the body must be a JSON object: { "sub", "groups"?, "scope"?, "expiresInSeconds"? }');
  const request = input as Record<string, unknown>;
  const unknown = Object.keys(request).filter((key) => !TOKEN_REQUEST_KEYS.has(key));
  if (unknown.length > 0) throw new IdentityRequestError(`unknown fields ${unknown.join(', ')} (the token endpoint reads sub, groups, scope, expiresInSeconds)`);
  const { sub, groups, scope, expiresInSeconds } = request;
  if (typeof sub !== 'string') throw new IdentityRequestError('sub must be a string: the customer id');
  if (groups !== undefined && !(Array.isArray(groups) && groups.every((group) => typeof group === 'string'))) throw new IdentityRequestError('groups must be an array of group names');
  if (scope !== undefined && typeof scope !== 'string') throw new IdentityRequestError('scope must be a string of space-separated scopes');
  if (expiresInSeconds !== undefined && typeof expiresInSeconds !== 'number') throw new IdentityRequestError('expiresInSeconds must be a number');
  return {
    subject: sub,
    ...(groups ? { groups: groups } : {}),
    ...(scope ? { scopes: scope.split(' ').filter(Boolean) } : {}),
    ...(expiresInSeconds !== undefined ? { expiresInSeconds } : {}),
  };
};
