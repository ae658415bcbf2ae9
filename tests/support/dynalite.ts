import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { AddressInfo } from 'node:net';
import { localResourceResolver, resolveLocally } from '../../local/cloudformation/localResources';
import { readPackagedTemplate, type StackName } from '../../scripts/stacks';
import { LOCAL } from './workflows';

// dynalite ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: { createTableMs: number; deleteTableMs: number; updateTableMs: number }) => import('node:http').Server;

export interface LocalDynamo {
  client: DynamoDBClient;
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * A real DynamoDB-compatible server (dynalite, in memory) with the tables a packaged stack declares,
 * created from the template's own `AWS::DynamoDB::Table` definitions (keys and indexes included).
 */
export const startDynamo = async (stacks: Exclude<StackName, 'platform'>[]): Promise<LocalDynamo> => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({ endpoint, region: LOCAL.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  for (const stack of stacks) {
    const template = readPackagedTemplate(stack);
    const resolver = localResourceResolver(template, `ordering-${stack}-dev`, { ...LOCAL, exports: {} });
    for (const resource of Object.values(template.Resources)) {
      if (resource.Type !== 'AWS::DynamoDB::Table') continue;
      const properties = resolveLocally(resource.Properties, resolver) as unknown as CreateTableCommandInput & Record<string, unknown>;
      await client.send(
        new CreateTableCommand({
          TableName: properties.TableName,
          AttributeDefinitions: properties.AttributeDefinitions,
          KeySchema: properties.KeySchema,
          GlobalSecondaryIndexes: properties.GlobalSecondaryIndexes,
          LocalSecondaryIndexes: properties.LocalSecondaryIndexes,
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    }
  }
  return {
    client,
    endpoint,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
};
