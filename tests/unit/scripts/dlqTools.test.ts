import 'aws-sdk-client-mock-jest';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { FAILURE_ATTRIBUTES } from '#shared/middlewares';
import {
  describeDeadLetter,
  listDeadLetterQueues,
  listDeadLetters,
  queueNameFromArn,
  redriveDeadLetters,
  REDRIVE_ATTRIBUTE,
} from '../../../scripts/dlqTools';

const ACCOUNT_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012';
const arnOf = (name: string) => `arn:aws:sqs:eu-west-1:123456789012:${name}`;
const SOURCE = 'ordering-payment-dev-onOrderPlaced';
const DLQ = `${SOURCE}-dlq`;
const DELIVERY_DLQ = 'ordering-payment-dev-delivery-dlq';

interface Stored {
  id: string;
  body: string;
  attributes: Record<string, MessageAttributeValue>;
  sentAt: number;
  receives: number;
  visibleAt: number;
  handle?: string;
}

/**
 * Amazon SQS as far as the tooling uses it, in memory behind aws-sdk-client-mock: visibility timeouts, receive
 * counts, receipt handles, `QueueDoesNotExist`. `onSend` lets a test play a consumer of a queue.
 */
const sqsMock = mockClient(SQSClient);
let queues: Map<string, Stored[]>;
let ids = 0;
let onSend: (queue: string, message: Stored) => void;

const queueOf = (url: string): Stored[] => {
  const queue = queues.get(url.slice(url.lastIndexOf('/') + 1));
  if (!queue) throw new QueueDoesNotExist({ message: `no queue ${url}`, $metadata: {} });
  return queue;
};
const put = (queue: string, body: string, attributes: Record<string, string> = {}): Stored => {
  ids += 1;
  const message: Stored = {
    id: `m-${ids}`,
    body,
    attributes: Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }])),
    sentAt: Date.now(),
    receives: 0,
    visibleAt: 0,
  };
  queueOf(queue).push(message);
  return message;
};
/** A fake's answer as the SDK gives it: a promise, rejected when the fake throws. */
const settled =
  <I, O>(fake: (input: I) => O) =>
  (input: I): Promise<O> => {
    try {
      return Promise.resolve(fake(input));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };
const visible = (queue: string) => queueOf(queue).filter((message) => message.visibleAt <= Date.now());

beforeEach(() => {
  sqsMock.reset();
  ids = 0;
  queues = new Map([SOURCE, DLQ, DELIVERY_DLQ, 'ordering-order-dev-onOrderOutcome', 'ordering-order-dev-onOrderOutcome-dlq', 'ordering-order-prod-onOrderOutcome-dlq'].map((name) => [name, []]));
  onSend = () => undefined;
  sqsMock.on(ListQueuesCommand).callsFake(settled((input: { QueueNamePrefix?: string }) => ({
    QueueUrls: [...queues.keys()].filter((name) => name.startsWith(input.QueueNamePrefix ?? '')).map((name) => `${ACCOUNT_URL}/${name}`),
  })));
  sqsMock.on(GetQueueUrlCommand).callsFake(settled((input: { QueueName: string }) => {
    queueOf(input.QueueName);
    return { QueueUrl: `${ACCOUNT_URL}/${input.QueueName}` };
  }));
  sqsMock.on(GetQueueAttributesCommand).callsFake(settled((input: { QueueUrl: string }) => ({
    Attributes: {
      ApproximateNumberOfMessages: String(visible(input.QueueUrl).length),
      ApproximateNumberOfMessagesNotVisible: String(queueOf(input.QueueUrl).length - visible(input.QueueUrl).length),
    },
  })));
  sqsMock.on(ReceiveMessageCommand).callsFake(settled((input: { QueueUrl: string; MaxNumberOfMessages: number; VisibilityTimeout: number }) => {
    const received = visible(input.QueueUrl).slice(0, input.MaxNumberOfMessages);
    for (const message of received) {
      message.receives += 1;
      message.visibleAt = Date.now() + input.VisibilityTimeout * 1000;
      message.handle = `${message.id}-handle-${message.receives}`;
    }
    const messages: Message[] = received.map((message) => ({
      MessageId: message.id,
      ReceiptHandle: message.handle,
      Body: message.body,
      Attributes: { ApproximateReceiveCount: String(message.receives), SentTimestamp: String(message.sentAt) },
      ...(Object.keys(message.attributes).length > 0 && { MessageAttributes: structuredClone(message.attributes) }),
    }));
    return messages.length > 0 ? { Messages: messages } : {};
  }));
  sqsMock.on(ChangeMessageVisibilityBatchCommand).callsFake(settled((input: { QueueUrl: string; Entries: { ReceiptHandle: string; VisibilityTimeout: number }[] }) => {
    for (const entry of input.Entries) {
      const message = queueOf(input.QueueUrl).find((stored) => stored.handle === entry.ReceiptHandle);
      if (message) message.visibleAt = Date.now() + entry.VisibilityTimeout * 1000;
    }
    return { Successful: input.Entries.map((_entry, i) => ({ Id: String(i) })), Failed: [] };
  }));
  sqsMock.on(SendMessageCommand).callsFake(settled((input: { QueueUrl: string; MessageBody: string; MessageAttributes?: Record<string, MessageAttributeValue> }) => {
    ids += 1;
    const message: Stored = { id: `m-${ids}`, body: input.MessageBody, attributes: input.MessageAttributes ?? {}, sentAt: Date.now(), receives: 0, visibleAt: 0 };
    queueOf(input.QueueUrl).push(message);
    onSend(input.QueueUrl.slice(input.QueueUrl.lastIndexOf('/') + 1), message);
    return { MessageId: message.id };
  }));
  sqsMock.on(DeleteMessageCommand).callsFake(settled((input: { QueueUrl: string; ReceiptHandle: string }) => {
    const queue = queueOf(input.QueueUrl);
    const index = queue.findIndex((message) => message.handle === input.ReceiptHandle);
    if (index >= 0) queue.splice(index, 1);
    return {};
  }));
});

const client = () => new SQSClient({ region: 'eu-west-1' });

const orderPlaced = (orderId = 'ord_7Hq2Kx9mPz4Lw8Rt') =>
  JSON.stringify({ 'detail-type': 'OrderPlaced', source: 'ordering.order', detail: { metadata: { 'correlation-id': orderId }, data: { orderId } } });

/** A dead letter as our consumers write it (#shared/middlewares). */
const consumerFailure = (overrides: Record<string, string> = {}) => ({
  'failure-reason': 'OrderPlaced v1 does not match its schema: detail.data.total: Invalid input',
  'failure-error-name': 'InvalidEventError',
  'failure-at': '2026-11-25T09:31:02.345Z',
  'failure-source-queue': arnOf(SOURCE),
  'failure-receive-count': '1',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  ...overrides,
});

describe('queueNameFromArn', () => {
  it('returns the queue name when given an SQS queue ARN', () => {
    expect(queueNameFromArn(arnOf(SOURCE))).toBe(SOURCE);
  });

  it.each([undefined, '', 'arn:aws:lambda:eu-west-1:123456789012:function:f', 'not-an-arn'])('returns undefined when given %p', (arn) => {
    expect(queueNameFromArn(arn)).toBeUndefined();
  });
});

describe('describeDeadLetter', () => {
  it('reads the EventBridge failure attributes when EventBridge dead-lettered the event', () => {
    const letter = describeDeadLetter({
      MessageId: 'm-1',
      Body: orderPlaced('ord_1'),
      Attributes: { ApproximateReceiveCount: '2', SentTimestamp: '1795599060000' },
      MessageAttributes: {
        ERROR_CODE: { DataType: 'String', StringValue: 'NO_RESOURCE' },
        ERROR_MESSAGE: { DataType: 'String', StringValue: 'queue does not exist' },
        RULE_ARN: { DataType: 'String', StringValue: 'arn:aws:events:eu-west-1:123456789012:rule/ordering-dev/ordering-payment-dev-onOrderPlaced' },
        TARGET_ARN: { DataType: 'String', StringValue: arnOf(SOURCE) },
      },
    });

    expect(letter).toEqual({
      messageId: 'm-1',
      receiveCount: 2,
      sentAt: new Date(1795599060000).toISOString(),
      failure: {},
      delivery: {
        errorCode: 'NO_RESOURCE',
        errorMessage: 'queue does not exist',
        ruleArn: 'arn:aws:events:eu-west-1:123456789012:rule/ordering-dev/ordering-payment-dev-onOrderPlaced',
        targetArn: arnOf(SOURCE),
      },
      detailType: 'OrderPlaced',
      correlationId: 'ord_1',
      body: orderPlaced('ord_1'),
    });
  });

  it('gives SQS\'s redrive as the reason, naming the source queue, when SQS moved the message after maxReceiveCount', () => {
    const letter = describeDeadLetter({
      MessageId: 'm-1',
      Body: orderPlaced('ord_1'),
      Attributes: { ApproximateReceiveCount: '6', DeadLetterQueueSourceArn: arnOf(SOURCE) },
    });

    expect(letter.failure.reason).toMatch(new RegExp(`^SQS moved it from ${SOURCE} after maxReceiveCount receives: every invocation failed before the consumer could record why`));
  });

  it('keeps the consumer\'s own reason when the message also went through SQS\'s redrive', () => {
    const letter = describeDeadLetter({
      MessageId: 'm-1',
      Body: orderPlaced('ord_1'),
      Attributes: { DeadLetterQueueSourceArn: arnOf(SOURCE) },
      MessageAttributes: { [FAILURE_ATTRIBUTES.reason]: { DataType: 'String', StringValue: 'OrderPlaced v1 does not match its schema' } },
    });

    expect(letter.failure.reason).toBe('OrderPlaced v1 does not match its schema');
  });

  it('lists the body as it is, with no event facts, when the body is not JSON', () => {
    expect(describeDeadLetter({ MessageId: 'm-1', Body: 'not json' })).toMatchObject({ body: 'not json', failure: {}, delivery: {} });
    expect(describeDeadLetter({ MessageId: 'm-1', Body: 'not json' }).detailType).toBeUndefined();
  });
});

describe('listDeadLetterQueues', () => {
  it('finds every DLQ of the stage, and only those, with its depth', async () => {
    put(DLQ, orderPlaced());
    put(DLQ, orderPlaced());

    const found = await listDeadLetterQueues(client(), { stage: 'dev' });

    expect(sqsMock).toHaveReceivedCommandWith(ListQueuesCommand, { QueueNamePrefix: 'ordering-' });
    expect(found.map(({ name, depth, inFlight }) => ({ name, depth, inFlight })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'ordering-order-dev-onOrderOutcome-dlq', depth: 0, inFlight: 0 },
      { name: DELIVERY_DLQ, depth: 0, inFlight: 0 },
      { name: DLQ, depth: 2, inFlight: 0 },
    ]);
  });

  it('returns only the named DLQ when a queue is given', async () => {
    const found = await listDeadLetterQueues(client(), { stage: 'dev', queue: DLQ });

    expect(found.map((queue) => queue.name)).toEqual([DLQ]);
  });
});

describe('listDeadLetters', () => {
  it('shows each message with its reason, event and order, and leaves every message in the queue, visible', async () => {
    put(DLQ, orderPlaced('ord_1'), consumerFailure());

    const [listing] = await listDeadLetters(client(), { stage: 'dev', queue: DLQ });

    expect(listing?.messages).toEqual([
      {
        messageId: 'm-1',
        receiveCount: 1,
        sentAt: expect.any(String) as unknown,
        failure: {
          reason: 'OrderPlaced v1 does not match its schema: detail.data.total: Invalid input',
          errorName: 'InvalidEventError',
          at: '2026-11-25T09:31:02.345Z',
          sourceQueue: arnOf(SOURCE),
          receiveCount: '1',
        },
        delivery: {},
        detailType: 'OrderPlaced',
        correlationId: 'ord_1',
        body: orderPlaced('ord_1'),
      },
    ]);
    expect(sqsMock).not.toHaveReceivedCommand(DeleteMessageCommand);
    expect(visible(DLQ)).toHaveLength(1);
  });

  it('pages through more messages than one receive returns, listing each once', async () => {
    for (let i = 0; i < 25; i += 1) put(DLQ, orderPlaced(`ord_${i}`), consumerFailure());

    const [listing] = await listDeadLetters(client(), { stage: 'dev', queue: DLQ });

    expect(listing?.messages.map((message) => message.correlationId).sort()).toEqual(Array.from({ length: 25 }, (_unused, i) => `ord_${i}`).sort());
    expect(visible(DLQ)).toHaveLength(25);
  });

  it('lists at most max messages when a max is given', async () => {
    for (let i = 0; i < 25; i += 1) put(DLQ, orderPlaced(`ord_${i}`));

    const [listing] = await listDeadLetters(client(), { stage: 'dev', queue: DLQ, max: 12 });

    expect(listing?.messages).toHaveLength(12);
    expect(listing?.depth).toBe(25);
    expect(visible(DLQ)).toHaveLength(25);
  });

  it('does not receive from an empty DLQ', async () => {
    await listDeadLetters(client(), { stage: 'dev' });

    expect(sqsMock).not.toHaveReceivedCommand(ReceiveMessageCommand);
  });
});

describe('redriveDeadLetters', () => {
  it('sends each message back to the queue it failed on, without its failure attributes, and then deletes it', async () => {
    put(DLQ, orderPlaced('ord_1'), consumerFailure());

    const result = await redriveDeadLetters(client(), { queue: DLQ, runId: 'run-1' });

    expect(result).toEqual({ queue: DLQ, moved: 1, byDestination: { [SOURCE]: 1 }, skipped: [], failed: [] });
    expect(queueOf(DLQ)).toEqual([]);
    expect(queueOf(SOURCE)).toEqual([
      expect.objectContaining({
        body: orderPlaced('ord_1'),
        attributes: {
          traceparent: { DataType: 'String', StringValue: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
          [REDRIVE_ATTRIBUTE]: { DataType: 'String', StringValue: 'run-1' },
        },
      }),
    ]);
    const sendOrder = sqsMock.calls().map((call) => call.args[0].constructor.name);
    expect(sendOrder.indexOf('SendMessageCommand')).toBeLessThan(sendOrder.indexOf('DeleteMessageCommand'));
  });

  it('sends to the queue given with to when one is given', async () => {
    put(DLQ, orderPlaced(), consumerFailure());

    const result = await redriveDeadLetters(client(), { queue: DLQ, to: 'ordering-order-dev-onOrderOutcome' });

    expect(result.byDestination).toEqual({ 'ordering-order-dev-onOrderOutcome': 1 });
    expect(queueOf('ordering-order-dev-onOrderOutcome')).toHaveLength(1);
  });

  it('sends to the target EventBridge failed to reach when EventBridge dead-lettered the event', async () => {
    put(DELIVERY_DLQ, orderPlaced(), { ERROR_CODE: 'THROTTLING', ERROR_MESSAGE: 'slow down', RULE_ARN: 'arn:aws:events:eu-west-1:123456789012:rule/x', TARGET_ARN: arnOf(SOURCE) });

    const result = await redriveDeadLetters(client(), { queue: DELIVERY_DLQ, runId: 'run-1' });

    expect(result.byDestination).toEqual({ [SOURCE]: 1 });
    expect(queueOf(SOURCE)[0]?.attributes).toEqual({ [REDRIVE_ATTRIBUTE]: { DataType: 'String', StringValue: 'run-1' } });
  });

  it('sends to the DLQ’s own source queue by name when SQS moved the message without a reason', async () => {
    put(DLQ, orderPlaced());

    const result = await redriveDeadLetters(client(), { queue: DLQ });

    expect(result.byDestination).toEqual({ [SOURCE]: 1 });
  });

  it('leaves a message in the DLQ, visible, when no destination is known', async () => {
    put(DELIVERY_DLQ, orderPlaced());

    const result = await redriveDeadLetters(client(), { queue: DELIVERY_DLQ });

    expect(result).toMatchObject({ moved: 0, skipped: [{ messageId: 'm-1', reason: 'no source queue recorded; pass --to <queue>' }] });
    expect(visible(DELIVERY_DLQ)).toHaveLength(1);
  });

  it('leaves a message in the DLQ when its source queue no longer exists', async () => {
    put(DLQ, orderPlaced(), consumerFailure({ 'failure-source-queue': arnOf('ordering-payment-dev-gone') }));

    const result = await redriveDeadLetters(client(), { queue: DLQ });

    expect(result.skipped).toEqual([{ messageId: 'm-1', reason: 'queue ordering-payment-dev-gone does not exist' }]);
    expect(visible(DLQ)).toHaveLength(1);
  });

  it('keeps the message in the DLQ, visible, and reports it when the send fails', async () => {
    put(DLQ, orderPlaced(), consumerFailure());
    sqsMock.on(SendMessageCommand).rejects(new Error('AccessDenied'));

    const result = await redriveDeadLetters(client(), { queue: DLQ });

    expect(result).toMatchObject({ moved: 0, failed: [{ messageId: 'm-1', error: `send to ${SOURCE} failed: Error: AccessDenied` }] });
    expect(sqsMock).not.toHaveReceivedCommand(DeleteMessageCommand);
    expect(visible(DLQ)).toHaveLength(1);
  });

  it('counts the message as moved and reports the leftover copy when only the delete fails', async () => {
    put(DLQ, orderPlaced(), consumerFailure());
    sqsMock.on(DeleteMessageCommand).rejects(new Error('ReceiptHandleIsInvalid'));

    const result = await redriveDeadLetters(client(), { queue: DLQ });

    expect(result.moved).toBe(1);
    expect(result.failed).toEqual([{ messageId: 'm-1', error: `sent to ${SOURCE}, but not deleted from ${DLQ}: Error: ReceiptHandleIsInvalid` }]);
  });

  it('moves at most max messages when a max is given', async () => {
    for (let i = 0; i < 15; i += 1) put(DLQ, orderPlaced(`ord_${i}`), consumerFailure());

    const result = await redriveDeadLetters(client(), { queue: DLQ, max: 12 });

    expect(result.moved).toBe(12);
    expect(queueOf(DLQ)).toHaveLength(3);
    expect(visible(DLQ)).toHaveLength(3);
  });

  it('leaves a message that fails again during the redrive for the next run instead of looping on it', async () => {
    put(DLQ, orderPlaced(), consumerFailure());
    // The consumer rejects the event again at once and dead-letters it, keeping its attributes, as ours do.
    onSend = (queue, message) => {
      if (queue !== SOURCE) return;
      queueOf(SOURCE).splice(queueOf(SOURCE).indexOf(message), 1);
      const again = put(DLQ, message.body, consumerFailure());
      again.attributes = { ...again.attributes, ...message.attributes };
    };

    const result = await redriveDeadLetters(client(), { queue: DLQ, runId: 'run-1' });

    expect(result.moved).toBe(1);
    expect(result.skipped).toEqual([{ messageId: 'm-3', reason: 'failed again during this redrive' }]);
    expect(visible(DLQ).map((message) => message.attributes[REDRIVE_ATTRIBUTE]?.StringValue)).toEqual(['run-1']);
  });

  it('refuses a queue that is not a DLQ', async () => {
    await expect(redriveDeadLetters(client(), { queue: SOURCE })).rejects.toThrow(`${SOURCE} is not a dead-letter queue`);
  });

  it('refuses to redrive into a DLQ', async () => {
    await expect(redriveDeadLetters(client(), { queue: DLQ, to: DELIVERY_DLQ })).rejects.toThrow('is a dead-letter queue');
  });
});
