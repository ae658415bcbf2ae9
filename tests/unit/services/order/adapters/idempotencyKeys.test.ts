import '../support/environment';
import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { createIdempotencyKeys, idempotencyKeysFromEnv } from '../../../../../services/order/src/adapters/idempotencyKeys';
import type { KeyClaim } from '../../../../../services/order/src/domain/placement';
import { startDynamo, type LocalDynamo } from '../../../../support/dynalite';
import { CUSTOMER, keyFor, NOW, testOrderId } from '../support/events';

const TABLE = 'ordering-order-dev-idempotency-keys';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynamo(['order']);
});
afterAll(() => dynamo.stop());

let claims = 0;
/** A claim of CUSTOMER on a key no test used before. */
const claimOf = (overrides: Partial<KeyClaim> = {}): KeyClaim => {
  claims += 1;
  return {
    customerId: CUSTOMER,
    idempotencyKey: keyFor(`claim-${claims}`),
    orderId: testOrderId(`claim-${claims}`),
    requestFingerprint: 'a'.repeat(64),
    claimedAt: NOW.toISOString(),
    ...overrides,
  };
};

describe('createIdempotencyKeys', () => {
  it('stores the claim and answers it when the customer never used the key', async () => {
    const keys = createIdempotencyKeys({ client: dynamo.client, tableName: TABLE });
    const claim = claimOf();

    await expect(keys.claim(claim)).resolves.toEqual({ claimed: true, stored: claim });
  });

  it('keeps the first claim and answers it when the customer claims the key again for another order id', async () => {
    const keys = createIdempotencyKeys({ client: dynamo.client, tableName: TABLE });
    const first = claimOf();
    await keys.claim(first);

    const again = await keys.claim({ ...first, orderId: testOrderId('second attempt'), requestFingerprint: 'b'.repeat(64), claimedAt: '2026-11-25T10:00:00.000Z' });

    expect(again).toEqual({ claimed: false, stored: first });
  });

  it('answers its own claim when the same put is sent again (the SDK retrying a put whose reply was lost)', async () => {
    const keys = createIdempotencyKeys({ client: dynamo.client, tableName: TABLE });
    const claim = claimOf();
    await keys.claim(claim);

    await expect(keys.claim(claim)).resolves.toEqual({ claimed: false, stored: claim });
  });

  it('stores a claim per customer when two customers use the same key', async () => {
    const keys = createIdempotencyKeys({ client: dynamo.client, tableName: TABLE });
    const first = claimOf();
    const second = { ...first, customerId: 'cus_43', orderId: testOrderId('the other customer') };

    await keys.claim(first);
    const result = await keys.claim(second);

    expect(result).toEqual({ claimed: true, stored: second });
  });

  it('lets the SDK error through, for the API handler to classify, when DynamoDB refuses the request', async () => {
    const keys = createIdempotencyKeys({ client: dynamo.client, tableName: 'no-such-table' });

    await expect(keys.claim(claimOf())).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('idempotencyKeysFromEnv', () => {
  it('throws naming IDEMPOTENCY_KEYS_TABLE_NAME when it is not set', () => {
    const saved = process.env.IDEMPOTENCY_KEYS_TABLE_NAME;
    delete process.env.IDEMPOTENCY_KEYS_TABLE_NAME;
    try {
      expect(() => idempotencyKeysFromEnv()).toThrow('IDEMPOTENCY_KEYS_TABLE_NAME');
    } finally {
      process.env.IDEMPOTENCY_KEYS_TABLE_NAME = saved;
    }
  });

  it('wraps its client with the tracer when given one', () => {
    const tracer = { captureAWSv3Client: jest.fn(<T>(client: T) => client) };

    idempotencyKeysFromEnv(tracer);

    expect(tracer.captureAWSv3Client).toHaveBeenCalledTimes(1);
  });
});
