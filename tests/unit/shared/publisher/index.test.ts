import 'aws-sdk-client-mock-jest';
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import type { OutgoingEvent } from '#shared/contracts';
import { PermanentError, PublishError } from '#shared/errors';
import {
  createPublisher,
  MAX_ENTRIES_PER_REQUEST,
  MAX_REQUEST_BYTES,
  publisherFromEnv,
  toBatches,
  type PublisherOptions,
} from '#shared/publisher';

const eventBridge = mockClient(EventBridgeClient);

const BUS = 'ordering-test';
const TIME_BYTES = 14;

const metadata = (key: string) => ({
  'idempotency-key': key,
  'correlation-id': 'ord_7Hq2Kx9mPz4Lw8Rt',
  'causation-id': 'req_1',
  'occurred-at': '2026-11-25T09:31:00.000Z',
  'schema-version': 1,
});

const event = (detailType: string, key = detailType, data: unknown = { orderId: 'ord_7Hq2Kx9mPz4Lw8Rt' }): OutgoingEvent => ({
  source: 'ordering.order',
  detailType,
  detail: { metadata: metadata(key), data },
});

const events = (count: number): OutgoingEvent[] =>
  Array.from({ length: count }, (_, i) => event(`Event${String(i).padStart(2, '0')}`));

/** An event whose PutEvents entry counts exactly `bytes` under the EventBridge size rule. */
const eventOfSize = (bytes: number, detailType = 'Sized'): OutgoingEvent => {
  const base = event(detailType, detailType, '');
  const overhead =
    TIME_BYTES +
    Buffer.byteLength(base.source) +
    Buffer.byteLength(detailType) +
    Buffer.byteLength(JSON.stringify(base.detail));
  return event(detailType, detailType, 'x'.repeat(bytes - overhead));
};

const ok = (count: number) => ({
  FailedEntryCount: 0,
  Entries: Array.from({ length: count }, (_, i) => ({ EventId: `id-${i}` })),
});

const sentEntries = (): PutEventsRequestEntry[][] =>
  eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries ?? []);

const sentDetailTypes = (): string[][] => sentEntries().map((entries) => entries.map((entry) => entry.DetailType ?? ''));

const setup = (options: Partial<PublisherOptions> = {}) => {
  const delays: number[] = [];
  const publisher = createPublisher({
    client: new EventBridgeClient({ region: 'eu-west-1' }),
    eventBusName: BUS,
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    ...options,
  });
  return { publisher, delays };
};

beforeEach(() => {
  eventBridge.reset();
});

describe('createPublisher', () => {
  it('sends one PutEvents whose entries carry bus name, source, detail-type and detail JSON when given events', async () => {
    eventBridge.on(PutEventsCommand).resolves(ok(2));
    const { publisher } = setup();
    const placed = event('OrderPlaced', 'ord_1:placed');
    const cancelled = event('OrderCancelled', 'ord_1:cancelled', { orderId: 'ord_7Hq2Kx9mPz4Lw8Rt', reason: 'OUT_OF_STOCK' });

    await publisher.publish([placed, cancelled]);

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(sentEntries()).toEqual([
      [
        { EventBusName: BUS, Source: 'ordering.order', DetailType: 'OrderPlaced', Detail: JSON.stringify(placed.detail) },
        { EventBusName: BUS, Source: 'ordering.order', DetailType: 'OrderCancelled', Detail: JSON.stringify(cancelled.detail) },
      ],
    ]);
    expect(JSON.parse(sentEntries()[0]?.[1]?.Detail ?? '')).toEqual(cancelled.detail);
  });

  it('sends nothing when given no events', async () => {
    const { publisher } = setup();

    await publisher.publish([]);

    expect(eventBridge).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('splits into requests of at most 10 entries, in order, when given 23 events', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ok(input.Entries.length));
    const { publisher } = setup();
    const all = events(23);

    await publisher.publish(all);

    expect(MAX_ENTRIES_PER_REQUEST).toBe(10);
    expect(sentEntries().map((entries) => entries.length)).toEqual([10, 10, 3]);
    expect(sentDetailTypes().flat()).toEqual(all.map((e) => e.detailType));
  });

  it('sends exactly 10 entries in one request when given 10 events', async () => {
    eventBridge.on(PutEventsCommand).resolves(ok(10));
    const { publisher } = setup();

    await publisher.publish(events(10));

    expect(sentEntries().map((entries) => entries.length)).toEqual([10]);
  });

  it('starts a new request when the next entry would take the request over 256 KiB', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ok(input.Entries.length));
    const { publisher } = setup();
    const third = MAX_REQUEST_BYTES / 4;

    await publisher.publish([
      eventOfSize(third, 'A'),
      eventOfSize(third, 'B'),
      eventOfSize(third, 'C'),
      eventOfSize(third + 1, 'D'),
      eventOfSize(third, 'E'),
    ]);

    expect(MAX_REQUEST_BYTES).toBe(262_144);
    expect(sentDetailTypes()).toEqual([['A', 'B', 'C'], ['D', 'E']]);
  });

  it('keeps entries together when they add up to exactly 256 KiB', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ok(input.Entries.length));
    const { publisher } = setup();

    await publisher.publish([eventOfSize(MAX_REQUEST_BYTES / 2, 'A'), eventOfSize(MAX_REQUEST_BYTES / 2, 'B')]);

    expect(sentDetailTypes()).toEqual([['A', 'B']]);
  });

  it('accepts a single entry of exactly 256 KiB when it is alone in its request', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ok(input.Entries.length));
    const { publisher } = setup();

    await publisher.publish([event('Small'), eventOfSize(MAX_REQUEST_BYTES, 'Max'), event('After')]);

    expect(sentDetailTypes()).toEqual([['Small'], ['Max'], ['After']]);
  });

  it('throws a PermanentError before any call when one entry is over 256 KiB', async () => {
    const { publisher } = setup();

    const publishing = publisher.publish([...events(12), eventOfSize(MAX_REQUEST_BYTES + 1, 'Huge')]);

    await expect(publishing).rejects.toThrow(PermanentError);
    await expect(publishing).rejects.toThrow(`Huge is ${MAX_REQUEST_BYTES + 1} bytes`);
    expect(eventBridge).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('counts the size in UTF-8 bytes when the detail holds multi-byte characters', async () => {
    const { publisher } = setup();
    const euros = event('Euros', 'Euros', '€'.repeat(MAX_REQUEST_BYTES / 3));
    expect(JSON.stringify(euros.detail).length).toBeLessThan(MAX_REQUEST_BYTES);

    await expect(publisher.publish([euros])).rejects.toThrow(PermanentError);
    expect(eventBridge).not.toHaveReceivedCommand(PutEventsCommand);
  });

  it('retries only the failed entries, after a backoff delay, when PutEvents reports a partial failure', async () => {
    const failed: PutEventsResultEntry = { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' };
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 2, Entries: [{ EventId: '1' }, failed, { EventId: '3' }, failed] })
      .resolvesOnce(ok(2));
    const { publisher, delays } = setup();
    const all = events(4);

    await publisher.publish(all);

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 2);
    expect(sentEntries()[1]).toEqual([sentEntries()[0]?.[1], sentEntries()[0]?.[3]]);
    expect(sentDetailTypes()[1]).toEqual(['Event01', 'Event03']);
    expect(delays).toEqual([25]);
  });

  it('does not sleep when the first attempt succeeds', async () => {
    eventBridge.on(PutEventsCommand).resolves(ok(1));
    const { publisher, delays } = setup();

    await publisher.publish(events(1));

    expect(delays).toEqual([]);
  });

  it('requests full-jitter exponential delays when entries keep failing', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException' }] });
    const randoms = [0.5, 0.25, 1, 0];
    const { publisher, delays } = setup({ maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 10_000, random: () => randoms.shift() ?? 0 });

    await expect(publisher.publish(events(1))).rejects.toThrow(PublishError);

    // attempt n waits random() * base * 2^(n-2): 0.5*100, 0.25*200, 1*400, 0*800
    expect(delays).toEqual([50, 50, 400, 0]);
  });

  it('caps the delay at maxDelayMs when the exponential backoff exceeds it', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException' }] });
    const { publisher, delays } = setup({ maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 3_000, random: () => 1 });

    await expect(publisher.publish(events(1))).rejects.toThrow(PublishError);

    expect(delays).toEqual([1_000, 2_000, 3_000, 3_000]);
  });

  it('uses 4 attempts with 50 ms base delay when no retry options are given', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException' }] });
    const { publisher, delays } = setup({ random: () => 1 });

    await expect(publisher.publish(events(1))).rejects.toThrow(PublishError);

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 4);
    expect(delays).toEqual([50, 100, 200]);
  });

  it('resolves when the failed entries succeed on a later attempt', async () => {
    const throttled: PutEventsResultEntry = { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' };
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 2, Entries: [throttled, throttled] })
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ EventId: 'a' }, throttled] })
      .resolvesOnce(ok(1));
    const { publisher, delays } = setup();

    await expect(publisher.publish(events(2))).resolves.toBeUndefined();

    expect(sentDetailTypes()).toEqual([['Event00', 'Event01'], ['Event00', 'Event01'], ['Event01']]);
    expect(delays).toEqual([25, 50]);
  });

  it('throws a PublishError listing the failed detail types and error codes after exactly maxAttempts calls', async () => {
    const refusals: Record<string, PutEventsResultEntry> = {
      OrderPlaced: { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
      OrderCancelled: { ErrorCode: 'InternalFailure', ErrorMessage: 'oops' },
    };
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      const results = input.Entries.map((entry) => refusals[entry.DetailType ?? ''] ?? { EventId: 'ok' });
      return { FailedEntryCount: results.filter((result) => result.ErrorCode).length, Entries: results };
    });
    const { publisher, delays } = setup({ maxAttempts: 3 });

    const error = await publisher
      .publish([event('OrderPlaced'), event('OrderConfirmed'), event('OrderCancelled')])
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).message).toBe(
      'EventBridge refused 2 event(s) after 3 attempts: OrderPlaced (ThrottlingException), OrderCancelled (InternalFailure)',
    );
    expect((error as PublishError).failedEntries).toEqual([
      { detailType: 'OrderPlaced', errorCode: 'ThrottlingException', errorMessage: 'Rate exceeded' },
      { detailType: 'OrderCancelled', errorCode: 'InternalFailure', errorMessage: 'oops' },
    ]);
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 3);
    expect(sentDetailTypes()).toEqual([
      ['OrderPlaced', 'OrderConfirmed', 'OrderCancelled'],
      ['OrderPlaced', 'OrderCancelled'],
      ['OrderPlaced', 'OrderCancelled'],
    ]);
    expect(delays).toHaveLength(2);
  });

  it('sends an entry EventBridge refused for a reason a retry cannot change only once, retries the others, and names it in the PublishError', async () => {
    const refusals: Record<string, PutEventsResultEntry> = {
      OrderPlaced: { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid' },
      OrderCancelled: { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
    };
    let call = 0;
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      call++;
      // The throttled entry goes through on the second attempt.
      const results = input.Entries.map((entry) => (call === 1 || entry.DetailType === 'OrderPlaced' ? refusals[entry.DetailType ?? ''] : undefined) ?? { EventId: 'ok' });
      return { FailedEntryCount: results.filter((result) => result.ErrorCode).length, Entries: results };
    });
    const { publisher } = setup({ maxAttempts: 4 });

    const error = await publisher.publish([event('OrderPlaced'), event('OrderConfirmed'), event('OrderCancelled')]).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).failedEntries).toEqual([{ detailType: 'OrderPlaced', errorCode: 'InvalidArgument', errorMessage: 'Parameter Detail is not valid' }]);
    expect(sentDetailTypes()).toEqual([['OrderPlaced', 'OrderConfirmed', 'OrderCancelled'], ['OrderCancelled']]);
  });

  it('lists only the entries of the last attempt when some failures recover before the attempts run out', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 2, Entries: [{ ErrorCode: 'InternalFailure' }, { ErrorCode: 'ThrottlingException' }] })
      .resolves({ FailedEntryCount: 1, Entries: [{ EventId: 'ok' }, { ErrorCode: 'ThrottlingException' }] });
    const { publisher } = setup({ maxAttempts: 2 });

    const error = (await publisher.publish([event('PaymentSucceeded'), event('StockReserved')]).catch((e: unknown) => e)) as PublishError;

    expect(error).toBeInstanceOf(PublishError);
    expect(error.failedEntries).toEqual([{ detailType: 'StockReserved', errorCode: 'ThrottlingException', errorMessage: undefined }]);
  });

  it('does not send later requests when an earlier request still fails after every attempt', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }, ...ok(9).Entries] });
    const { publisher } = setup({ maxAttempts: 1 });

    await expect(publisher.publish(events(15))).rejects.toThrow(PublishError);

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
  });

  it('propagates the SDK exception without retrying itself when PutEvents throws', async () => {
    const denied = Object.assign(new Error('not authorized to perform events:PutEvents'), { name: 'AccessDeniedException' });
    eventBridge.on(PutEventsCommand).rejects(denied);
    const { publisher, delays } = setup();

    await expect(publisher.publish(events(3))).rejects.toThrow('not authorized to perform events:PutEvents');

    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(delays).toEqual([]);
  });
});

describe('toBatches', () => {
  const entry = (detailType: string, detail = '{}'): PutEventsRequestEntry => ({ Source: 's', DetailType: detailType, Detail: detail });

  it('returns no batch when given no entries', () => {
    expect(toBatches([])).toEqual([]);
  });

  it('counts Resources towards the size when entries carry them', () => {
    const resource = 'r'.repeat(MAX_REQUEST_BYTES / 2);
    const withResource = { ...entry('A'), Resources: [resource] };

    expect(toBatches([withResource, withResource]).map((batch) => batch.length)).toEqual([1, 1]);
    expect(() => toBatches([{ ...entry('B'), Resources: [resource, resource] }])).toThrow(PermanentError);
  });
});

describe('publisherFromEnv', () => {
  const savedEnv = { ...process.env };

  afterEach(() => {
    process.env = { ...savedEnv };
  });

  it('throws a PermanentError naming EVENT_BUS_NAME when it is not set', () => {
    delete process.env.EVENT_BUS_NAME;

    expect(() => publisherFromEnv()).toThrow(PermanentError);
    expect(() => publisherFromEnv()).toThrow('EVENT_BUS_NAME');
  });

  it('publishes to the bus named in EVENT_BUS_NAME through the tracer-wrapped client when configured', async () => {
    process.env.EVENT_BUS_NAME = 'ordering-dev';
    process.env.AWS_REGION = 'eu-west-1';
    eventBridge.on(PutEventsCommand).resolves(ok(1));
    const wrapped: unknown[] = [];
    const tracer = {
      captureAWSv3Client<T>(client: T): T {
        wrapped.push(client);
        return client;
      },
    };

    await publisherFromEnv(tracer).publish([event('OrderPlaced')]);

    expect(wrapped).toHaveLength(1);
    expect(wrapped[0]).toBeInstanceOf(EventBridgeClient);
    expect(sentEntries()[0]?.[0]?.EventBusName).toBe('ordering-dev');
  });
});
