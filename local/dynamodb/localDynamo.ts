import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { accessKeyIdOf, apiErrorReply, checkedApiFault } from '../edge/apiFaults';
import { AwsServiceError, writeAwsError } from '../edge/awsJsonProtocol';
import { listening } from '../edge/listening';
import { NO_FAULTS, type ApiCall, type ApiFault, type FaultPlan } from '../faults';
import { TimeToLiveSweeper } from './timeToLive';

// dynalite ships no types; it is an in-memory DynamoDB-compatible server.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => Server;

/** What dynalite's request listener reads of a request: its headers and a body it listens to. */
type DynaliteRequest = Readable & { headers: IncomingHttpHeaders; method?: string; url?: string };

/** What dynalite's request listener writes to: a status, headers, and one `end` with the whole body. */
interface DynaliteResponse {
  statusCode: number;
  setHeader(name: string, value: string | number): unknown;
  end(body?: string): unknown;
}

type DynaliteHandler = (request: DynaliteRequest, response: DynaliteResponse) => void;

/** The request again, body already read: dynalite reads it as it would the connection's. */
const replayed = (request: IncomingMessage, body: Buffer): DynaliteRequest =>
  Object.assign(Readable.from(body.length > 0 ? [body] : []), { headers: request.headers, method: request.method, url: request.url });

/**
 * A response dynalite writes its answer into that nobody reads: once the operation took effect and its
 * answer is ready, the connection is destroyed instead, which the SDK sees as a network error.
 */
const lostReply = (response: ServerResponse): DynaliteResponse => ({
  statusCode: 200,
  setHeader: () => undefined,
  end: () => response.destroy(),
});

const parsedInput = (body: Buffer): Record<string, unknown> => {
  try {
    const input: unknown = JSON.parse(body.toString('utf8'));
    return typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  } catch {
    return {}; // dynalite answers SerializationException itself
  }
};

/** Table properties the local server cannot honour; a template using them is refused or told loudly. */
const REFUSED_TABLE_PROPERTIES = ['StreamSpecification', 'KinesisStreamSpecification', 'ImportSourceSpecification'];

export interface LocalDynamoOptions {
  /** Decides, per request that comes through the edge (`handle`), whether DynamoDB answers it with an error or loses its reply. */
  faults?: FaultPlan;
  /** How often expired items of tables with a `TimeToLiveSpecification` are deleted (default 1 s; AWS: within days). */
  ttlSweepIntervalMs?: number;
  /** Where a failed TTL sweep is reported; defaults to stderr. */
  log?: (line: string) => void;
}

const TTL_SWEEP_INTERVAL_MS = 1000;

/**
 * DynamoDB for the local cloud: dynalite in memory (conditional writes, queries, GSIs; no transactions, no
 * streams), reachable directly and through the edge port, plus the Time to Live dynalite lacks (a sweeper,
 * `local/dynamodb/timeToLive.ts`). Requests through the edge go past the fault plan first; the direct endpoint
 * (`endpoint`, `client`) is the local cloud's own and never faulted.
 */
export class LocalDynamo {
  private server: Server | undefined;
  /** dynalite's own request listener: the edge hands DynamoDB requests to it without a second HTTP hop. */
  private handler: DynaliteHandler | undefined;
  private readonly faults: FaultPlan;
  private sweeper: TimeToLiveSweeper | undefined;
  endpoint = '';
  client: DynamoDBClient | undefined;

  constructor(private readonly options: LocalDynamoOptions = {}) {
    this.faults = options.faults ?? NO_FAULTS;
  }

  async start(): Promise<void> {
    this.server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    this.handler = this.server.listeners('request')[0] as DynaliteHandler | undefined;
    await listening(this.server, 0);
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.client = new DynamoDBClient({ endpoint: this.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    this.sweeper = new TimeToLiveSweeper(this.client);
  }

  /** Creates a table from its resolved `AWS::DynamoDB::Table` properties. */
  async createTable(logicalId: string, properties: Record<string, unknown>): Promise<void> {
    const refused = REFUSED_TABLE_PROPERTIES.filter((name) => name in properties);
    if (refused.length > 0) {
      throw new Error(`table ${logicalId}: ${refused.join(', ')} not supported by the local cloud`);
    }
    const ttl = timeToLiveOf(logicalId, properties.TimeToLiveSpecification);
    // The template's properties are CreateTable's input but for the few CloudFormation adds (checked above).
    const input = properties as unknown as CreateTableCommandInput;
    await this.client?.send(
      new CreateTableCommand({
        TableName: input.TableName,
        AttributeDefinitions: input.AttributeDefinitions,
        KeySchema: input.KeySchema,
        GlobalSecondaryIndexes: input.GlobalSecondaryIndexes,
        LocalSecondaryIndexes: input.LocalSecondaryIndexes,
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    if (ttl) this.sweeper?.add({ tableName: String(input.TableName), attributeName: ttl, keyAttributes: (input.KeySchema ?? []).map(({ AttributeName }) => String(AttributeName)) });
  }

  /** Starts deleting expired items of the tables with a TTL, every `ttlSweepIntervalMs`. */
  startTimeToLive(): void {
    this.sweeper?.start(this.options.ttlSweepIntervalMs ?? TTL_SWEEP_INTERVAL_MS, (error) =>
      (this.options.log ?? ((line) => console.error(`[dynamodb] ${line}`)))(`TTL sweep failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  /** Deletes every expired item now, as AWS's TTL eventually does; resolves with how many. For tests that expect an item gone. */
  sweepExpiredItems(): Promise<number> {
    return this.sweeper?.sweep() ?? Promise.resolve(0);
  }

  /** The tables whose items expire, each with its TTL attribute. */
  timeToLiveTables(): { tableName: string; attributeName: string }[] {
    return (this.sweeper?.listTables() ?? []).map(({ tableName, attributeName }) => ({ tableName, attributeName }));
  }

  /**
   * Serves a DynamoDB request that arrived at the edge port, body unread: dynalite's request listener reads
   * it and answers on the edge's own connection, exactly as its server would, without the proxy's second
   * HTTP request (which cost as much main-thread time as the operation itself). With a fault plan, the body
   * is read first so that the plan can decide from the parsed input: DynamoDB's error in its wire shape
   * instead of the operation, or the operation and then a lost reply.
   */
  handle(request: IncomingMessage, response: ServerResponse): void {
    const handler = this.handler;
    if (!handler) throw new Error('LocalDynamo is not started');
    // NO_FAULTS never faults: the request goes to dynalite unread, the fast path every test without a plan takes.
    if (this.faults === NO_FAULTS) {
      handler(request, response);
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('error', () => response.destroy());
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const call: ApiCall = {
        service: 'dynamodb',
        operation: String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '',
        input: parsedInput(body),
        accessKeyId: accessKeyIdOf(request.headers),
      };
      const contentType = request.headers['content-type'] ?? 'application/x-amz-json-1.0';
      let fault: ApiFault;
      try {
        fault = checkedApiFault(call, this.faults.apiFault(call));
      } catch (error) {
        writeAwsError(response, new AwsServiceError('InvalidApiFaultError', error instanceof Error ? error.message : String(error), 500), contentType);
        return;
      }
      if (fault.kind === 'error') writeAwsError(response, AwsServiceError.of(apiErrorReply('dynamodb', fault.error)), contentType);
      else handler(replayed(request, body), fault.kind === 'reply-lost' ? lostReply(response) : response);
    });
  }

  async stop(): Promise<void> {
    this.sweeper?.stop();
    this.client?.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** The TTL attribute of a `TimeToLiveSpecification`, or undefined when TTL is off; anything else is refused. */
const timeToLiveOf = (logicalId: string, specification: unknown): string | undefined => {
  if (specification === undefined) return undefined;
  const { Enabled, AttributeName, ...rest } = specification as { Enabled?: unknown; AttributeName?: unknown };
  if (Object.keys(rest).length > 0) throw new Error(`table ${logicalId}: TimeToLiveSpecification properties ${Object.keys(rest).join(', ')} are not supported by the local cloud`);
  if (typeof Enabled !== 'boolean') throw new Error(`table ${logicalId}: TimeToLiveSpecification.Enabled must be a boolean`);
  if (!Enabled) return undefined;
  if (typeof AttributeName !== 'string' || AttributeName === '') throw new Error(`table ${logicalId}: TimeToLiveSpecification needs an AttributeName when enabled`);
  return AttributeName;
};

/** Starts a bare HTTP server, for components that only need one. @internal */
export const listen = async (handler: (request: IncomingMessage, response: ServerResponse) => void, port: number): Promise<Server> => {
  const server = createServer(handler);
  await listening(server, port);
  return server;
};
