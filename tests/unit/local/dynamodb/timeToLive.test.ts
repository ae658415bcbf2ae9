import { GetItemCommand, PutItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { LocalDynamo } from '../../../../local/dynamodb/localDynamo';

const TABLE = 'replays';
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('LocalDynamo Time to Live', () => {
  const dynamo = new LocalDynamo({ ttlSweepIntervalMs: 60_000 });

  beforeAll(async () => {
    await dynamo.start();
    await dynamo.createTable('Replays', {
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'signature', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'signature', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  afterAll(() => dynamo.stop());

  const put = (signature: string, expiresAt?: AttributeValue) =>
    dynamo.client?.send(new PutItemCommand({ TableName: TABLE, Item: { signature: { S: signature }, ...(expiresAt ? { expiresAt } : {}) } }));

  const signatures = async () => ((await dynamo.client?.send(new ScanCommand({ TableName: TABLE })))?.Items ?? []).map((item) => item.signature?.S).sort();

  it('keeps an expired item until a sweep, then deletes exactly the items whose TTL is a past epoch second within five years', async () => {
    await put('expired', { N: String(nowSeconds() - 10) });
    await put('alive', { N: String(nowSeconds() + 3600) });
    await put('no-ttl');
    await put('string-ttl', { S: String(nowSeconds() - 10) });
    await put('older-than-five-years', { N: String(nowSeconds() - 6 * 365 * 24 * 3600) });
    const before = await signatures();

    const deleted = await dynamo.sweepExpiredItems();

    expect(before).toContain('expired');
    expect(deleted).toBe(1);
    expect(await signatures()).toEqual(['alive', 'no-ttl', 'older-than-five-years', 'string-ttl']);
  });

  it('reports the tables whose items expire, with their TTL attribute', () => {
    expect(dynamo.timeToLiveTables()).toEqual([{ tableName: TABLE, attributeName: 'expiresAt' }]);
  });

  it('deletes expired items by itself, every sweep interval', async () => {
    const sweeping = new LocalDynamo({ ttlSweepIntervalMs: 10 });
    await sweeping.start();
    try {
      await sweeping.createTable('Replays', {
        TableName: TABLE,
        AttributeDefinitions: [{ AttributeName: 'signature', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'signature', KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      });
      await sweeping.client?.send(new PutItemCommand({ TableName: TABLE, Item: { signature: { S: 'expired' }, expiresAt: { N: String(nowSeconds() - 1) } } }));

      sweeping.startTimeToLive();
      // Polls the store, as a test of an eventually-deleting AWS would; no fixed wait.
      for (;;) {
        const { Item } = (await sweeping.client?.send(new GetItemCommand({ TableName: TABLE, Key: { signature: { S: 'expired' } } }))) ?? {};
        if (!Item) break;
        await new Promise((resolve) => setImmediate(resolve));
      }

      expect(await sweeping.sweepExpiredItems()).toBe(0);
    } finally {
      await sweeping.stop();
    }
  });

  it.each([
    ['an unknown property', { AttributeName: 'expiresAt', Enabled: true, Mode: 'fast' }, 'table Replays: TimeToLiveSpecification properties Mode are not supported by the local cloud'],
    ['no attribute name', { Enabled: true }, 'table Replays: TimeToLiveSpecification needs an AttributeName when enabled'],
  ])('refuses a TimeToLiveSpecification with %s, naming the table', async (_case, specification, message) => {
    await expect(
      dynamo.createTable('Replays', {
        TableName: 'other',
        AttributeDefinitions: [{ AttributeName: 'signature', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'signature', KeyType: 'HASH' }],
        TimeToLiveSpecification: specification,
      }),
    ).rejects.toThrow(message);
  });
});
