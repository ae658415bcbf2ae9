import { accessKeyIdOf, apiErrorReply, apiTarget, checkedApiFault, InvalidApiFaultError, withFailedEntries } from '../../../../local/edge/apiFaults';
import type { ApiCall } from '../../../../local/faults';

const putEventsCall = (entries: number): ApiCall => ({
  service: 'events',
  operation: 'PutEvents',
  input: { Entries: Array.from({ length: entries }, (_, n) => ({ Source: 'test', DetailType: 'Probe', Detail: JSON.stringify({ n }) })) },
});

describe('apiTarget', () => {
  it('names the service by its IAM namespace and the operation when the edge serves the target', () => {
    expect(['DynamoDB_20120810.PutItem', 'AmazonSQS.SendMessage', 'AWSEvents.PutEvents', 'AWSStepFunctions.StartExecution'].map(apiTarget)).toEqual([
      { service: 'dynamodb', operation: 'PutItem' },
      { service: 'sqs', operation: 'SendMessage' },
      { service: 'events', operation: 'PutEvents' },
      { service: 'states', operation: 'StartExecution' },
    ]);
  });

  it('names nothing when the target is of another service or has no operation', () => {
    expect([apiTarget('Kinesis_20131202.PutRecord'), apiTarget('AmazonSQS'), apiTarget('')]).toEqual([undefined, undefined, undefined]);
  });
});

describe('accessKeyIdOf', () => {
  it('reads the access key id of a SigV4 credential when the request is signed', () => {
    const authorization = 'AWS4-HMAC-SHA256 Credential=local/20260101/eu-west-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc';

    expect(accessKeyIdOf({ authorization })).toBe('local');
  });

  it('reads nothing when the request is not signed', () => {
    expect(accessKeyIdOf({})).toBeUndefined();
  });
});

describe('apiErrorReply', () => {
  it('answers each error in the wire shape its service uses', () => {
    expect(apiErrorReply('sqs', 'RequestThrottled')).toMatchObject({ type: 'com.amazonaws.sqs#RequestThrottled', status: 403, queryCode: 'RequestThrottled' });
    expect(apiErrorReply('dynamodb', 'InternalServerError')).toMatchObject({ type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', status: 500 });
    expect(apiErrorReply('states', 'ThrottlingException')).toMatchObject({ type: 'ThrottlingException', status: 400 });
  });

  it('refuses, naming the pair, an error the service never sends', () => {
    expect(() => apiErrorReply('dynamodb', 'RequestThrottled')).toThrow(/dynamodb call with RequestThrottled/);
  });
});

describe('checkedApiFault', () => {
  it('passes a fault the call can have', () => {
    const fault = { kind: 'failed-entries', entries: [{ index: 1, errorCode: 'InternalFailure' }] } as const;

    expect(checkedApiFault(putEventsCall(2), fault)).toBe(fault);
  });

  it('refuses failed entries when the call is not a PutEvents', () => {
    const call: ApiCall = { service: 'sqs', operation: 'SendMessageBatch', input: { Entries: [{}] } };

    expect(() => checkedApiFault(call, { kind: 'failed-entries', entries: [{ index: 0, errorCode: 'InternalFailure' }] })).toThrow(InvalidApiFaultError);
  });

  it('refuses failed entries at positions the request does not have', () => {
    expect(() => checkedApiFault(putEventsCall(2), { kind: 'failed-entries', entries: [{ index: 2, errorCode: 'InternalFailure' }] })).toThrow(/entries 2 of a PutEvents with 2 entries/);
  });
});

describe('withFailedEntries', () => {
  it('puts only the other entries and answers each entry at its own position when some fail', async () => {
    // Arrange
    const { input } = putEventsCall(3);
    const entries = input.Entries as unknown[];
    const put = jest.fn((request: Record<string, unknown>) => ({
      FailedEntryCount: 0,
      Entries: (request.Entries as unknown[]).map((_, n) => ({ EventId: `event-${n}` })),
    }));

    // Act
    const output = await withFailedEntries(input, [{ index: 1, errorCode: 'InternalFailure' }], put);

    // Assert
    expect(put).toHaveBeenCalledWith({ Entries: [entries[0], entries[2]] });
    expect(output.FailedEntryCount).toBe(1);
    expect(output.Entries).toEqual([{ EventId: 'event-0' }, { ErrorCode: 'InternalFailure', ErrorMessage: expect.any(String) as unknown }, { EventId: 'event-1' }]);
  });

  it('adds the service’s own entry failures to the count when kept entries fail too', async () => {
    const put = () => ({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InvalidArgument', ErrorMessage: 'bad detail' }] });

    const output = await withFailedEntries(putEventsCall(2).input, [{ index: 0, errorCode: 'ThrottlingException' }], put);

    expect(output.FailedEntryCount).toBe(2);
    expect(output.Entries.map((entry) => entry.ErrorCode)).toEqual(['ThrottlingException', 'InvalidArgument']);
  });

  it('never calls the service when every entry fails', async () => {
    const put = jest.fn();

    const output = await withFailedEntries(putEventsCall(2).input, [{ index: 0, errorCode: 'InternalFailure' }, { index: 1, errorCode: 'InternalFailure' }], put);

    expect(put).not.toHaveBeenCalled();
    expect(output.FailedEntryCount).toBe(2);
  });
});
