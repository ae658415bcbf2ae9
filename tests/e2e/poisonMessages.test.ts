/**
 * Poison messages on the local cloud: messages no consumer can ever process, sent straight into the consumer
 * queues the packaged templates declare. Each must reach its consumer's DLQ at once with the reason, and must
 * not hold back the valid events around it; and EventBridge must refuse an invalid entry out loud.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { OutgoingEvent } from '#shared/contracts';
import { PublishError } from '#shared/errors';
import { createPublisher } from '#shared/publisher';
import { ORDER_ID_BYTES, orderIdFrom } from '../../services/order/src/domain/orderId';
import { STAGE } from '../../scripts/localCloud';
import { SCENARIOS, placeOrder, waitForTerminal, type Scenario } from '../../scripts/orders';
import { ROOT } from '../../scripts/stacks';
import { packagedSubscriptions } from '../../scripts/subscriptions';
import { ACCOUNT_ID, BUS_NAME, busEventsOf, eventually, ORDER_TIMEOUT_MS, REGION, SETTLE_TIMEOUT_MS, useE2eCloud } from './support/e2eCloud';

// Start-up, then three orders with poison around every event they cause, on a machine other suites share.
jest.setTimeout(300_000);

/**
 * How long a poison message may take from the queue to its DLQ: one batching window (1 s), one invocation
 * and one SendMessage (about 2 s measured), with headroom for cold starts and a busy machine. SQS's own redrive
 * would come only after four 60 s visibility timeouts, and keeps no failure attributes: a pass means the
 * consumer dead-lettered the message itself, at once.
 */
const DEAD_LETTER_WITHIN_MS = 60_000;

const SAMPLES = path.join(ROOT, 'shared/contracts/samples');
const SAMPLE_ORDER_ID = 'ord_7Hq2Kx9mPz4Lw8Rt';
const SAMPLE_TYPES = readdirSync(SAMPLES).map((file) => file.replace(/\.v1\.json$/, ''));

interface CatalogEvent {
  id: string;
  source: string;
  'detail-type': string;
  detail: { metadata: Record<string, unknown>; data: Record<string, unknown> };
  [key: string]: unknown;
}

/** A catalog sample about `orderId`; its EventBridge `id` (which no consumer relies on) carries `token`. */
const sampleEvent = (detailType: string, orderId: string, token: string): CatalogEvent => {
  const text = readFileSync(path.join(SAMPLES, `${detailType}.v1.json`), 'utf8').split(SAMPLE_ORDER_ID).join(orderId);
  return { ...(JSON.parse(text) as CatalogEvent), id: token };
};

interface Consumer {
  /** `payment.onOrderPlaced`. */
  label: string;
  queueName: string;
  deadLetterQueueName: string;
  ruleName: string;
  accepts: string[];
  sources: string[];
}

/** The subscriptions as deployed: one queue (and its DLQ) per consumer function of every packaged stack. */
const CONSUMERS: Consumer[] = packagedSubscriptions().map(({ stack, consumer, pattern }) => {
  const queueName = `ordering-${stack}-${STAGE}-${consumer}`;
  return {
    label: `${stack}.${consumer}`,
    queueName,
    deadLetterQueueName: `${queueName}-dlq`,
    ruleName: queueName,
    accepts: pattern['detail-type'] as string[],
    sources: pattern.source as string[],
  };
});

interface Poison {
  kind: string;
  token: string;
  body: string;
  /** What the `failure-reason` attribute must say, and the `failure-error-name`. */
  reason: RegExp;
  errorName: string;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The four ways a message can be unprocessable, each aimed at what this consumer accepts. */
const poisonsFor = (consumer: Consumer, orderId: string): Poison[] => {
  const token = () => `poison-${randomUUID()}`;
  const [accepted = ''] = consumer.accepts;
  // Another fact of a source it hears if there is one (the likeliest wrong delivery), else any other fact.
  const others = SAMPLE_TYPES.filter((type) => !consumer.accepts.includes(type));
  const foreign = others.find((type) => consumer.sources.includes(sampleEvent(type, orderId, '').source)) ?? others[0] ?? '';

  const nonJson = token();
  const withoutDetail = token();
  const foreignType = token();
  const broken = token();
  const brokenEvent = sampleEvent(accepted, orderId, broken);
  delete brokenEvent.detail.metadata['idempotency-key'];
  const { detail: _detail, ...envelope } = sampleEvent(accepted, orderId, withoutDetail);

  return [
    { kind: 'non-JSON', token: nonJson, body: `${accepted} for ${orderId}, not JSON ${nonJson}`, reason: /not JSON/, errorName: 'InvalidEventError' },
    { kind: 'JSON without detail', token: withoutDetail, body: JSON.stringify(envelope), reason: /detail/, errorName: 'InvalidEventError' },
    {
      kind: `${foreign}, which it does not subscribe to`,
      token: foreignType,
      body: JSON.stringify(sampleEvent(foreign, orderId, foreignType)),
      reason: new RegExp(`${escape(foreign)}.*not an event this consumer accepts`),
      errorName: 'InvalidEventError',
    },
    { kind: `${accepted} without its idempotency key`, token: broken, body: JSON.stringify(brokenEvent), reason: /idempotency-key/, errorName: 'InvalidEventError' },
  ];
};

interface DeadLetter {
  queueName: string;
  body: string;
  attributes: Record<string, string | undefined>;
}

const e2e = useE2eCloud('poisonMessages');
const sqs = () => e2e.client(SQSClient);
const queueUrls = new Map<string, string>();

const queueUrl = async (queueName: string): Promise<string> => {
  let url = queueUrls.get(queueName);
  if (!url) {
    ({ QueueUrl: url } = await sqs().send(new GetQueueUrlCommand({ QueueName: queueName })));
    if (!url) throw new Error(`no URL for queue ${queueName}`);
    queueUrls.set(queueName, url);
  }
  return url;
};

const sendPoisons = async (consumer: Consumer, poisons: readonly Poison[]) => {
  const { Failed = [] } = await sqs().send(
    new SendMessageBatchCommand({
      QueueUrl: await queueUrl(consumer.queueName),
      Entries: poisons.map((poison, i) => ({ Id: String(i), MessageBody: poison.body })),
    }),
  );
  if (Failed.length > 0) throw new Error(`SQS refused poison messages for ${consumer.label}: ${JSON.stringify(Failed)}`);
};

/** Every message read off the DLQs so far (read messages are deleted, so each is seen once). */
const deadLetters: DeadLetter[] = [];

/** One long-poll of every consumer's DLQ. */
const readDeadLetters = async () => {
  await Promise.all(
    CONSUMERS.map(async ({ deadLetterQueueName }) => {
      const url = await queueUrl(deadLetterQueueName);
      const { Messages = [] } = await sqs().send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }),
      );
      if (Messages.length === 0) return;
      for (const message of Messages) {
        deadLetters.push({
          queueName: deadLetterQueueName,
          body: message.Body ?? '',
          attributes: Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue])),
        });
      }
      await sqs().send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: Messages.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle ?? '' })) }));
    }),
  );
};

const lettersWith = (token: string) => deadLetters.filter((letter) => letter.body.includes(token));

/** Reads the DLQs until every poison is there, or fails naming the ones that never arrived. */
const waitForDeadLetters = async (poisons: readonly { poison: Poison; consumer: Consumer }[], timeoutMs: number) => {
  await eventually(
    async () => {
      await readDeadLetters();
      const missing = poisons.filter(({ poison }) => lettersWith(poison.token).length === 0);
      expect(missing.map(({ consumer, poison }) => `${consumer.label}: ${poison.kind}`)).toEqual([]);
    },
    { timeoutMs, intervalMs: 0 },
  );
};

const expectDeadLettered = (consumer: Consumer, poison: Poison) => {
  const letters = lettersWith(poison.token);
  expect(letters).toHaveLength(1);
  const [letter] = letters;
  expect({ kind: poison.kind, queue: letter?.queueName, body: letter?.body, errorName: letter?.attributes['failure-error-name'] }).toEqual({
    kind: poison.kind,
    queue: consumer.deadLetterQueueName,
    body: poison.body,
    errorName: poison.errorName,
  });
  expect(letter?.attributes['failure-reason']).toMatch(poison.reason);
  expect(letter?.attributes['failure-source-queue']).toBe(`arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${consumer.queueName}`);
};

/** Nothing visible, nothing in flight: every message the queue held was processed and deleted. */
const expectQueueEmpties = async (consumer: Consumer) => {
  await eventually(
    async () => {
      const { Attributes = {} } = await sqs().send(
        new GetQueueAttributesCommand({
          QueueUrl: await queueUrl(consumer.queueName),
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      expect({ queue: consumer.label, ...Attributes }).toEqual({ queue: consumer.label, ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
    },
    { timeoutMs: DEAD_LETTER_WITHIN_MS },
  );
};

describe('poison messages', () => {
  it('finds a queue and a DLQ for every consumer the packaged templates subscribe', async () => {
    expect(CONSUMERS.map(({ label }) => label)).toEqual(
      expect.arrayContaining(['order.onOrderOutcome', 'payment.onOrderPlaced', 'inventory.onOrderPlaced', 'shipping.onOrderConfirmed']),
    );
    for (const consumer of CONSUMERS) {
      await expect(queueUrl(consumer.queueName)).resolves.toContain(consumer.queueName);
      await expect(queueUrl(consumer.deadLetterQueueName)).resolves.toContain(consumer.deadLetterQueueName);
    }
  });

  it.each(CONSUMERS.map((consumer) => [consumer.label, consumer] as const))(
    'dead-letters non-JSON, detail-less, foreign and schema-breaking messages with their reason, and empties the queue, when they reach %s',
    async (_label, consumer) => {
      const poisons = poisonsFor(consumer, orderIdFrom(randomBytes(ORDER_ID_BYTES)));

      await sendPoisons(consumer, poisons);

      await waitForDeadLetters(poisons.map((poison) => ({ poison, consumer })), DEAD_LETTER_WITHIN_MS);
      for (const poison of poisons) expectDeadLettered(consumer, poison);
      await expectQueueEmpties(consumer);
    },
  );

  it('processes valid events normally when poison messages reach every queue beside them', async () => {
    const { cloud } = e2e;
    const runId = randomUUID();
    const scenarios = ['success', 'payment declined', 'out of stock'].map((name) => SCENARIOS.find((scenario) => scenario.name === name) as Scenario);
    // Customers of this test alone (the prefix keeps the payment provider's scripted answer): order ids are
    // random, so the test learns which orders are its own from their OrderPlaced, the one event naming the customer.
    const orders = scenarios.map((scenario) => ({
      scenario,
      customer: `${scenario.customer}_${runId}`,
      idempotencyKey: `valid-${runId}-${scenario.name.replace(/ /g, '-')}`,
    }));
    const customers = new Set(orders.map(({ customer }) => customer));
    const orderIds = new Set<string>();

    // The moment the bus accepts an event of these orders, poison goes to every queue the event is bound for:
    // both land within one batching window, so valid and poison messages share batches.
    const sent: { poison: Poison; consumer: Consumer }[] = [];
    const sending: Promise<void>[] = [];
    const unsubscribe = cloud.eventBridge.onEvent(({ event, matchedRuleArns }) => {
      const detail = event.detail as { metadata?: Record<string, unknown>; data?: Record<string, unknown> };
      const orderId = detail.metadata?.['correlation-id'];
      if (typeof orderId !== 'string') return;
      if (event['detail-type'] === 'OrderPlaced' && customers.has(String(detail.data?.customerId))) orderIds.add(orderId);
      if (!orderIds.has(orderId)) return;
      for (const consumer of CONSUMERS.filter(({ ruleName }) => matchedRuleArns.some((arn) => arn.endsWith(`/${ruleName}`)))) {
        const poisons = poisonsFor(consumer, orderId);
        sent.push(...poisons.map((poison) => ({ poison, consumer })));
        sending.push(sendPoisons(consumer, poisons));
      }
    });
    try {
      const placed = await Promise.all(
        orders.map(async ({ scenario, customer, idempotencyKey }) => {
          const token = await cloud.identity.issueToken({ subject: customer });
          const { orderId } = await placeOrder(cloud.httpUrl, token, scenario.body, idempotencyKey);
          return { orderId, token };
        }),
      );
      const finals = await Promise.all(placed.map(({ orderId, token }) => waitForTerminal(cloud.httpUrl, token, orderId, ORDER_TIMEOUT_MS)));

      expect(finals.map(({ status, cancellationReason }) => ({ status, cancellationReason }))).toEqual(
        scenarios.map(({ expected, reason }) => ({ status: expected, cancellationReason: reason })),
      );
      // The cancellations' consumers did their part too: stock held for the declined order is released, and the
      // out-of-stock order's charge is refunded.
      expect([...orderIds].sort()).toEqual(placed.map(({ orderId }) => orderId).sort());
      const [, declined, outOfStock] = placed;
      await eventually(
        () => {
          expect(busEventsOf(cloud.eventLog, declined?.orderId ?? '').map(({ detailType }) => detailType)).toContain('StockReleased');
          expect(busEventsOf(cloud.eventLog, outOfStock?.orderId ?? '').map(({ detailType }) => detailType)).toContain('PaymentRefunded');
        },
        { timeoutMs: SETTLE_TIMEOUT_MS },
      );
    } finally {
      unsubscribe();
    }
    await Promise.all(sending);

    // Every consumer had poison beside at least one valid event…
    expect(new Set(sent.map(({ consumer }) => consumer.label))).toEqual(new Set(CONSUMERS.map(({ label }) => label)));
    // …and dead-lettered each poison once, with its reason, while no valid event of these orders went there.
    await waitForDeadLetters(sent, DEAD_LETTER_WITHIN_MS);
    for (const consumer of CONSUMERS) await expectQueueEmpties(consumer);
    await readDeadLetters();
    for (const { poison, consumer } of sent) expectDeadLettered(consumer, poison);
    const tokens = sent.map(({ poison }) => poison.token);
    const validLetters = deadLetters.filter((letter) => [...orderIds].some((id) => letter.body.includes(id)) && !tokens.some((token) => letter.body.includes(token)));
    expect(validLetters).toEqual([]);
  });
});

describe('PutEvents', () => {
  it('refuses each invalid entry with an ErrorCode, and delivers the valid entries of the same call, when a client sends malformed events', async () => {
    const { cloud } = e2e;
    const events = e2e.client(EventBridgeClient);
    const token = `probe-${randomUUID()}`;
    const entry = { EventBusName: BUS_NAME, Source: 'ordering.tests', DetailType: 'PoisonProbe' };

    const response = await events.send(
      new PutEventsCommand({
        Entries: [
          { ...entry, Detail: `{"token":"${token}"` },
          { ...entry, Detail: JSON.stringify({ token }) },
          { ...entry, Detail: JSON.stringify([token]) },
          { ...entry, DetailType: undefined, Detail: JSON.stringify({ token }) },
          { ...entry, EventBusName: 'ordering-no-such-bus', Detail: JSON.stringify({ token }) },
        ],
      }),
    );

    expect(response.FailedEntryCount).toBe(4);
    const [notJson, valid, notAnObject, noDetailType, noBus] = response.Entries ?? [];
    expect([notJson, notAnObject, noDetailType, noBus].map((result) => result?.ErrorCode)).toEqual([
      'InvalidArgument',
      'InvalidArgument',
      'InvalidArgument',
      'ResourceNotFoundException',
    ]);
    expect(notJson?.ErrorMessage).toMatch(/Detail/);
    expect(noDetailType?.ErrorMessage).toMatch(/DetailType/);
    expect(Object.keys(valid ?? {})).toEqual(['EventId']);
    const logged = cloud.eventLog.filter(({ event }) => JSON.stringify(event.detail).includes(token));
    expect(logged.map(({ event }) => event.id)).toEqual([valid?.EventId]);
  });

  it('throws a PublishError naming the ErrorCode, rather than dropping the event, when EventBridge refuses the project publisher’s entry', async () => {
    const publisher = createPublisher({ client: e2e.client(EventBridgeClient), eventBusName: 'ordering-no-such-bus', sleep: () => Promise.resolve() });
    const sample = sampleEvent('OrderPlaced', orderIdFrom(randomBytes(ORDER_ID_BYTES)), 'unused');

    const publishing = publisher.publish([{ source: sample.source, detailType: sample['detail-type'], detail: sample.detail as OutgoingEvent['detail'] }]);

    await expect(publishing).rejects.toThrow(PublishError);
    await expect(publishing).rejects.toMatchObject({ failedEntries: [{ detailType: 'OrderPlaced', errorCode: 'ResourceNotFoundException' }] });
  });
});
