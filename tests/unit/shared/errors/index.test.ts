import {
  ApplicationError,
  InvalidEventError,
  isTransient,
  PermanentError,
  PublishError,
  TransientError,
} from '#shared/errors';

describe('error classes', () => {
  it.each([
    ['TransientError', new TransientError('x')],
    ['PermanentError', new PermanentError('x')],
    ['InvalidEventError', new InvalidEventError('x')],
    ['PublishError', new PublishError('x', [])],
  ])('sets name to %s when constructed', (expectedName, error) => {
    expect(error.name).toBe(expectedName);
    expect(error).toBeInstanceOf(ApplicationError);
    expect(error).toBeInstanceOf(Error);
  });

  it('sets name to the subclass name when a project error is subclassed further', () => {
    class PaymentProviderUnavailableError extends TransientError {}

    const error = new PaymentProviderUnavailableError('provider down');

    expect(error.name).toBe('PaymentProviderUnavailableError');
    expect(isTransient(error)).toBe(true);
  });

  it('keeps the message and the cause when a cause is passed', () => {
    const cause = new Error('socket hang up');

    const error = new TransientError('payment provider unavailable', { cause });

    expect(error.message).toBe('payment provider unavailable');
    expect(error.cause).toBe(cause);
  });

  it('keeps the issues and the cause when an InvalidEventError is built with both', () => {
    const cause = new Error('zod');

    const error = new InvalidEventError('OrderPlaced v1 does not match', ['detail.data.orderId: bad'], { cause });

    expect(error.issues).toEqual(['detail.data.orderId: bad']);
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(PermanentError);
  });

  it('defaults issues to an empty list when none are given', () => {
    expect(new InvalidEventError('bad').issues).toEqual([]);
  });

  it('keeps the failed entries and counts as transient when a PublishError is built', () => {
    const failedEntries = [{ detailType: 'OrderPlaced', errorCode: 'ThrottlingException', errorMessage: 'slow down' }];

    const error = new PublishError('refused', failedEntries, { cause: 'raw' });

    expect(error.failedEntries).toEqual(failedEntries);
    expect(error.cause).toBe('raw');
    expect(error).toBeInstanceOf(TransientError);
  });
});

describe('isTransient', () => {
  it.each([
    [true, 'a TransientError', new TransientError('x')],
    [true, 'a PublishError', new PublishError('x', [])],
    [false, 'a PermanentError', new PermanentError('x')],
    [false, 'an InvalidEventError', new InvalidEventError('x')],
    [true, 'an unknown Error', new Error('ECONNRESET')],
    [true, 'an SDK throttling error', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })],
    [true, 'a thrown string', 'boom'],
    [true, 'undefined', undefined],
  ])('returns %p when given %s', (expected, _label, error) => {
    expect(isTransient(error)).toBe(expected);
  });

  it('returns true when given a plain object that only looks like a permanent error', () => {
    expect(isTransient({ name: 'PermanentError', transient: false })).toBe(true);
  });
});
