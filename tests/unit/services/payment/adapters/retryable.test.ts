import { InvalidEventError, PermanentError, PublishError, TransientError } from '#shared/errors';
import { retryable } from '../../../../../services/payment/src/adapters/retryable';

const failWith = (error: unknown) =>
  retryable('doing the thing', () => {
    throw error;
  });

describe('retryable', () => {
  it('returns the result when the operation succeeds', async () => {
    await expect(retryable('doing the thing', () => Promise.resolve(42))).resolves.toBe(42);
  });

  it('rethrows a TransientError unchanged', async () => {
    const error = new TransientError('busy');

    await expect(failWith(error)).rejects.toBe(error);
  });

  it.each([
    ['a permanent error', new PermanentError('bad input')],
    ['an invalid event', new InvalidEventError('bad event')],
  ])('rethrows %s unchanged so Catch, not Retry, handles it', async (_, error) => {
    await expect(failWith(error)).rejects.toBe(error);
  });

  it.each([
    ['an SDK error', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })],
    ['a transient subclass with its own name', new PublishError('refused', [])],
    ['a non-error value', 'socket closed'],
  ])('turns %s into a TransientError named for the workflow Retry, keeping the cause', async (_, error) => {
    const thrown = (await failWith(error).catch((caught: unknown) => caught)) as Error;

    expect(thrown).toBeInstanceOf(TransientError);
    expect(thrown.name).toBe('TransientError');
    expect(thrown.message).toMatch(/^doing the thing failed/);
    expect(thrown.cause).toBe(error);
  });
});
