import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createDynamoUsedSignatures } from '../../../../../services/shipping/src/adapters/usedSignatures';
import { startDynamo, type LocalDynamo } from '../../../../support/dynalite';
import { USED_SIGNATURES_TABLE } from '../support/fakes';

const TABLE = USED_SIGNATURES_TABLE;
const NOW = new Date('2026-11-25T11:02:05.000Z');
const NOW_SECONDS = NOW.getTime() / 1000;

let dynamo: LocalDynamo;
let client: DynamoDBDocumentClient;

beforeAll(async () => {
  dynamo = await startDynamo(['shipping']);
  client = DynamoDBDocumentClient.from(dynamo.client);
});
afterAll(() => dynamo.stop());

let sequence = 0;
const freshSignature = () => `${(sequence++).toString(16).padStart(8, '0')}${'a'.repeat(56)}`;
const claim = (requestId: string, now = NOW) => ({ usableUntil: NOW_SECONDS + 300, requestId, now });

describe('createDynamoUsedSignatures', () => {
  const used = () => createDynamoUsedSignatures({ client, tableName: TABLE });

  it('claims a signature no request presented before, storing until when it must be kept', async () => {
    const signature = freshSignature();

    const result = await used().claim(signature, claim('request-1'));

    expect(result).toBe('claimed');
    const { Item } = await client.send(new GetCommand({ TableName: TABLE, Key: { signature } }));
    expect(Item).toEqual({ signature, expiresAt: NOW_SECONDS + 300, claimedBy: 'request-1', claimedAt: NOW.toISOString() });
  });

  it('answers replayed when another request presents a signature already claimed', async () => {
    const signature = freshSignature();
    await used().claim(signature, claim('request-1'));

    await expect(used().claim(signature, claim('request-2'))).resolves.toBe('replayed');
  });

  it('answers claimed when the request finds its own claim, as the SDK retry of a put whose reply was lost does', async () => {
    const signature = freshSignature();
    await used().claim(signature, claim('request-1'));

    await expect(used().claim(signature, claim('request-1'))).resolves.toBe('claimed');
  });

  it('treats a claim past its expiry as absent, since TTL deletes it only eventually', async () => {
    const signature = freshSignature();
    await client.send(new PutCommand({ TableName: TABLE, Item: { signature, expiresAt: NOW_SECONDS - 1, claimedBy: 'old-request' } }));

    const result = await used().claim(signature, claim('request-2'));

    expect(result).toBe('claimed');
    const { Item } = await client.send(new GetCommand({ TableName: TABLE, Key: { signature } }));
    expect(Item).toMatchObject({ claimedBy: 'request-2', expiresAt: NOW_SECONDS + 300 });
  });

  it('grants exactly one of many concurrent claims of the same signature', async () => {
    const signature = freshSignature();

    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => used().claim(signature, claim(`request-${i}`))));

    expect(results.filter((result) => result === 'claimed')).toHaveLength(1);
  });

  it('lets a throttle through unchanged, for the handler to answer 503 and the carrier to retry', async () => {
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    const busyClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
    mockClient(busyClient).onAnyCommand().rejects(throttled);

    await expect(createDynamoUsedSignatures({ client: busyClient, tableName: TABLE }).claim(freshSignature(), claim('request-1'))).rejects.toBe(throttled);
  });
});
