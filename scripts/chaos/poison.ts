import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

/** A malformed message the run sent, and where: it must end in a DLQ with its reason, never be lost. */
export interface PoisonMessage {
  id: string;
  kind: string;
  target: string;
}

/**
 * The malformed messages a producer bug or a hostile sender could emit, cycled through. Bus events go to the
 * rules of the consumers that subscribe to their detail-type (so one event may be dead-lettered by several
 * consumers); raw messages go straight into a consumer's queue. None names a real order.
 */
const KINDS = [
  {
    kind: 'OrderPlaced without data',
    bus: { Source: 'ordering.order', DetailType: 'OrderPlaced', detail: (id: string) => ({ metadata: { 'idempotency-key': id }, chaosPoison: id }) },
  },
  {
    kind: 'PaymentSucceeded with a malformed order id',
    bus: {
      Source: 'ordering.payment',
      DetailType: 'PaymentSucceeded',
      detail: (id: string) => ({
        metadata: { 'idempotency-key': id, 'correlation-id': 'not-an-order', 'causation-id': id, 'occurred-at': 'yesterday', 'schema-version': '1' },
        data: { orderId: `not-an-order-${id}` },
      }),
    },
  },
  { kind: 'not JSON', queue: 'shipping-onOrderConfirmed', body: (id: string) => `{ "chaosPoison": "${id}", truncated` },
  {
    kind: 'OrderCancelled with a wrong schema version',
    bus: { Source: 'ordering.order', DetailType: 'OrderCancelled', detail: (id: string) => ({ metadata: { 'idempotency-key': id, 'schema-version': '99' }, data: { chaosPoison: id } }) },
  },
  { kind: 'an EventBridge event of no contract', queue: 'order-onOrderOutcome', body: (id: string) => JSON.stringify({ version: '0', 'detail-type': 'Mystery', source: 'chaos', detail: { chaosPoison: id } }) },
] as const;

/**
 * Sends `count` malformed messages through the real SDK clients: onto the bus (`PutEvents`) and into consumer
 * queues (`SendMessage`), cycling through {@link KINDS} from the `from`-th. Each carries a marker unique in the
 * run (fixed width, so no marker is a prefix of another) that the invariant check looks for in the DLQs.
 *
 * @example
 * ```ts
 * const poison = await sendPoison({ endpoint: cloud.edgeUrl, stage: 'dev', busName: 'ordering-dev', from: 0, count: 5, runId: 'seed-7' });
 * ```
 */
export const sendPoison = async ({
  endpoint,
  stage,
  busName,
  from,
  count,
  runId,
  region = 'eu-west-1',
  accessKeyId = 'local',
}: {
  endpoint: string;
  stage: string;
  busName: string;
  from: number;
  count: number;
  runId: string;
  region?: string;
  /** What the requests are signed with: a fault plan may spare one sender's requests by it. */
  accessKeyId?: string;
}): Promise<PoisonMessage[]> => {
  const config = { endpoint, region, credentials: { accessKeyId, secretAccessKey: 'local' } };
  const events = new EventBridgeClient(config);
  const sqs = new SQSClient(config);
  const sent: PoisonMessage[] = [];
  try {
    for (let n = from; n < from + count; n++) {
      const kind = KINDS[n % KINDS.length] ?? KINDS[0];
      const id = `chaos-poison-${runId}-${String(n).padStart(6, '0')}`;
      if ('bus' in kind) {
        const { FailedEntryCount = 0, Entries = [] } = await events.send(
          new PutEventsCommand({ Entries: [{ EventBusName: busName, Source: kind.bus.Source, DetailType: kind.bus.DetailType, Detail: JSON.stringify(kind.bus.detail(id)) }] }),
        );
        if (FailedEntryCount > 0) throw new Error(`PutEvents refused poison ${id}: ${JSON.stringify(Entries)}`);
        sent.push({ id, kind: kind.kind, target: `${busName} (${kind.bus.DetailType})` });
      } else {
        const [service = '', consumer = ''] = kind.queue.split('-');
        const queueName = `ordering-${service}-${stage}-${consumer}`;
        const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
        await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: kind.body(id) }));
        sent.push({ id, kind: kind.kind, target: queueName });
      }
    }
  } finally {
    events.destroy();
    sqs.destroy();
  }
  return sent;
};
