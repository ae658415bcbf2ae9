import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { LocalDynamo } from '../../../../local/dynamodb/localDynamo';
import { NO_API_FAULT, NO_FAULTS, type ApiCall, type ApiFault } from '../../../../local/faults';

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

describe('LocalDynamo.handle with a fault plan', () => {
  let fault: ApiFault = NO_API_FAULT;
  const calls: ApiCall[] = [];
  const dynamo = new LocalDynamo({
    faults: {
      ...NO_FAULTS,
      apiFault: (call) => {
        calls.push(call);
        return fault;
      },
    },
  });
  let edge: Server;
  let url: string;
  let client: DynamoDBClient;

  beforeAll(async () => {
    await dynamo.start();
    await dynamo.createTable('Orders', {
      TableName: 'orders',
      AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
    });
    edge = createServer((request, response) => dynamo.handle(request, response));
    await new Promise<void>((resolve) => edge.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(edge.address() as AddressInfo).port}`;
    // One attempt: what the edge sent, not the SDK's retries, is under test here.
    client = new DynamoDBClient({ endpoint: url, region: 'eu-west-1', credentials: { accessKeyId: 'unit', secretAccessKey: 'local' }, maxAttempts: 1 });
  });

  afterAll(async () => {
    client.destroy();
    await new Promise<void>((resolve) => edge.close(() => resolve()));
    await dynamo.stop();
  });

  beforeEach(() => {
    fault = NO_API_FAULT;
    calls.length = 0;
  });

  it('answers the plan’s error in DynamoDB’s wire shape, without running the operation, when the plan throttles the call', async () => {
    // Arrange
    fault = { kind: 'error', error: 'ThrottlingException' };

    // Act
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.PutItem' },
      body: JSON.stringify({ TableName: 'orders', Item: { orderId: { S: 'ord_throttled' } } }),
    });

    // Assert
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('com.amazonaws.dynamodb.v20120810#ThrottlingException');
    expect(await response.json()).toEqual({ __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: expect.stringContaining('Throughput exceeds') as unknown });
    expect(calls).toEqual([{ service: 'dynamodb', operation: 'PutItem', input: { TableName: 'orders', Item: { orderId: { S: 'ord_throttled' } } }, accessKeyId: undefined }]);
    fault = NO_API_FAULT;
    expect((await client.send(new GetItemCommand({ TableName: 'orders', Key: { orderId: { S: 'ord_throttled' } } }))).Item).toBeUndefined();
  });

  it('applies the write and resets the connection before any reply when the plan loses the reply', async () => {
    fault = { kind: 'reply-lost' };

    await expect(client.send(new PutItemCommand({ TableName: 'orders', Item: { orderId: { S: 'ord_unanswered' } } }))).rejects.toThrow(/socket hang up/);

    fault = NO_API_FAULT;
    expect((await client.send(new GetItemCommand({ TableName: 'orders', Key: { orderId: { S: 'ord_unanswered' } } }))).Item).toEqual({ orderId: { S: 'ord_unanswered' } });
  });
});
