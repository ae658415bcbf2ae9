import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** A request for a token the pool cannot honour: told to its caller (HTTP 400 on the edge), nothing issued. */
export class IdentityRequestError extends Error {
  override readonly name = 'IdentityRequestError';
}

/** An app client of a pool (`AWS::Cognito::UserPoolClient`): its id is the `aud` of the ID tokens it gets. */
export interface UserPoolClient {
  clientId: string;
  name: string;
  /** How long its ID tokens live unless the request says otherwise (`IdTokenValidity`, Cognito's default 1 hour). */
  idTokenValiditySeconds: number;
  /** `AllowedOAuthScopes`: when declared, the only scopes its tokens may carry. */
  allowedScopes?: readonly string[];
}

export interface IssueTokenOptions {
  /** `sub`: the customer id. */
  subject: string;
  /** `cognito:groups`: each must be a group of the pool (`AWS::Cognito::UserPoolGroup`). */
  groups?: readonly string[];
  /** `scope`, space-separated in the token. */
  scopes?: readonly string[];
  /** Defaults to the client's ID token validity; zero or negative gives a token already expired (for tests). */
  expiresInSeconds?: number;
  /** `aud`: defaults to the pool's first client; any other value gives a token for an audience the templates do not know. */
  audience?: string;
}

/** Cognito's maximum ID token validity: a day. Past it, no request is honoured either way. */
const MAX_VALIDITY_SECONDS = 86_400;

/**
 * A user pool, locally: an OpenID issuer with a fresh RS256 key pair per start, whose ID tokens look like
 * Cognito's (`kid`, `iss`, `sub`, `aud`, `exp`, `iat`, `token_use: id`, `cognito:groups`). It has no users, no
 * sign-in and no hosted UI: it signs a token for whichever subject a test or `npm run token` names, which is
 * what a signed-in customer's browser would hold.
 *
 * @example
 * ```ts
 * const pool = await LocalUserPool.create({ poolId: 'eu-west-1_AbCdEfGhI', name: 'customers', issuerUrl: 'http://localhost:4566/identity/eu-west-1_AbCdEfGhI' });
 * pool.addClient({ clientId: 'abc', name: 'web', idTokenValiditySeconds: 3600 });
 * const token = await pool.issueToken({ subject: 'cus_1' });
 * ```
 */
export class LocalUserPool {
  private readonly clients: UserPoolClient[] = [];
  private readonly groups = new Set<string>();

  private constructor(
    readonly poolId: string,
    readonly name: string,
    readonly issuerUrl: string,
    private readonly privateKey: CryptoKey,
    private readonly publicKey: JWK,
  ) {}

  static async create(options: { poolId: string; name: string; issuerUrl: string }): Promise<LocalUserPool> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
    return new LocalUserPool(options.poolId, options.name, options.issuerUrl, privateKey, jwk);
  }

  addClient(client: UserPoolClient): void {
    this.clients.push(client);
  }

  addGroup(groupName: string): void {
    this.groups.add(groupName);
  }

  /** The first client of the pool, as the templates declare them: the default audience. */
  get defaultClient(): UserPoolClient | undefined {
    return this.clients[0];
  }

  listClients(): readonly UserPoolClient[] {
    return this.clients;
  }

  listGroups(): string[] {
    return [...this.groups];
  }

  /** What `/.well-known/jwks.json` serves: the public key, by its `kid`. */
  jwks(): { keys: JWK[] } {
    return { keys: [this.publicKey] };
  }

  /** What `/.well-known/openid-configuration` serves: where an authorizer finds the keys. */
  discovery(): Record<string, unknown> {
    return {
      issuer: this.issuerUrl,
      jwks_uri: `${this.issuerUrl}/.well-known/jwks.json`,
      // Local only: Cognito's token endpoint lives on the pool's domain and speaks OAuth, this one does not.
      token_endpoint: `${this.issuerUrl}/token`,
      response_types_supported: ['token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    };
  }

  /** Signs an ID token; a request the pool cannot honour throws an {@link IdentityRequestError} naming what is wrong. */
  async issueToken(options: IssueTokenOptions, now = Date.now()): Promise<string> {
    const client = this.clientFor(options.audience);
    const { subject, groups = [], scopes = [] } = options;
    if (subject.trim() === '') throw new IdentityRequestError('a token needs a subject (sub): the customer id');
    const unknownGroups = groups.filter((group) => !this.groups.has(group));
    if (unknownGroups.length > 0) {
      throw new IdentityRequestError(`groups ${unknownGroups.join(', ')} are not groups of user pool ${this.poolId} (it has ${this.listGroups().join(', ') || 'none'})`);
    }
    if (scopes.some((scope) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope))) {
      throw new IdentityRequestError('each scope is a non-empty string of printable characters without spaces, quotes or backslashes (RFC 6749)');
    }
    const refusedScopes = client?.allowedScopes ? scopes.filter((scope) => !client.allowedScopes?.includes(scope)) : [];
    if (refusedScopes.length > 0) throw new IdentityRequestError(`scopes ${refusedScopes.join(', ')} are not in the AllowedOAuthScopes of client ${client?.name ?? ''}`);
    const expiresInSeconds = options.expiresInSeconds ?? client?.idTokenValiditySeconds ?? 3600;
    if (!Number.isInteger(expiresInSeconds) || Math.abs(expiresInSeconds) > MAX_VALIDITY_SECONDS) {
      throw new IdentityRequestError(`expiresInSeconds must be an integer of at most ${MAX_VALIDITY_SECONDS} (a day, Cognito's longest ID token)`);
    }
    const audience = options.audience ?? client?.clientId;
    if (audience === undefined) throw new IdentityRequestError(`user pool ${this.poolId} has no app client (AWS::Cognito::UserPoolClient) to issue a token for`);

    const issuedAt = Math.floor(now / 1000);
    const jwt = new SignJWT({
      token_use: 'id',
      'cognito:username': subject,
      auth_time: issuedAt,
      ...(groups.length > 0 ? { 'cognito:groups': [...groups] } : {}),
      ...(scopes.length > 0 ? { scope: scopes.join(' ') } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: String(this.publicKey.kid), typ: 'JWT' })
      .setIssuer(this.issuerUrl)
      .setSubject(subject)
      .setAudience(audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + expiresInSeconds)
      .setJti(randomUUID());
    return jwt.sign(this.privateKey);
  }

  /** The client a token is for: the one named, or the first; an audience of no client is allowed (tests of a wrong audience). */
  private clientFor(audience: string | undefined): UserPoolClient | undefined {
    if (audience === undefined) return this.defaultClient;
    return this.clients.find((client) => client.clientId === audience);
  }
}
