/**
 * `npm run token`: a bearer token for the running local cloud (`npm start`), signed by its local issuer,
 * as a signed-in customer's browser would hold one.
 *
 *   npm run token -- --customer <id> [--groups operators] [--scope "openid email"] [--expires-in 3600] [--pool <poolId>]
 *
 * Prints the token alone, so that `TOKEN=$(npm run -s token -- --customer cus_1)` works; then
 * `curl -H "Authorization: Bearer $TOKEN" localhost:3000/orders/<orderId>`. The edge port is
 * LOCAL_CLOUD_EDGE_PORT (4566). Exit code 1 if the cloud refused or could not be reached, 2 for a bad command line.
 */
import { parseArgs } from 'node:util';

const USAGE = `usage: npm run token -- --customer <id> [--groups <group,…>] [--scope "<scope> …"] [--expires-in <seconds>] [--pool <poolId>]

  --customer <id>         the token's subject (sub): the customer id
  --groups <group,…>      cognito:groups, each a group of the pool (e.g. operators)
  --scope "<scope> …"     the token's scope claim, space-separated
  --expires-in <seconds>  how long the token lives (default: the app client's ID token validity); --expires-in=-1: already expired
  --pool <poolId>         the user pool to sign with (default: the first of the templates)
  --help                  this text`;

/** A command line that cannot be run: told with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface TokenRequest {
  customer: string;
  groups?: string[];
  scope?: string;
  expiresInSeconds?: number;
  poolId?: string;
}

/** Parses the command line strictly: an unknown option, a missing value or a non-integer expiry is a {@link UsageError}. */
export const parseTokenArgs = (argv: readonly string[]): { help: true } | { help: false; request: TokenRequest } => {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: { customer: { type: 'string' }, groups: { type: 'string' }, scope: { type: 'string' }, 'expires-in': { type: 'string' }, pool: { type: 'string' }, help: { type: 'boolean' } },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return { help: true };
  const customer = values.customer;
  if (typeof customer !== 'string' || customer.trim() === '') throw new UsageError('--customer <id> is required');
  const request: TokenRequest = { customer };
  if (typeof values.groups === 'string') {
    const groups = values.groups.split(',').map((group) => group.trim());
    if (groups.some((group) => group === '')) throw new UsageError(`--groups ${values.groups}: a comma-separated list of group names`);
    request.groups = groups;
  }
  if (typeof values.scope === 'string') request.scope = values.scope;
  if (typeof values['expires-in'] === 'string') {
    const text = values['expires-in'];
    if (!/^-?\d+$/.test(text)) throw new UsageError(`--expires-in ${text}: a whole number of seconds`);
    request.expiresInSeconds = Number(text);
  }
  if (typeof values.pool === 'string') request.poolId = values.pool;
  return { help: false, request };
};

interface PoolListing {
  pools: { poolId: string; issuerUrl: string }[];
}

/** Asks the local cloud at `edgeUrl` for a token: its pools (`GET /identity`), then the pool's local token endpoint. */
export const requestToken = async (edgeUrl: string, request: TokenRequest): Promise<string> => {
  let listing: Response;
  try {
    listing = await fetch(`${edgeUrl}/identity`);
  } catch (error) {
    throw new Error(`cannot reach the local cloud at ${edgeUrl}: is npm start running (edge port LOCAL_CLOUD_EDGE_PORT)?`, { cause: error });
  }
  if (!listing.ok) throw new Error(`${edgeUrl}/identity answered ${listing.status}: is this the local cloud?`);
  const { pools } = (await listing.json()) as PoolListing;
  const pool = request.poolId === undefined ? pools[0] : pools.find(({ poolId }) => poolId === request.poolId);
  if (!pool) throw new Error(request.poolId === undefined ? 'the templates declare no user pool (AWS::Cognito::UserPool)' : `no user pool ${request.poolId}; the local cloud has ${pools.map(({ poolId }) => poolId).join(', ') || 'none'}`);
  const response = await fetch(`${pool.issuerUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      sub: request.customer,
      ...(request.groups ? { groups: request.groups } : {}),
      ...(request.scope === undefined ? {} : { scope: request.scope }),
      ...(request.expiresInSeconds === undefined ? {} : { expiresInSeconds: request.expiresInSeconds }),
    }),
  });
  const answer = (await response.json()) as { token?: string; message?: string };
  if (!response.ok || typeof answer.token !== 'string') throw new Error(`the local issuer refused: ${answer.message ?? `HTTP ${response.status}`}`);
  return answer.token;
};

const main = async () => {
  const parsed = parseTokenArgs(process.argv.slice(2));
  if (parsed.help) {
    console.log(USAGE);
    return;
  }
  const edgeUrl = `http://localhost:${process.env.LOCAL_CLOUD_EDGE_PORT ?? '4566'}`;
  console.log(await requestToken(edgeUrl, parsed.request));
};

if (require.main === module) {
  main().catch((error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
