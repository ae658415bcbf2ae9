import 'aws-sdk-client-mock-jest';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { InvalidEventError, TransientError } from '#shared/errors';
import { createSqsDeadLetters, FAILURE_ATTRIBUTES } from '#shared/middlewares';

const sqs = mockClient(SQSClient);

const DLQ_NAME = 'ordering-payment-dev-onOrderPlaced-dlq';
const DLQ_URL = `https://sqs.eu-west-1.amazonaws.com/123456789012/${DLQ_NAME}`;
const SOURCE_QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:ordering-payment-dev-onOrderPlaced';
const FAILED_AT = new Date('2026-11-25T09:31:02.345Z');

const record = (overrides: Partial<SQSRecord> = {}): SQSRecord => ({
  messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
  receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a',
  body: '{"detail-type":"OrderPlaced","source":"ordering.order","detail":{}}',
  attributes: {
    ApproximateReceiveCount: '3',
    SentTimestamp: '1764063060000',
    SenderId: 'AIDAIENQZJOLO23YVJ4VO',
    ApproximateFirstReceiveTimestamp: '1764063060100',
  },
  messageAttributes: {
    traceparent: { dataType: 'String', stringValue: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    priority: { dataType: 'Number', stringValue: '5' },
    thumbnail: { dataType: 'Binary', binaryValue: 'AQID', stringListValues: [], binaryListValues: [] },
  },
  md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
  eventSource: 'aws:sqs',
  eventSourceARN: SOURCE_QUEUE_ARN,
  awsRegion: 'eu-west-1',
  ...overrides,
});

const sentMessages = () => sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);

const setup = () =>
  createSqsDeadLetters({ client: new SQSClient({ region: 'eu-west-1' }), queueName: DLQ_NAME });

beforeEach(() => {
  sqs.reset();
  sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: DLQ_URL });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-message-1' });
});

describe('createSqsDeadLetters', () => {
  it('resolves the queue URL by name once and reuses it when several messages are sent', async () => {
    const deadLetters = setup();

    await deadLetters.send(record(), new Error('one'), FAILED_AT);
    await deadLetters.send(record({ messageId: 'second' }), new Error('two'), FAILED_AT);
    await deadLetters.send(record({ messageId: 'third' }), new Error('three'), FAILED_AT);

    expect(sqs).toHaveReceivedCommandTimes(GetQueueUrlCommand, 1);
    expect(sqs).toHaveReceivedCommandWith(GetQueueUrlCommand, { QueueName: DLQ_NAME });
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 3);
    expect(sentMessages().map((message) => message.QueueUrl)).toEqual([DLQ_URL, DLQ_URL, DLQ_URL]);
  });

  it('resolves the queue URL once when two sends start concurrently', async () => {
    const deadLetters = setup();

    await Promise.all([
      deadLetters.send(record(), new Error('one'), FAILED_AT),
      deadLetters.send(record({ messageId: 'second' }), new Error('two'), FAILED_AT),
    ]);

    expect(sqs).toHaveReceivedCommandTimes(GetQueueUrlCommand, 1);
    expect(sqs).toHaveReceivedCommandTimes(SendMessageCommand, 2);
  });

  it('sends the original body with the original string attributes and the failure attributes when a record is dead-lettered', async () => {
    const deadLetters = setup();
    const original = record();

    await deadLetters.send(original, new InvalidEventError('OrderPlaced v1 does not match its schema: detail.data.orderId: bad'), FAILED_AT);

    expect(sentMessages()).toEqual([
      {
        QueueUrl: DLQ_URL,
        MessageBody: original.body,
        MessageAttributes: {
          traceparent: { DataType: 'String', StringValue: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
          priority: { DataType: 'Number', StringValue: '5' },
          'failure-reason': { DataType: 'String', StringValue: 'OrderPlaced v1 does not match its schema: detail.data.orderId: bad' },
          'failure-error-name': { DataType: 'String', StringValue: 'InvalidEventError' },
          'failure-at': { DataType: 'String', StringValue: '2026-11-25T09:31:02.345Z' },
          'failure-source-queue': { DataType: 'String', StringValue: SOURCE_QUEUE_ARN },
          'failure-receive-count': { DataType: 'String', StringValue: '3' },
        },
      },
    ]);
  });

  it('drops binary attributes when the original message carries them', async () => {
    const deadLetters = setup();

    await deadLetters.send(record(), new Error('x'), FAILED_AT);

    expect(Object.keys(sentMessages()[0]?.MessageAttributes ?? {})).not.toContain('thumbnail');
  });

  it('truncates the reason to 1000 characters when the error message is longer', async () => {
    const deadLetters = setup();
    const message = `${'a'.repeat(999)}bc${'d'.repeat(500)}`;

    await deadLetters.send(record(), new TransientError(message), FAILED_AT);

    const reason = sentMessages()[0]?.MessageAttributes?.[FAILURE_ATTRIBUTES.reason]?.StringValue;
    expect(reason).toHaveLength(1000);
    expect(reason).toBe(`${'a'.repeat(999)}b`);
  });

  it('keeps the whole reason when the error message is exactly 1000 characters', async () => {
    const deadLetters = setup();
    const message = 'r'.repeat(1000);

    await deadLetters.send(record(), new Error(message), FAILED_AT);

    expect(sentMessages()[0]?.MessageAttributes?.[FAILURE_ATTRIBUTES.reason]?.StringValue).toBe(message);
  });

  it('uses the error name as reason when the error message is empty', async () => {
    const deadLetters = setup();

    await deadLetters.send(record(), new TypeError(''), FAILED_AT);

    expect(sentMessages()[0]?.MessageAttributes?.[FAILURE_ATTRIBUTES.reason]?.StringValue).toBe('TypeError');
  });

  it('sends only the failure attributes when the original message has none', async () => {
    const deadLetters = setup();

    await deadLetters.send(record({ messageAttributes: {} }), new Error('x'), FAILED_AT);

    expect(Object.keys(sentMessages()[0]?.MessageAttributes ?? {}).sort()).toEqual(Object.values(FAILURE_ATTRIBUTES).sort());
  });

  it('lets a failure attribute win when the original message carries an attribute of the same name', async () => {
    const deadLetters = setup();
    const stale = { dataType: 'String', stringValue: 'an older reason' };

    await deadLetters.send(record({ messageAttributes: { 'failure-reason': stale } }), new Error('new reason'), FAILED_AT);

    expect(sentMessages()[0]?.MessageAttributes?.[FAILURE_ATTRIBUTES.reason]?.StringValue).toBe('new reason');
  });

  it('rejects without sending when GetQueueUrl returns no URL', async () => {
    sqs.on(GetQueueUrlCommand).resolves({});
    const deadLetters = setup();

    await expect(deadLetters.send(record(), new Error('x'), FAILED_AT)).rejects.toThrow(`GetQueueUrl returned no URL for ${DLQ_NAME}`);

    expect(sqs).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it('resolves the queue URL again on the next send when GetQueueUrl failed', async () => {
    sqs.on(GetQueueUrlCommand).rejectsOnce(new Error('Rate exceeded')).resolves({ QueueUrl: DLQ_URL });
    const deadLetters = setup();

    await expect(deadLetters.send(record(), new Error('x'), FAILED_AT)).rejects.toThrow('Rate exceeded');
    await deadLetters.send(record(), new Error('x'), FAILED_AT);

    expect(sqs).toHaveReceivedCommandTimes(GetQueueUrlCommand, 2);
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, { QueueUrl: DLQ_URL });
  });

  it('propagates the SDK error when SendMessage fails', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('KMS.AccessDeniedException'));
    const deadLetters = setup();

    await expect(deadLetters.send(record(), new Error('x'), FAILED_AT)).rejects.toThrow('KMS.AccessDeniedException');
  });
});
