import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PermanentError, TransientError } from '#shared/errors';
import { createStockRepository } from '../../../../../services/inventory/src/adapters/stockRepository';
import type { StockItem } from '../../../../../services/inventory/src/domain/stock';
import { startDynamo, type LocalDynamo } from '../../../../support/dynalite';

const TABLE = 'ordering-inventory-dev-stock';
const cup: StockItem = { sku: 'ceramic-cup', name: 'Ceramic cup', unitPrice: { amount: 900, currency: 'EUR' }, available: 5 };

let dynamo: LocalDynamo;
let client: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startDynamo(['inventory']);
  client = DynamoDBDocumentClient.from(dynamo.client);
});
afterAll(() => dynamo.stop());

const repository = async (items: StockItem[] = [cup]) => {
  const stock = createStockRepository({ client, tableName: TABLE });
  await stock.seed(items, 'overwrite');
  return stock;
};
const stored = async (sku: string) => (await client.send(new GetCommand({ TableName: TABLE, Key: { sku } }))).Item;

describe('createStockRepository against DynamoDB (dynalite)', () => {
  it('takes the units and keeps the operation id when enough are available', async () => {
    const stock = await repository();

    await expect(stock.take('ceramic-cup', 2, 'ord_1:reserve')).resolves.toBe('TAKEN');

    expect(await stored('ceramic-cup')).toMatchObject({ available: 3, pendingOperations: new Set(['ord_1:reserve']) });
  });

  it('answers TAKEN without taking again when the same operation is repeated', async () => {
    const stock = await repository();
    await stock.take('ceramic-cup', 2, 'ord_1:reserve');

    await expect(stock.take('ceramic-cup', 2, 'ord_1:reserve')).resolves.toBe('TAKEN');

    expect((await stock.get('ceramic-cup'))?.available).toBe(3);
  });

  it('answers OUT_OF_STOCK and leaves the count when fewer units are available', async () => {
    const stock = await repository();

    await expect(stock.take('ceramic-cup', 6, 'ord_1:reserve')).resolves.toBe('OUT_OF_STOCK');

    expect(await stored('ceramic-cup')).toEqual({ ...cup });
  });

  it('takes the last units down to zero, never below', async () => {
    const stock = await repository();

    await expect(stock.take('ceramic-cup', 5, 'ord_1:reserve')).resolves.toBe('TAKEN');
    await expect(stock.take('ceramic-cup', 1, 'ord_2:reserve')).resolves.toBe('OUT_OF_STOCK');

    expect((await stock.get('ceramic-cup'))?.available).toBe(0);
  });

  it('answers UNKNOWN_SKU without creating an item when the SKU is not stocked', async () => {
    const stock = await repository();

    await expect(stock.take('no-such-thing', 1, 'ord_1:reserve')).resolves.toBe('UNKNOWN_SKU');

    expect(await stored('no-such-thing')).toBeUndefined();
  });

  it('undoes a take once, dropping its id, and answers false when there is nothing left to undo', async () => {
    const stock = await repository();
    await stock.take('ceramic-cup', 2, 'ord_1:reserve');

    await expect(stock.undoTake('ceramic-cup', 2, 'ord_1:reserve')).resolves.toBe(true);
    await expect(stock.undoTake('ceramic-cup', 2, 'ord_1:reserve')).resolves.toBe(false);

    expect(await stored('ceramic-cup')).toEqual({ ...cup });
  });

  it('puts units back once per operation id', async () => {
    const stock = await repository();

    await stock.putBack('ceramic-cup', 2, 'ord_1:release');
    await stock.putBack('ceramic-cup', 2, 'ord_1:release');

    expect(await stored('ceramic-cup')).toMatchObject({ available: 7, pendingOperations: new Set(['ord_1:release']) });
  });

  it('throws a PermanentError when putting back units of a SKU that is not stocked', async () => {
    const stock = await repository();

    await expect(stock.putBack('no-such-thing', 1, 'ord_1:release')).rejects.toThrow(PermanentError);
  });

  it('forgets an operation id, and creates nothing when the SKU is not stocked', async () => {
    const stock = await repository();
    await stock.take('ceramic-cup', 2, 'ord_1:reserve');

    await stock.forget('ceramic-cup', 'ord_1:reserve');
    await stock.forget('no-such-thing', 'ord_1:reserve');

    expect(await stored('ceramic-cup')).toEqual({ ...cup, available: 3 });
    expect(await stored('no-such-thing')).toBeUndefined();
  });

  it('returns the item without the operations in flight, or undefined for an unknown SKU', async () => {
    const stock = await repository();
    await stock.take('ceramic-cup', 2, 'ord_1:reserve');

    await expect(stock.get('ceramic-cup')).resolves.toEqual({ ...cup, available: 3 });
    await expect(stock.get('no-such-thing')).resolves.toBeUndefined();
  });

  it('seeds only missing SKUs in missing-only mode and resets counts in overwrite mode', async () => {
    const stock = await repository();
    await stock.take('ceramic-cup', 2, 'ord_1:reserve');
    const grinder: StockItem = { sku: 'grinder', name: 'Burr grinder', unitPrice: { amount: 12900, currency: 'EUR' }, available: 20 };

    await expect(stock.seed([cup, grinder], 'missing-only')).resolves.toEqual(['grinder']);
    expect((await stock.get('ceramic-cup'))?.available).toBe(3);

    await expect(stock.seed([cup, grinder], 'overwrite')).resolves.toEqual(['ceramic-cup', 'grinder']);
    expect(await stored('ceramic-cup')).toEqual({ ...cup });
  });
});

describe('createStockRepository failures', () => {
  const setup = () => {
    const mocked = DynamoDBDocumentClient.from(dynamo.client);
    const sdk = mockClient(mocked);
    return { sdk, stock: createStockRepository({ client: mocked, tableName: TABLE }) };
  };
  const conditionFailed = new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

  it('throws a TransientError when the take lost to a concurrent change that left enough units', async () => {
    const { sdk, stock } = setup();
    sdk.on(UpdateCommand).rejects(conditionFailed);
    sdk.on(GetCommand).resolves({ Item: { ...cup, available: 5 } });

    await expect(stock.take('ceramic-cup', 2, 'ord_1:reserve')).rejects.toThrow(TransientError);
  });

  it('throws a TransientError when a put-back lost its condition but left no id', async () => {
    const { sdk, stock } = setup();
    sdk.on(UpdateCommand).rejects(conditionFailed);
    sdk.on(GetCommand).resolves({ Item: { ...cup } });

    await expect(stock.putBack('ceramic-cup', 2, 'ord_1:release')).rejects.toThrow(TransientError);
  });

  it('lets a DynamoDB throttle through unchanged when a write is throttled (the task boundary classifies it)', async () => {
    const { sdk, stock } = setup();
    sdk.on(UpdateCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    await expect(stock.take('ceramic-cup', 2, 'ord_1:reserve')).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('throws a PermanentError when a stored item is malformed', async () => {
    const { sdk, stock } = setup();
    sdk.on(GetCommand).resolves({ Item: { sku: 'ceramic-cup', available: 'many' } });

    await expect(stock.get('ceramic-cup')).rejects.toThrow(PermanentError);
  });
});
