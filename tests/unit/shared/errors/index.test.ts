import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeServiceException } from '@aws-sdk/client-eventbridge';
import { SFNServiceException } from '@aws-sdk/client-sfn';
import {
  ApplicationError,
  classifyError,
  InvalidEventError,
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
    expect(classifyError(error)).toBe(error);
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

/** An error the SDK raised for a service answer it has no model class for, as it builds them from the wire. */
const unmodelled = (Exception: typeof EventBridgeServiceException | typeof SFNServiceException, name: string, status: number) =>
  new Exception({ name, message: `${name} happened`, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });

const networkError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('classifyError', () => {
  it.each([
    ['TransientError', new TransientError('x')],
    ['PublishError', new PublishError('x', [])],
    ['PermanentError', new PermanentError('x')],
    ['InvalidEventError', new InvalidEventError('x')],
  ])('returns our own %s as it is', (_name, error) => {
    expect(classifyError(error)).toBe(error);
  });

  it.each([
    ['DynamoDB ProvisionedThroughputExceededException', new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: { httpStatusCode: 400 } })],
    ['DynamoDB ThrottlingException', Object.assign(new ResourceNotFoundException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }), { name: 'ThrottlingException' })],
    ['DynamoDB InternalServerError', new InternalServerError({ message: 'internal', $metadata: { httpStatusCode: 500 } })],
    ['EventBridge ThrottlingException', unmodelled(EventBridgeServiceException, 'ThrottlingException', 400)],
    ['EventBridge InternalException', unmodelled(EventBridgeServiceException, 'InternalException', 500)],
    ['Step Functions ThrottlingException', unmodelled(SFNServiceException, 'ThrottlingException', 400)],
    ['an HTTP 503 without a known name', unmodelled(SFNServiceException, 'ServiceUnavailable', 503)],
    ['an HTTP 429', unmodelled(SFNServiceException, 'TooManyRequests', 429)],
    ['a connection reset', networkError('ECONNRESET')],
    ['a refused connection', networkError('ECONNREFUSED')],
    ['an SDK timeout', Object.assign(new Error('request timed out'), { name: 'TimeoutError' })],
    ['a failed fetch caused by a reset', new TypeError('fetch failed', { cause: networkError('ECONNRESET') })],
  ])('makes a TransientError of %s, keeping it as the cause', (_label, error) => {
    const classified = classifyError(error);

    expect(classified).toBeInstanceOf(TransientError);
    expect(classified.name).toBe('TransientError');
    expect(classified.cause).toBe(error);
    expect(classified.message).toContain(error.name);
  });

  it.each([
    ['DynamoDB ResourceNotFoundException', new ResourceNotFoundException({ message: 'no table', $metadata: { httpStatusCode: 400 } })],
    ['a ConditionalCheckFailedException an adapter did not handle', new ConditionalCheckFailedException({ message: 'failed', $metadata: { httpStatusCode: 400 } })],
    ['EventBridge AccessDeniedException', unmodelled(EventBridgeServiceException, 'AccessDeniedException', 400)],
    ['Step Functions ValidationException', unmodelled(SFNServiceException, 'ValidationException', 400)],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'orderId')")],
  ])('makes a PermanentError of %s, which no retry fixes', (_label, error) => {
    const classified = classifyError(error);

    expect(classified).toBeInstanceOf(PermanentError);
    expect(classified.name).toBe('PermanentError');
    expect(classified.cause).toBe(error);
  });

  it('names the HTTP status of an SDK error in the message, for the DLQ reason and the execution history', () => {
    expect(classifyError(unmodelled(EventBridgeServiceException, 'ThrottlingException', 400)).message).toBe(
      'ThrottlingException (HTTP 400): ThrottlingException happened',
    );
  });

  it('makes a PermanentError of something thrown that is not an Error', () => {
    expect(classifyError('boom')).toMatchObject({ name: 'PermanentError', message: 'NonErrorThrown: boom' });
  });

  it('does not trust a plain object that only looks like one of our errors', () => {
    expect(classifyError({ name: 'TransientError', transient: true })).toBeInstanceOf(PermanentError);
  });
});
