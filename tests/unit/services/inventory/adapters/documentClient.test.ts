import { ConditionalCheckFailedException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClientFromEnv, writeIf } from '../../../../../services/inventory/src/adapters/documentClient';

describe('writeIf', () => {
  it('answers true when the write applied and false when its condition did not hold', async () => {
    await expect(writeIf(() => Promise.resolve())).resolves.toBe(true);
    await expect(
      writeIf(() => Promise.reject(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }))),
    ).resolves.toBe(false);
  });

  it('lets any other failure through as the SDK raised it, for the task boundary to classify', async () => {
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: { httpStatusCode: 400 } });

    await expect(writeIf(() => Promise.reject(throttled))).rejects.toBe(throttled);
  });
});

describe('documentClientFromEnv', () => {
  it('builds one document client per cold start and shares it between repositories', () => {
    const first = documentClientFromEnv();

    expect(first).toBeInstanceOf(DynamoDBDocumentClient);
    expect(documentClientFromEnv()).toBe(first);
  });
});
