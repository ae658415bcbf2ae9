import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { LocalDynamo } from '../../../../local/dynamodb/localDynamo';

describe('LocalDynamo.handle', () => {
  const dynamo = new LocalDynamo();
  let edge: Server;
  let client: DynamoDBClient;

  beforeAll(async () => {
    await dynamo.start();
    await dynamo.createTable('Orders', {
      TableName: 'orders',
      AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
    });
    // An edge that serves DynamoDB requests in place, as the local cloud's does.
    edge = createServer((request, response) => dynamo.handle(request, response));
    await new Promise<void>((resolve) => edge.listen(0, '127.0.0.1', resolve));
    client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${(edge.address() as AddressInfo).port}`,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  afterAll(async () => {
    client.destroy();
    await new Promise<void>((resolve) => edge.close(() => resolve()));
    await dynamo.stop();
  });

  it('serves requests on the connection they arrived on, with DynamoDB’s answers and errors', async () => {
    await client.send(new PutItemCommand({ TableName: 'orders', Item: { orderId: { S: 'ord_1' }, status: { S: 'PLACED' } } }));

    const { Item } = await client.send(new GetItemCommand({ TableName: 'orders', Key: { orderId: { S: 'ord_1' } } }));
    expect(Item).toEqual({ orderId: { S: 'ord_1' }, status: { S: 'PLACED' } });
    await expect(
      client.send(new PutItemCommand({ TableName: 'orders', Item: { orderId: { S: 'ord_1' } }, ConditionExpression: 'attribute_not_exists(orderId)' })),
    ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });
});
