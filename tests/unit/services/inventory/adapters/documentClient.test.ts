import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PermanentError, TransientError } from '#shared/errors';
import { call, documentClientFromEnv, storeFailure, writeIf } from '../../../../../services/inventory/src/adapters/documentClient';

const sdkError = (name: string) => Object.assign(new Error(`${name} happened`), { name });

describe('storeFailure', () => {
  it.each(['ThrottlingException', 'ProvisionedThroughputExceededException', 'InternalServerError', 'TimeoutError'])(
    'is a TransientError, so the workflow retries, when DynamoDB fails with %s',
    (name) => {
      const failure = storeFailure(sdkError(name), 'taking 1 of ceramic-cup');

      expect(failure).toBeInstanceOf(TransientError);
      expect(failure.message).toBe(`taking 1 of ceramic-cup failed: ${name}: ${name} happened`);
      expect(failure.cause).toBeInstanceOf(Error);
    },
  );

  it.each(['ValidationException', 'ResourceNotFoundException', 'AccessDeniedException'])(
    'is a PermanentError when DynamoDB fails with %s, which no retry fixes',
    (name) => {
      expect(storeFailure(sdkError(name), 'seeding')).toBeInstanceOf(PermanentError);
    },
  );

  it('is a TransientError when something that is not an Error was thrown', () => {
    expect(storeFailure('boom', 'seeding')).toMatchObject({ name: 'TransientError', message: 'seeding failed: UnknownError' });
  });
});

describe('writeIf', () => {
  it('answers true when the write applied and false when its condition did not hold', async () => {
    await expect(writeIf('a write', () => Promise.resolve())).resolves.toBe(true);
    await expect(
      writeIf('a write', () => Promise.reject(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }))),
    ).resolves.toBe(false);
  });

  it('throws a typed error when the write failed otherwise', async () => {
    await expect(writeIf('a write', () => Promise.reject(sdkError('ThrottlingException')))).rejects.toThrow(TransientError);
  });
});

describe('call', () => {
  it('returns the result or throws a typed error', async () => {
    await expect(call('a read', () => Promise.resolve(42))).resolves.toBe(42);
    await expect(call('a read', () => Promise.reject(sdkError('ResourceNotFoundException')))).rejects.toThrow(PermanentError);
  });
});

describe('documentClientFromEnv', () => {
  it('builds one document client per cold start and shares it between repositories', () => {
    const first = documentClientFromEnv();

    expect(first).toBeInstanceOf(DynamoDBDocumentClient);
    expect(documentClientFromEnv()).toBe(first);
  });
});
