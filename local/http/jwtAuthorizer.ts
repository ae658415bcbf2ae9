import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/** An `AWS::ApiGatewayV2::Authorizer` of type JWT, resolved. */
export interface JwtAuthorizerConfig {
  /** The authorizer's name, for messages. */
  name: string;
  /** `JwtConfiguration.Issuer`: must equal the token's `iss`, and is where the keys are discovered. */
  issuer: string;
  /** `JwtConfiguration.Audience`: the token's `aud` (or, without one, `client_id`) must be one of them. */
  audience: readonly string[];
  /** `IdentitySource`: `$request.header.<name>` or `$request.querystring.<name>`. */
  identitySource: string;
}

/** What a request carries that an authorizer may read. */
export interface AuthorizerRequest {
  /** Header names lowercased, as Node gives them. */
  headers: Readonly<Record<string, string>>;
  query: URLSearchParams;
}

/** The authorizer's part of the payload 2.0 event, as API Gateway puts it in `requestContext.authorizer`. */
export interface JwtAuthorizerContext {
  jwt: {
    /** Every claim of the token, each value a string as API Gateway renders it (see {@link claimValue}). */
    claims: Record<string, string>;
    /** The token's scopes when the route requires scopes; null when it does not, as API Gateway sends it. */
    scopes: string[] | null;
  };
}

export type AuthorizerDecision =
  | { allowed: true; context: JwtAuthorizerContext }
  | { allowed: false; status: 401 | 403; message: 'Unauthorized' | 'Forbidden'; wwwAuthenticate: string };

/**
 * API Gateway checks `exp`, `nbf` and `iat` against the current time, and documents no tolerance for a skew
 * between clocks ("must be after/before the current time in UTC"): neither does the local cloud.
 */
export const CLOCK_TOLERANCE_SECONDS = 0;

/** "Currently, only RSA-based algorithms are supported": `alg: none`, HMAC and EC tokens are refused. */
const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];

/** API Gateway may cache an issuer's public keys for two hours. */
const KEY_CACHE_MS = 2 * 60 * 60 * 1000;
const FETCH_TIMEOUT_MS = 5000;

export interface JwtAuthorizerOptions {
  /** The issuer's key set; by default discovered from `<issuer>/.well-known/openid-configuration` (`jwks_uri`). */
  keySet?: JWTVerifyGetKey;
  /** Where a failure to fetch an issuer's keys is reported (the caller only hears 401). */
  log?: (line: string) => void;
}

/** A refusal whose reason goes in the `www-authenticate` header, as API Gateway's does. */
class TokenRefused extends Error {
  override readonly name = 'TokenRefused';
}

/**
 * A JWT authorizer as API Gateway's HTTP APIs run one: the token from the identity source (alone or after
 * `Bearer `), an RSA signature by the key its `kid` names in the issuer's JWKS, `iss`, `aud` (or `client_id`
 * when there is no `aud`), `exp`, `nbf` and `iat`, then the route's scopes. A failed check answers 401
 * `{"message":"Unauthorized"}` with API Gateway's `www-authenticate` reason; a valid token without any of the
 * route's scopes answers 403 `{"message":"Forbidden"}` (`insufficient_scope`, RFC 6750).
 *
 * @example
 * ```ts
 * const authorizer = new JwtAuthorizer({ name: 'customers', issuer, audience: [clientId], identitySource: '$request.header.Authorization' });
 * const decision = await authorizer.authorize({ headers: { authorization: `Bearer ${token}` }, query: new URLSearchParams() }, []);
 * ```
 */
export class JwtAuthorizer {
  private readonly source: { kind: 'header' | 'querystring'; name: string };
  private discovered: Promise<JWTVerifyGetKey> | undefined;

  constructor(
    readonly config: JwtAuthorizerConfig,
    private readonly options: JwtAuthorizerOptions = {},
  ) {
    const match = /^\$request\.(header|querystring)\.([^.\s]+)$/.exec(config.identitySource);
    if (!match?.[1] || !match[2]) throw new Error(`JWT authorizer ${config.name}: identity source ${config.identitySource} is not supported locally ($request.header.<name> or $request.querystring.<name>)`);
    this.source = { kind: match[1] as 'header' | 'querystring', name: match[1] === 'header' ? match[2].toLowerCase() : match[2] };
    if (config.audience.length === 0) throw new Error(`JWT authorizer ${config.name}: JwtConfiguration.Audience is empty, so no token could ever pass`);
  }

  /** Decides one request to a route that requires `routeScopes` (none: any valid token). Never throws. */
  async authorize(request: AuthorizerRequest, routeScopes: readonly string[], now = Date.now()): Promise<AuthorizerDecision> {
    let payload: JWTPayload;
    try {
      payload = await this.verify(this.tokenOf(request), now);
    } catch (error) {
      if (!(error instanceof TokenRefused) && (!(error instanceof errors.JOSEError) || error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid)) {
        // Not the token's fault: the issuer's keys were unreachable or unreadable. The caller hears 401, as
        // from API Gateway; whoever runs the cloud needs to know why.
        this.report(`the keys of ${this.config.issuer} could not be fetched: ${error instanceof Error ? error.message : String(error)}`);
        return this.unauthorized(routeScopes, "the issuer's keys could not be fetched");
      }
      return this.unauthorized(routeScopes, describe(error));
    }
    const scopes = scopesOf(payload);
    if (routeScopes.length > 0 && !routeScopes.some((scope) => scopes.includes(scope))) {
      return {
        allowed: false,
        status: 403,
        message: 'Forbidden',
        wwwAuthenticate: `Bearer scope="${routeScopes.join(' ')}" error="insufficient_scope" error_description="expected scopes: [${routeScopes.join(' ')}]"`,
      };
    }
    return { allowed: true, context: { jwt: { claims: claimsOf(payload), scopes: routeScopes.length > 0 ? scopes : null } } };
  }

  private unauthorized(routeScopes: readonly string[], reason: string): AuthorizerDecision {
    return { allowed: false, status: 401, message: 'Unauthorized', wwwAuthenticate: `Bearer scope="${routeScopes.join(' ')}" error="invalid_token" error_description="${reason}"` };
  }

  private report(line: string): void {
    (this.options.log ?? ((text: string) => console.error(`[http] ${text}`)))(`JWT authorizer ${this.config.name}: ${line}`);
  }

  private tokenOf(request: AuthorizerRequest): string {
    const value = this.source.kind === 'header' ? request.headers[this.source.name] : request.query.get(this.source.name);
    if (value === undefined || value === null || value.trim() === '') throw new TokenRefused(`the identity source ${this.config.identitySource} is missing`);
    // "The identitySource can include only the token, or the token prefixed with Bearer."
    return value.startsWith('Bearer ') ? value.slice('Bearer '.length).trim() : value.trim();
  }

  private async verify(token: string, now: number): Promise<JWTPayload> {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw new TokenRefused('the token is malformed');
    }
    if (typeof header.alg !== 'string' || !RSA_ALGORITHMS.includes(header.alg)) throw new TokenRefused("the token's algorithm is not supported (RSA only)");
    if (typeof header.kid !== 'string' || header.kid === '') throw new TokenRefused('the token has no kid header');
    const { payload } = await jwtVerify(token, await this.keySet(), {
      algorithms: RSA_ALGORITHMS,
      issuer: this.config.issuer,
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(now),
    });
    if (typeof payload.iat === 'number' && payload.iat > Math.floor(now / 1000) + CLOCK_TOLERANCE_SECONDS) throw new TokenRefused('the token was issued in the future (iat)');
    const audiences = payload.aud === undefined ? [payload.client_id] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.some((audience) => typeof audience === 'string' && this.config.audience.includes(audience))) throw new TokenRefused('the token does not have a valid audience');
    return payload;
  }

  /** The issuer's keys: given, or discovered once (a failed discovery is tried again by the next request). */
  private keySet(): Promise<JWTVerifyGetKey> {
    if (this.options.keySet) return Promise.resolve(this.options.keySet);
    if (!this.discovered) {
      const discovering = discoverKeySet(this.config.issuer);
      discovering.catch((error: unknown) => {
        this.discovered = undefined;
        this.report(error instanceof Error ? error.message : String(error));
      });
      this.discovered = discovering;
    }
    return this.discovered.catch(() => {
      throw new TokenRefused("the issuer's keys could not be fetched");
    });
  }
}

/** OpenID discovery, as API Gateway does it: `<issuer>/.well-known/openid-configuration`, then its `jwks_uri`. */
const discoverKeySet = async (issuer: string): Promise<JWTVerifyGetKey> => {
  const discoveryUrl = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let document: unknown;
  try {
    const response = await fetch(discoveryUrl, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    document = await response.json();
  } catch (error) {
    throw new Error(`the issuer's discovery document ${discoveryUrl} could not be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const jwksUri = (document as { jwks_uri?: unknown } | null)?.jwks_uri;
  if (typeof jwksUri !== 'string') throw new Error(`the issuer's discovery document ${discoveryUrl} has no jwks_uri`);
  return createRemoteJWKSet(new URL(jwksUri), { cacheMaxAge: KEY_CACHE_MS, timeoutDuration: FETCH_TIMEOUT_MS });
};

/** API Gateway's reasons, in its own words where its documentation quotes them. */
const describe = (error: unknown): string => {
  if (error instanceof TokenRefused) return error.message;
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'the token does not have a valid issuer';
    if (error.claim === 'nbf') return 'the token is not valid yet';
    return `the token's ${error.claim} claim is not valid`;
  }
  if (error instanceof errors.JWKSNoMatchingKey) return "the token's kid is not a key of the issuer";
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature verification failed';
  return 'the token is malformed';
};

/** `scope` (space-separated) or `scp` (a list, or space-separated). */
const scopesOf = (payload: JWTPayload): string[] => {
  const value = payload.scope ?? payload.scp;
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  if (Array.isArray(value)) return value.filter((scope): scope is string => typeof scope === 'string');
  return [];
};

/**
 * A claim as API Gateway hands it to the integration: every value a string, a number in its JSON form
 * (`1787996002`), a list as `[a b]` and an object as `map[k:v]` (the way Go prints them), null omitted.
 */
export const claimValue = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(claimValue).join(' ')}]`;
  if (value !== null && typeof value === 'object') {
    return `map[${Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, child]) => `${key}:${claimValue(child)}`)
      .join(' ')}]`;
  }
  return JSON.stringify(value);
};

const claimsOf = (payload: JWTPayload): Record<string, string> =>
  Object.fromEntries(
    Object.entries(payload)
      .filter(([, value]) => value !== null && value !== undefined)
      .map(([name, value]) => [name, claimValue(value)]),
  );
