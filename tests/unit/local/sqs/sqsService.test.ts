import { NO_FAULTS, type FaultPlan } from '../../../../local/faults';
import { md5OfMessageAttributes } from '../../../../local/sqs/messageMd5';
import { SqsError, type SqsErrorCode } from '../../../../local/sqs/sqsErrors';
import { SqsService } from '../../../../local/sqs/sqsService';

const ACCOUNT = '000000000000';
const REGION = 'eu-west-1';
const ENDPOINT = 'http://localhost:4566';
const START = Date.UTC(2025, 0, 1);

/** A service on a clock the test moves by hand, so visibility, delays and retention need no waiting. */
const setup = (faults: FaultPlan = NO_FAULTS) => {
  let time = START;
  const sqs = new SqsService({ accountId: ACCOUNT, region: REGION, endpoint: ENDPOINT, faults, now: () => time });
  return {
    sqs,
    advance: (seconds: number) => {
      time += seconds * 1000;
    },
  };
};

const errorCode = (action: () => unknown): SqsErrorCode | undefined => {
  try {
    action();
  } catch (error) {
    if (error instanceof SqsError) return error.shortCode;
    throw error;
  }
  return undefined;
};

const ALL = { MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] };

describe('SqsService queues', () => {
  it('names a queue by URL and ARN in the local account and region', () => {
    const { sqs } = setup();

    const queue = sqs.createQueue('orders');

    expect(queue).toEqual({
      name: 'orders',
      url: `${ENDPOINT}/${ACCOUNT}/orders`,
      arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:orders`,
    });
    expect(sqs.getQueueUrl('orders')).toBe(queue.url);
  });

  it('finds a queue by URL whatever host the client used, by ARN and by name', () => {
    const { sqs } = setup();
    sqs.createQueue('orders');

    for (const id of [`http://127.0.0.1:9324/${ACCOUNT}/orders`, `arn:aws:sqs:${REGION}:${ACCOUNT}:orders`, 'orders']) {
      expect(sqs.getQueue(id).name).toBe('orders');
    }
    expect(errorCode(() => sqs.getQueue(`${ENDPOINT}/111111111111/orders`))).toBe('QueueDoesNotExist');
    expect(errorCode(() => sqs.getQueue(`arn:aws:sqs:us-east-1:${ACCOUNT}:orders`))).toBe('QueueDoesNotExist');
  });

  it('returns the existing queue when created again with the same attributes', () => {
    const { sqs } = setup();
    const first = sqs.createQueue('orders', { VisibilityTimeout: '10' });

    expect(sqs.createQueue('orders', { VisibilityTimeout: 10 })).toEqual(first);
    expect(sqs.createQueue('orders')).toEqual(first);
  });

  it('refuses to create a queue again with a different attribute value', () => {
    const { sqs } = setup();
    sqs.createQueue('orders', { VisibilityTimeout: '10' });

    expect(errorCode(() => sqs.createQueue('orders', { VisibilityTimeout: '20' }))).toBe('QueueNameExists');
  });

  it('refuses FIFO queues and attributes it does not emulate, naming them', () => {
    const { sqs } = setup();

    expect(() => sqs.createQueue('orders.fifo')).toThrow(/orders\.fifo: FIFO queues are not emulated/);
    expect(() => sqs.createQueue('orders', { FifoQueue: 'true' })).toThrow(/FIFO/);
    expect(() => sqs.createQueue('orders', { KmsMasterKeyId: 'alias/aws/sqs' })).toThrow(/queue orders: attribute KmsMasterKeyId is not emulated/);
    expect(errorCode(() => sqs.createQueue('orders', { Colour: 'blue' }))).toBe('InvalidAttributeName');
    expect(errorCode(() => sqs.createQueue('orders', { VisibilityTimeout: '-1' }))).toBe('InvalidAttributeValue');
  });

  it('accepts a redrive policy as an object or as JSON, and refuses a dead-letter queue that does not exist', () => {
    const { sqs } = setup();
    const dlq = sqs.createQueue('orders-dlq');

    sqs.createQueue('a', { RedrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 } });
    sqs.createQueue('b', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: '3' }) });

    expect(sqs.getQueueAttributes('a', ['RedrivePolicy'])).toEqual({ RedrivePolicy: `{"deadLetterTargetArn":"${dlq.arn}","maxReceiveCount":3}` });
    expect(sqs.getQueueAttributes('b', ['RedrivePolicy'])).toEqual(sqs.getQueueAttributes('a', ['RedrivePolicy']));
    expect(() =>
      sqs.createQueue('c', { RedrivePolicy: { deadLetterTargetArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:missing`, maxReceiveCount: 3 } }),
    ).toThrow(/Dead letter target does not exist/);
  });

  it('reports its configuration and message counts as GetQueueAttributes does', () => {
    const { sqs } = setup();
    sqs.createQueue('orders', { VisibilityTimeout: 45, MessageRetentionPeriod: 600, SqsManagedSseEnabled: true });
    sqs.sendMessage('orders', { MessageBody: 'visible' });
    sqs.sendMessage('orders', { MessageBody: 'delayed', DelaySeconds: 30 });
    sqs.sendMessage('orders', { MessageBody: 'in flight' });
    void sqs.receiveMessage('orders');

    expect(sqs.getQueueAttributes('orders')).toEqual({
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '1',
      ApproximateNumberOfMessagesDelayed: '1',
      CreatedTimestamp: String(START / 1000),
      DelaySeconds: '0',
      LastModifiedTimestamp: String(START / 1000),
      MaximumMessageSize: '1048576',
      MessageRetentionPeriod: '600',
      QueueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:orders`,
      ReceiveMessageWaitTimeSeconds: '0',
      SqsManagedSseEnabled: 'true',
      VisibilityTimeout: '45',
    });
    expect(sqs.getQueueAttributes('orders', ['QueueArn'])).toEqual({ QueueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:orders` });
    expect(errorCode(() => sqs.getQueueAttributes('orders', ['Colour']))).toBe('InvalidAttributeName');
  });

  it('lists queues by name prefix', () => {
    const { sqs } = setup();
    sqs.createQueue('payment-dev-onOrderPlaced');
    sqs.createQueue('order-dev-onPaymentSucceeded');
    sqs.createQueue('payment-dev-onOrderPlaced-dlq');

    expect(sqs.listQueues('payment-')).toEqual([
      `${ENDPOINT}/${ACCOUNT}/payment-dev-onOrderPlaced`,
      `${ENDPOINT}/${ACCOUNT}/payment-dev-onOrderPlaced-dlq`,
    ]);
  });

  it('refuses to re-create a deleted queue within 60 seconds, as AWS does', () => {
    const { sqs, advance } = setup();
    sqs.createQueue('orders');
    sqs.deleteQueue('orders');

    expect(errorCode(() => sqs.getQueueUrl('orders'))).toBe('QueueDoesNotExist');
    expect(errorCode(() => sqs.createQueue('orders'))).toBe('QueueDeletedRecently');
    advance(60);
    expect(sqs.createQueue('orders').name).toBe('orders');
  });
});

describe('SqsService messages', () => {
  it('hides a received message for the visibility timeout, then delivers it again with a higher receive count', async () => {
    const { sqs, advance } = setup();
    sqs.createQueue('orders', { VisibilityTimeout: 30 });
    const { MessageId } = sqs.sendMessage('orders', { MessageBody: 'hello' });

    const [first] = await sqs.receiveMessage('orders', ALL);
    advance(29);
    const hidden = await sqs.receiveMessage('orders', ALL);
    advance(1);
    const [second] = await sqs.receiveMessage('orders', ALL);

    expect(first?.MessageId).toBe(MessageId);
    expect(first?.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(hidden).toEqual([]);
    expect(second?.MessageId).toBe(MessageId);
    expect(second?.Attributes).toMatchObject({
      ApproximateReceiveCount: '2',
      SentTimestamp: String(START),
      ApproximateFirstReceiveTimestamp: String(START),
      SenderId: ACCOUNT,
    });
    expect(second?.ReceiptHandle).not.toBe(first?.ReceiptHandle);
  });

  it('uses the receive request visibility timeout over the queue setting, and the fault plan over both', async () => {
    const faults: FaultPlan = { ...NO_FAULTS, visibilityTimeoutOverride: (arn) => (arn.endsWith(':chaotic') ? 0 : undefined) };
    const { sqs, advance } = setup(faults);
    sqs.createQueue('calm', { VisibilityTimeout: 30 });
    sqs.createQueue('chaotic', { VisibilityTimeout: 30 });
    sqs.sendMessage('calm', { MessageBody: 'calm' });
    sqs.sendMessage('chaotic', { MessageBody: 'chaotic' });

    await sqs.receiveMessage('calm', { VisibilityTimeout: 5 });
    await sqs.receiveMessage('chaotic', { VisibilityTimeout: 5 });
    const chaoticAgain = await sqs.receiveMessage('chaotic');
    advance(5);
    const calmAgain = await sqs.receiveMessage('calm');

    expect(chaoticAgain).toHaveLength(1);
    expect(calmAgain).toHaveLength(1);
  });

  it('moves a message received maxReceiveCount times to the dead-letter queue, keeping its body and attributes', async () => {
    const { sqs, advance } = setup();
    const dlq = sqs.createQueue('orders-dlq');
    const source = sqs.createQueue('orders', { VisibilityTimeout: 10, RedrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 } });
    const attributes = { reason: { DataType: 'String', StringValue: 'boom' }, blob: { DataType: 'Binary', BinaryValue: 'AQID' } };
    const sent = sqs.sendMessage('orders', { MessageBody: '{"orderId":"ord_1"}', MessageAttributes: attributes });

    await sqs.receiveMessage('orders');
    advance(10);
    await sqs.receiveMessage('orders');
    advance(10);
    const third = await sqs.receiveMessage('orders');
    const [deadLettered] = await sqs.receiveMessage('orders-dlq', ALL);

    expect(third).toEqual([]);
    expect(sqs.depth('orders').total).toBe(0);
    expect(deadLettered).toMatchObject({
      MessageId: sent.MessageId,
      Body: '{"orderId":"ord_1"}',
      MessageAttributes: attributes,
      MD5OfMessageAttributes: sent.MD5OfMessageAttributes,
    });
    // ApproximateReceiveCount counts "across all queues" (AWS's wording); SentTimestamp is the original one.
    expect(deadLettered?.Attributes).toMatchObject({
      ApproximateReceiveCount: '3',
      SentTimestamp: String(START),
      DeadLetterQueueSourceArn: source.arn,
    });
  });

  it('keeps a message while it has been received fewer than maxReceiveCount times', async () => {
    const { sqs, advance } = setup();
    const dlq = sqs.createQueue('orders-dlq');
    sqs.createQueue('orders', { VisibilityTimeout: 10, RedrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 } });
    sqs.sendMessage('orders', { MessageBody: 'x' });

    await sqs.receiveMessage('orders');
    advance(10);
    await sqs.receiveMessage('orders');
    advance(10);
    const [third] = await sqs.receiveMessage('orders', ALL);

    expect(third?.Attributes?.ApproximateReceiveCount).toBe('3');
    expect(sqs.depth('orders-dlq').total).toBe(0);
  });

  it('ignores a delete by the receipt handle of an earlier receive, as AWS documents, and honours the latest', async () => {
    const { sqs, advance } = setup();
    sqs.createQueue('orders', { VisibilityTimeout: 10 });
    sqs.sendMessage('orders', { MessageBody: 'x' });
    const [first] = await sqs.receiveMessage('orders');
    advance(10);
    const [second] = await sqs.receiveMessage('orders');

    sqs.deleteMessage('orders', first?.ReceiptHandle ?? '');
    const afterStaleDelete = sqs.depth('orders').total;
    sqs.deleteMessage('orders', second?.ReceiptHandle ?? '');

    expect(afterStaleDelete).toBe(1);
    expect(sqs.depth('orders').total).toBe(0);
    // Deleting an already deleted message succeeds too.
    expect(errorCode(() => sqs.deleteMessage('orders', second?.ReceiptHandle ?? ''))).toBeUndefined();
  });

  it('deletes with the latest receipt handle even after the visibility timeout expired', async () => {
    const { sqs, advance } = setup();
    sqs.createQueue('orders', { VisibilityTimeout: 10 });
    sqs.sendMessage('orders', { MessageBody: 'x' });
    const [message] = await sqs.receiveMessage('orders');
    advance(11);

    sqs.deleteMessage('orders', message?.ReceiptHandle ?? '');

    expect(sqs.depth('orders').total).toBe(0);
  });

  it('refuses receipt handles the queue never issued', async () => {
    const { sqs } = setup();
    sqs.createQueue('orders');
    sqs.createQueue('payments');
    sqs.sendMessage('payments', { MessageBody: 'x' });
    const [other] = await sqs.receiveMessage('payments');

    expect(errorCode(() => sqs.deleteMessage('orders', 'garbage'))).toBe('ReceiptHandleIsInvalid');
    expect(errorCode(() => sqs.deleteMessage('orders', other?.ReceiptHandle ?? ''))).toBe('ReceiptHandleIsInvalid');
  });

  it('changes the visibility of an in-flight message, and refuses stale handles and messages not in flight', async () => {
    const { sqs, advance } = setup();
    sqs.createQueue('orders', { VisibilityTimeout: 10 });
    sqs.sendMessage('orders', { MessageBody: 'x' });
    const [message] = await sqs.receiveMessage('orders');
    const handle = message?.ReceiptHandle ?? '';

    sqs.changeMessageVisibility('orders', handle, 60);
    advance(30);
    const stillHidden = sqs.depth('orders').inFlight;
    sqs.changeMessageVisibility('orders', handle, 0);
    const notInFlight = errorCode(() => sqs.changeMessageVisibility('orders', handle, 10));
    const [again] = await sqs.receiveMessage('orders');

    expect(stillHidden).toBe(1);
    expect(notInFlight).toBe('MessageNotInflight');
    expect(again?.MessageId).toBe(message?.MessageId);
    expect(errorCode(() => sqs.changeMessageVisibility('orders', handle, 10))).toBe('InvalidParameterValue');
  });

  it('changes visibility and deletes in batches, reporting each bad entry under Failed', async () => {
    const { sqs } = setup();
    sqs.createQueue('orders');
    sqs.sendMessageBatch('orders', [
      { Id: 'a', MessageBody: 'a' },
      { Id: 'b', MessageBody: 'b' },
    ]);
    const messages = await sqs.receiveMessage('orders', { MaxNumberOfMessages: 10 });
    const [a, b] = messages.map((message) => message.ReceiptHandle);

    const visibility = sqs.changeMessageVisibilityBatch('orders', [
      { Id: 'a', ReceiptHandle: a ?? '', VisibilityTimeout: 0 },
      { Id: 'bad', ReceiptHandle: 'garbage', VisibilityTimeout: 0 },
    ]);
    const deleted = sqs.deleteMessageBatch('orders', [
      { Id: 'b', ReceiptHandle: b ?? '' },
      { Id: 'bad', ReceiptHandle: 'garbage' },
    ]);

    expect(visibility.Successful).toEqual([{ Id: 'a' }]);
    expect(visibility.Failed).toEqual([expect.objectContaining({ Id: 'bad', Code: 'ReceiptHandleIsInvalid', SenderFault: true })]);
    expect(deleted.Successful).toEqual([{ Id: 'b' }]);
    expect(deleted.Failed).toEqual([expect.objectContaining({ Id: 'bad', Code: 'ReceiptHandleIsInvalid' })]);
    expect(sqs.depth('orders')).toEqual({ visible: 1, inFlight: 0, delayed: 0, total: 1 });
  });

  it('sends a batch, refusing bad entries one by one and malformed batches as a whole', () => {
    const { sqs } = setup();
    sqs.createQueue('orders');

    const result = sqs.sendMessageBatch('orders', [
      { Id: 'ok', MessageBody: 'fine' },
      { Id: 'bad', MessageBody: 'fine', MessageAttributes: { n: { DataType: 'Number', StringValue: 'not a number' } } },
    ]);

    expect(result.Successful).toEqual([expect.objectContaining({ Id: 'ok', MD5OfMessageBody: 'fff25994ee3941b225ba898fd17d186f' })]);
    expect(result.Failed).toEqual([expect.objectContaining({ Id: 'bad', Code: 'InvalidParameterValue', SenderFault: true })]);
    expect(errorCode(() => sqs.sendMessageBatch('orders', []))).toBe('EmptyBatchRequest');
    expect(errorCode(() => sqs.sendMessageBatch('orders', Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' }))))).toBe(
      'TooManyEntriesInBatchRequest',
    );
    expect(errorCode(() => sqs.sendMessageBatch('orders', [{ Id: 'a', MessageBody: 'x' }, { Id: 'a', MessageBody: 'y' }]))).toBe(
      'BatchEntryIdsNotDistinct',
    );
    expect(errorCode(() => sqs.sendMessageBatch('orders', [{ Id: 'a b', MessageBody: 'x' }]))).toBe('InvalidBatchEntryId');
  });

  it('refuses bodies and attributes SQS refuses', () => {
    const { sqs } = setup();
    sqs.createQueue('orders', { MaximumMessageSize: 1024 });

    expect(errorCode(() => sqs.sendMessage('orders', { MessageBody: '' }))).toBe('MissingParameter');
    expect(errorCode(() => sqs.sendMessage('orders', { MessageBody: 'bell \u0007' }))).toBe('InvalidMessageContents');
    expect(errorCode(() => sqs.sendMessage('orders', { MessageBody: 'x'.repeat(1025) }))).toBe('InvalidParameterValue');
    expect(errorCode(() => sqs.sendMessage('orders', { MessageBody: 'x', MessageAttributes: { 'AWS.thing': { DataType: 'String', StringValue: 'v' } } }))).toBe(
      'InvalidParameterValue',
    );
    expect(errorCode(() => sqs.sendMessage('orders', { MessageBody: 'x', MessageAttributes: { a: { DataType: 'Text', StringValue: 'v' } } }))).toBe(
      'InvalidParameterValue',
    );
    expect(errorCode(() => sqs.sendMessage('orders', { MessageBody: 'x', MessageAttributes: { a: { DataType: 'String', StringValue: '' } } }))).toBe(
      'InvalidParameterValue',
    );
    expect(errorCode(() => sqs.sendMessage('orders', { MessageBody: 'x', DelaySeconds: 901 }))).toBe('InvalidParameterValue');
  });

  it('returns only the requested message attributes, with the MD5 of those', async () => {
    const { sqs } = setup();
    sqs.createQueue('orders');
    sqs.sendMessage('orders', {
      MessageBody: 'x',
      MessageAttributes: {
        'trace.id': { DataType: 'String', StringValue: 't-1' },
        'trace.parent': { DataType: 'String', StringValue: 't-0' },
        tenant: { DataType: 'String.label', StringValue: 'acme' },
      },
    });

    const [message] = await sqs.receiveMessage('orders', { MessageAttributeNames: ['trace.*'] });

    expect(Object.keys(message?.MessageAttributes ?? {}).sort()).toEqual(['trace.id', 'trace.parent']);
    expect(message?.MD5OfMessageAttributes).toBe(
      md5OfMessageAttributes({
        'trace.id': { DataType: 'String', StringValue: 't-1' },
        'trace.parent': { DataType: 'String', StringValue: 't-0' },
      }),
    );
    expect(message?.Attributes).toBeUndefined();
  });

  it('holds delayed messages back for the queue delay or the message delay', async () => {
    const { sqs, advance } = setup();
    sqs.createQueue('orders', { DelaySeconds: 5 });
    sqs.sendMessage('orders', { MessageBody: 'queue delay' });
    sqs.sendMessage('orders', { MessageBody: 'no delay', DelaySeconds: 0 });

    const now = await sqs.receiveMessage('orders', { MaxNumberOfMessages: 10 });
    advance(5);
    const later = await sqs.receiveMessage('orders', { MaxNumberOfMessages: 10 });

    expect(now.map((message) => message.Body)).toEqual(['no delay']);
    expect(later.map((message) => message.Body)).toEqual(['queue delay']);
  });

  it('drops messages older than the retention period, in flight or not', async () => {
    const { sqs, advance } = setup();
    sqs.createQueue('orders', { MessageRetentionPeriod: 60 });
    sqs.sendMessage('orders', { MessageBody: 'old' });
    await sqs.receiveMessage('orders');
    sqs.sendMessage('orders', { MessageBody: 'old too' });
    advance(30);
    sqs.sendMessage('orders', { MessageBody: 'young' });

    advance(30);

    expect(sqs.listMessages('orders').map((message) => message.Body)).toEqual(['young']);
  });

  it('purges every message, and refuses a second purge within 60 seconds', async () => {
    const { sqs, advance } = setup();
    sqs.createQueue('orders');
    sqs.sendMessage('orders', { MessageBody: 'a' });
    sqs.sendMessage('orders', { MessageBody: 'b' });
    await sqs.receiveMessage('orders');

    sqs.purgeQueue('orders');

    expect(sqs.depth('orders').total).toBe(0);
    expect(errorCode(() => sqs.purgeQueue('orders'))).toBe('PurgeQueueInProgress');
    advance(60);
    expect(errorCode(() => sqs.purgeQueue('orders'))).toBeUndefined();
  });

  it('lists every message with its state without receiving any', async () => {
    const { sqs } = setup();
    sqs.createQueue('orders');
    sqs.sendMessage('orders', { MessageBody: 'received', MessageAttributes: { kind: { DataType: 'String', StringValue: 'k' } } });
    await sqs.receiveMessage('orders');
    sqs.sendMessage('orders', { MessageBody: 'waiting' });

    const snapshot = sqs.listMessages('orders');
    const again = sqs.listMessages('orders');

    expect(snapshot).toEqual([
      expect.objectContaining({
        Body: 'received',
        state: 'inFlight',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'k' } },
        Attributes: expect.objectContaining({ ApproximateReceiveCount: '1' }) as unknown,
      }),
      expect.objectContaining({ Body: 'waiting', state: 'visible', Attributes: expect.objectContaining({ ApproximateReceiveCount: '0' }) as unknown }),
    ]);
    expect(again).toEqual(snapshot);
    expect(sqs.depth('orders')).toEqual({ visible: 1, inFlight: 1, delayed: 0, total: 2 });
  });
});

describe('SqsService long polling', () => {
  it('wakes a waiting receive as soon as a message is sent', async () => {
    const sqs = new SqsService({ accountId: ACCOUNT, region: REGION, endpoint: ENDPOINT });
    sqs.createQueue('orders');
    const started = Date.now();

    const receiving = sqs.receiveMessage('orders', { WaitTimeSeconds: 5 });
    setTimeout(() => sqs.sendMessage('orders', { MessageBody: 'late' }), 50);
    const messages = await receiving;

    expect(messages.map((message) => message.Body)).toEqual(['late']);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('delivers a message whose visibility timeout expires during the wait', async () => {
    const sqs = new SqsService({ accountId: ACCOUNT, region: REGION, endpoint: ENDPOINT });
    sqs.createQueue('orders', { VisibilityTimeout: 1 });
    sqs.sendMessage('orders', { MessageBody: 'again' });
    await sqs.receiveMessage('orders');

    const [message] = await sqs.receiveMessage('orders', { WaitTimeSeconds: 3, ...ALL });

    expect(message?.Attributes?.ApproximateReceiveCount).toBe('2');
  });

  it('answers empty when the wait ends, when aborted, and when the service closes', async () => {
    const sqs = new SqsService({ accountId: ACCOUNT, region: REGION, endpoint: ENDPOINT });
    sqs.createQueue('orders', { ReceiveMessageWaitTimeSeconds: 20 });
    const controller = new AbortController();
    const started = Date.now();

    const timedOut = await sqs.receiveMessage('orders', {}, { waitTimeMs: 100 });
    const aborted = sqs.receiveMessage('orders', {}, { signal: controller.signal });
    const closed = sqs.receiveMessage('orders');
    controller.abort();
    sqs.close();

    expect(timedOut).toEqual([]);
    expect(await aborted).toEqual([]);
    expect(await closed).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
