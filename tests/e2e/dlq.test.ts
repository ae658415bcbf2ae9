import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { LocalCloud } from '../../local/cloud';
import { listDeadLetters, redriveDeadLetters, type DeadLetter } from '../../scripts/dlqTools';
import { startProjectCloud } from '../../scripts/localCloud';
import { ROOT } from '../../scripts/stacks';

/**
 * The DLQ tooling against the local cloud, on a real consumer: payment's OrderPlaced queue. A poison message
 * (valid JSON, wrong schema) must reach the consumer's DLQ with a reason naming the field, be listed, be
 * redriven and dead-letter again; the messages behind it must keep flowing.
 */
const QUEUE = 'ordering-payment-dev-onOrderPlaced';
const DLQ = `${QUEUE}-dlq`;
const QUEUE_ARN = `arn:aws:sqs:eu-west-1:000000000000:${QUEUE}`;
/** Generous for a cold consumer (worker start, bundle load) on a loaded machine; polls return as soon as it is met. */
const WITHIN_MS = 60_000;

let cloud: LocalCloud;
let sqs: SQSClient;
let workDir: string;
const cloudLog: string[] = [];

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'dlq-e2e-'));
  cloud = await startProjectCloud({ edgePort: 0, httpPort: 0, workDir, log: (source, line) => cloudLog.push(`[${source}] ${line}`) });
  sqs = new SQSClient({ endpoint: cloud.edgeUrl, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}, 120_000);

afterAll(async () => {
  sqs.destroy();
  await cloud.stop();
  rmSync(workDir, { recursive: true, force: true });
});

/** Polls until `check` returns a value (not undefined), or fails naming what it waited for. */
const eventually = async <T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = WITHIN_MS): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${cloudLog.slice(-20).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

let orders = 0;
/** The catalog's OrderPlaced sample about a fresh order id, as EventBridge would deliver it to the queue. */
const orderPlaced = (): { orderId: string; event: { detail: { data: Record<string, unknown> } } } => {
  orders += 1;
  const orderId = `ord_dlqE2e${Date.now().toString(36)}${orders}`;
  const sample = readFileSync(path.join(ROOT, 'shared/contracts/samples/OrderPlaced.v1.json'), 'utf8');
  return { orderId, event: JSON.parse(sample.split('ord_7Hq2Kx9mPz4Lw8Rt').join(orderId)) as { detail: { data: Record<string, unknown> } } };
};
/** Valid JSON and a valid envelope, but the payload lacks `total`: no retry can fix it. */
const poisonOrderPlaced = () => {
  const { orderId, event } = orderPlaced();
  delete event.detail.data.total;
  return { orderId, event };
};

const send = async (body: unknown) => {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: QUEUE }));
  await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(body) }));
};

/** The DLQ's messages as the tooling lists them. */
const deadLetters = async (): Promise<DeadLetter[]> => (await listDeadLetters(sqs, { stage: 'dev', queue: DLQ }))[0]?.messages ?? [];
const deadLetterOf = async (orderId: string, redrivenBy?: string) =>
  (await deadLetters()).find((message) => message.correlationId === orderId && message.redrivenBy === redrivenBy);

const paymentOutcomeOf = (orderId: string) =>
  cloud.eventLog.find(
    ({ event }) => event.source === 'ordering.payment' && (event.detail as { metadata?: Record<string, string> }).metadata?.['correlation-id'] === orderId,
  );

describe('dead-letter tooling on the local cloud', () => {
  it('dead-letters a malformed event with a reason naming the field, and still processes the valid event sent right after it', async () => {
    const poison = poisonOrderPlaced();
    const valid = orderPlaced();

    await send(poison.event);
    await send(valid.event);

    const letter = await eventually(`${poison.orderId} in ${DLQ}`, () => deadLetterOf(poison.orderId));
    expect(letter).toMatchObject({
      detailType: 'OrderPlaced',
      failure: { errorName: 'InvalidEventError', sourceQueue: QUEUE_ARN, receiveCount: '1' },
    });
    expect(letter.failure.reason).toContain('detail.data.total');
    const outcome = await eventually(`a payment outcome for ${valid.orderId}`, () => paymentOutcomeOf(valid.orderId));
    expect(outcome.event['detail-type']).toMatch(/^Payment(Succeeded|Declined|Failed)$/);
    expect(await deadLetterOf(valid.orderId)).toBeUndefined();
  }, 90_000);

  it('lists a dead letter without consuming it, redrives it to its queue, and sees it dead-lettered again', async () => {
    const poison = poisonOrderPlaced();
    await send(poison.event);
    await eventually(`${poison.orderId} in ${DLQ}`, () => deadLetterOf(poison.orderId));

    const [listing] = await listDeadLetters(sqs, { stage: 'dev', queue: DLQ });
    const listed = listing?.messages.find((message) => message.correlationId === poison.orderId);
    expect(listed?.failure.reason).toContain('detail.data.total');
    const [again] = await listDeadLetters(sqs, { stage: 'dev', queue: DLQ });
    expect(again?.depth).toBe(listing?.messages.length);

    const runId = `e2e-${poison.orderId}`;
    const result = await redriveDeadLetters(sqs, { queue: DLQ, runId });

    expect(result.failed).toEqual([]);
    expect(result.byDestination).toEqual({ [QUEUE]: listing?.messages.length });
    const back = await eventually(`${poison.orderId} back in ${DLQ} after the redrive`, () => deadLetterOf(poison.orderId, runId));
    expect(back.failure).toMatchObject({ errorName: 'InvalidEventError', sourceQueue: QUEUE_ARN });
    expect(back.failure.reason).toContain('detail.data.total');
  }, 90_000);
});
