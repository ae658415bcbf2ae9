import { NO_API_FAULT, NO_FAULTS, type ApiCall, type FaultPlan } from '../../../../local/faults';
import { LambdaFunctionError, type LambdaInvoker } from '../../../../local/lambda/invoker';
import {
  InvalidBatchResponseError,
  InvalidEventSourceMappingError,
  startEventSourceMapping,
  type EventSourceMapping,
  type EventSourceMappingOptions,
  type FailedBatch,
  type SqsEvent,
} from '../../../../local/sqs/eventSourceMapping';
import { SqsService } from '../../../../local/sqs/sqsService';

const ACCOUNT = '000000000000';
const REGION = 'eu-west-1';
const FUNCTION = 'ordering-payment-dev-onOrderPlaced';

type Handler = (event: SqsEvent) => unknown;

/** A fake Lambda service recording every event it was invoked with. */
const fakeInvoker = (handler: Handler) => {
  const events: SqsEvent[] = [];
  const invoker: LambdaInvoker = {
    invoke: async (_functionName, payload) => {
      const event = payload as SqsEvent;
      events.push(event);
      return await handler(event);
    },
  };
  return { invoker, events };
};

/** Resolves once `condition` holds; fails fast instead of hanging when it never does. */
const eventually = async (condition: () => boolean, withinMs = 3_000): Promise<void> => {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

const bodies = (event: SqsEvent | undefined) => event?.Records.map((record) => record.body);

let sqs: SqsService;
let mapping: EventSourceMapping | undefined;
let errors: { error: Error; batch: FailedBatch }[];

beforeEach(() => {
  sqs = new SqsService({ accountId: ACCOUNT, region: REGION, endpoint: 'http://localhost:4566' });
  errors = [];
});

afterEach(async () => {
  await mapping?.stop();
  mapping = undefined;
  sqs.close();
});

const start = (queueArn: string, handler: Handler, options: Partial<EventSourceMappingOptions> = {}) => {
  const fake = fakeInvoker(handler);
  mapping = startEventSourceMapping({
    sqs,
    queueArn,
    functionName: FUNCTION,
    invoker: fake.invoker,
    concurrency: 1,
    onBatchError: (error, batch) => errors.push({ error, batch }),
    ...options,
  });
  return fake;
};

describe('startEventSourceMapping', () => {
  it('invokes the function with the SQS event Lambda sends', async () => {
    const queue = sqs.createQueue('orders');
    const sent = sqs.sendMessage(queue.url, {
      MessageBody: '{"orderId":"ord_1"}',
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'OrderPlaced' }, raw: { DataType: 'Binary', BinaryValue: 'AQID' } },
    });

    const { events } = start(queue.arn, () => undefined);
    await eventually(() => events.length === 1);

    const [record] = events[0]?.Records ?? [];
    expect(record).toEqual({
      messageId: sent.MessageId,
      receiptHandle: expect.any(String) as unknown,
      body: '{"orderId":"ord_1"}',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d{13}$/) as unknown,
        SenderId: ACCOUNT,
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/) as unknown,
      },
      messageAttributes: {
        kind: { stringValue: 'OrderPlaced', stringListValues: [], binaryListValues: [], dataType: 'String' },
        raw: { binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
      md5OfBody: sent.MD5OfMessageBody,
      md5OfMessageAttributes: sent.MD5OfMessageAttributes,
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: REGION,
    });
  });

  it('deletes the whole batch when the function succeeds', async () => {
    const queue = sqs.createQueue('orders');
    sqs.sendMessage(queue.url, { MessageBody: 'a' });

    const { events } = start(queue.arn, () => ({ batchItemFailures: [{ itemIdentifier: 'ignored without ReportBatchItemFailures' }] }));
    await eventually(() => events.length === 1 && sqs.depth(queue.arn).total === 0);

    expect(errors).toEqual([]);
  });

  it('invokes with at most batchSize messages, one poll per batch without a batching window', async () => {
    const queue = sqs.createQueue('orders');
    for (const body of ['1', '2', '3', '4', '5', '6', '7']) sqs.sendMessage(queue.url, { MessageBody: body });

    const { events } = start(queue.arn, () => undefined, { batchSize: 3 });
    await eventually(() => sqs.depth(queue.arn).total === 0);

    expect(events.map((event) => event.Records.length)).toEqual([3, 3, 1]);
  });

  it('waits up to the batching window to fill a batch', async () => {
    const queue = sqs.createQueue('orders');
    sqs.sendMessage(queue.url, { MessageBody: 'first' });

    const { events } = start(queue.arn, () => undefined, { batchSize: 5, maximumBatchingWindowSeconds: 0.5 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    sqs.sendMessage(queue.url, { MessageBody: 'second' });
    const beforeWindowEnds = events.length;
    await eventually(() => events.length === 1);

    expect(beforeWindowEnds).toBe(0);
    expect(bodies(events[0])).toEqual(['first', 'second']);
  });

  it('invokes as soon as the batch is full, before the batching window ends', async () => {
    const queue = sqs.createQueue('orders');
    const started = Date.now();

    const { events } = start(queue.arn, () => undefined, { batchSize: 12, maximumBatchingWindowSeconds: 10 });
    for (let index = 0; index < 12; index += 1) sqs.sendMessage(queue.url, { MessageBody: String(index) });
    await eventually(() => events.length === 1);

    expect(events[0]?.Records).toHaveLength(12);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('deletes only the messages the function did not report as failed', async () => {
    const queue = sqs.createQueue('orders', { VisibilityTimeout: 30 });
    for (const body of ['ok-1', 'fail', 'ok-2']) sqs.sendMessage(queue.url, { MessageBody: body });

    const { events } = start(
      queue.arn,
      (event) => ({ batchItemFailures: event.Records.filter((record) => record.body === 'fail').map((record) => ({ itemIdentifier: record.messageId })) }),
      { reportBatchItemFailures: true },
    );
    await eventually(() => sqs.depth(queue.arn).total === 1);

    expect(bodies(events[0])).toEqual(['ok-1', 'fail', 'ok-2']);
    expect(sqs.listMessages(queue.arn)).toEqual([expect.objectContaining({ Body: 'fail', state: 'inFlight' })]);
    expect(errors).toEqual([]);
  });

  it('treats an empty or missing partial batch response as complete success', async () => {
    const queue = sqs.createQueue('orders');
    const responses: unknown[] = [undefined, null, {}, { batchItemFailures: [] }, { batchItemFailures: null }];
    for (let index = 0; index < responses.length; index += 1) sqs.sendMessage(queue.url, { MessageBody: String(index) });

    const { events } = start(queue.arn, (event) => responses[Number(event.Records[0]?.body)], { batchSize: 1, reportBatchItemFailures: true });
    await eventually(() => events.length === responses.length && sqs.depth(queue.arn).total === 0);

    expect(errors).toEqual([]);
  });

  it('fails the whole batch when the response names a message not in the batch', async () => {
    const queue = sqs.createQueue('orders', { VisibilityTimeout: 30 });
    for (const body of ['a', 'b']) sqs.sendMessage(queue.url, { MessageBody: body });

    start(queue.arn, () => ({ batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] }), { reportBatchItemFailures: true });
    await eventually(() => errors.length === 1);

    expect(errors[0]?.error).toBeInstanceOf(InvalidBatchResponseError);
    expect(errors[0]?.batch.messageIds).toHaveLength(2);
    expect(sqs.depth(queue.arn)).toMatchObject({ inFlight: 2, total: 2 });
  });

  it('leaves a failing batch to come back after the visibility timeout, then dead-letters it after maxReceiveCount', async () => {
    const dlq = sqs.createQueue('orders-dlq');
    const queue = sqs.createQueue('orders', { VisibilityTimeout: 1, RedrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 } });
    sqs.sendMessage(queue.url, { MessageBody: 'poison', MessageAttributes: { reason: { DataType: 'String', StringValue: 'test' } } });

    const { events } = start(queue.arn, () => {
      throw new LambdaFunctionError('PermanentError', 'cannot process');
    });
    await eventually(() => sqs.depth(dlq.arn).total === 1, 4_000);

    expect(events.map((event) => event.Records[0]?.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    expect(errors.map(({ error }) => error.name)).toEqual(['PermanentError', 'PermanentError']);
    expect(sqs.listMessages(dlq.arn)).toEqual([
      expect.objectContaining({
        Body: 'poison',
        MessageAttributes: { reason: { DataType: 'String', StringValue: 'test' } },
        Attributes: expect.objectContaining({ DeadLetterQueueSourceArn: queue.arn }) as unknown,
      }),
    ]);
  });

  it('processes a succeeded batch again after its visibility timeout when SQS fails the mapping’s delete', async () => {
    // Arrange: the first delete is throttled, the next one goes through.
    const queue = sqs.createQueue('orders', { VisibilityTimeout: 1 });
    sqs.sendMessage(queue.url, { MessageBody: 'processed twice' });
    const deletes: ApiCall[] = [];
    const faults: FaultPlan = {
      ...NO_FAULTS,
      apiFault: (call) => {
        deletes.push(call);
        return deletes.length === 1 ? { kind: 'error', error: 'RequestThrottled' } : NO_API_FAULT;
      },
    };

    // Act
    const { events } = start(queue.arn, () => undefined, { faults });
    await eventually(() => events.length === 2 && sqs.depth(queue.arn).total === 0, 4_000);

    // Assert
    expect(events.map((event) => event.Records[0]?.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    expect(deletes).toEqual([
      expect.objectContaining({ service: 'sqs', operation: 'DeleteMessageBatch', caller: 'event-source-mapping', input: { QueueUrl: queue.url, Entries: [{ Id: '0', ReceiptHandle: expect.any(String) as unknown }] } }),
      expect.objectContaining({ operation: 'DeleteMessageBatch', caller: 'event-source-mapping' }),
    ]);
    expect(errors.map(({ error }) => error.message)).toEqual([expect.stringContaining('DeleteMessageBatch answered RequestThrottled')]);
  });

  it('stops promptly while polling, and waits for the batch in flight', async () => {
    const queue = sqs.createQueue('orders');
    let finish: () => void = () => undefined;
    const { events } = start(queue.arn, () => new Promise<void>((resolve) => (finish = resolve)));
    sqs.sendMessage(queue.url, { MessageBody: 'slow' });
    await eventually(() => events.length === 1);

    let stopped = false;
    const stopping = mapping?.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stoppedBeforeFinish = stopped;
    finish();
    await stopping;

    expect(stoppedBeforeFinish).toBe(false);
    expect(sqs.depth(queue.arn).total).toBe(0);
    sqs.sendMessage(queue.url, { MessageBody: 'after stop' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toHaveLength(1);
  });

  it('stops within moments when idle', async () => {
    const queue = sqs.createQueue('orders');
    start(queue.arn, () => undefined, { concurrency: 3 });
    const started = Date.now();

    await mapping?.stop();

    expect(Date.now() - started).toBeLessThan(500);
  });

  it('refuses configurations Lambda refuses, naming the mapping', () => {
    const queue = sqs.createQueue('orders');
    const { invoker } = fakeInvoker(() => undefined);
    const options = { sqs, functionName: FUNCTION, invoker };

    expect(() => startEventSourceMapping({ ...options, queueArn: queue.arn, batchSize: 20 })).toThrow(InvalidEventSourceMappingError);
    expect(() => startEventSourceMapping({ ...options, queueArn: queue.arn, batchSize: 0 })).toThrow(/BatchSize 0/);
    expect(() => startEventSourceMapping({ ...options, queueArn: queue.arn, maximumBatchingWindowSeconds: 301 })).toThrow(/MaximumBatchingWindow/);
    expect(() => startEventSourceMapping({ ...options, queueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:missing` })).toThrow(
      new RegExp(`missing → ${FUNCTION}`),
    );
  });
});
