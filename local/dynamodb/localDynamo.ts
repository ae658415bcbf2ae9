import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { listening } from '../edge/listening';

// dynalite ships no types; it is an in-memory DynamoDB-compatible server.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => Server;

/** Table properties the local server cannot honour; a template using them is refused or told loudly. */
const REFUSED_TABLE_PROPERTIES = ['StreamSpecification', 'KinesisStreamSpecification', 'ImportSourceSpecification'];

/**
 * DynamoDB for the local cloud: dynalite in memory (conditional writes, queries, GSIs; no transactions, no
 * TTL, no streams), reachable directly and through the edge port.
 */
export class LocalDynamo {
  private server: Server | undefined;
  /** dynalite's own request listener: the edge hands DynamoDB requests to it without a second HTTP hop. */
  private handler: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
  endpoint = '';
  client: DynamoDBClient | undefined;
  /** What was declared but is not enforced locally, for the start-up report. */
  readonly notEnforced: string[] = [];

  async start(): Promise<void> {
    this.server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    this.handler = this.server.listeners('request')[0] as ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
    await listening(this.server, 0);
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.client = new DynamoDBClient({ endpoint: this.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  }

  /** Creates a table from its resolved `AWS::DynamoDB::Table` properties. */
  async createTable(logicalId: string, properties: Record<string, unknown>): Promise<void> {
    const refused = REFUSED_TABLE_PROPERTIES.filter((name) => name in properties);
    if (refused.length > 0) {
      throw new Error(`table ${logicalId}: ${refused.join(', ')} not supported by the local cloud`);
    }
    const ttl = properties.TimeToLiveSpecification as { Enabled?: boolean; AttributeName?: string } | undefined;
    if (ttl?.Enabled) this.notEnforced.push(`TTL on ${String(properties.TableName)} (${String(ttl.AttributeName)}): items never expire locally`);
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
  }

  /**
   * Serves a DynamoDB request that arrived at the edge port, body unread: dynalite's request listener reads
   * it and answers on the edge's own connection, exactly as its server would, without the proxy's second
   * HTTP request (which cost as much main-thread time as the operation itself).
   */
  handle(request: IncomingMessage, response: ServerResponse): void {
    if (!this.handler) throw new Error('LocalDynamo is not started');
    this.handler(request, response);
  }

  async stop(): Promise<void> {
    this.client?.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Starts a bare HTTP server, for components that only need one. @internal */
export const listen = async (handler: (request: IncomingMessage, response: ServerResponse) => void, port: number): Promise<Server> => {
  const server = createServer(handler);
  await listening(server, port);
  return server;
};
