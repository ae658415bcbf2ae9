/**
 * Alarms on the local cloud, from the packaged templates: a malformed event on the bus, which every consumer
 * of its type dead-letters, moves each of those consumers' DLQ alarms to ALARM, and CloudWatch's
 * notification reaches the platform stack's alarm topic.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ORDER_ID_BYTES, orderIdFrom } from '../../services/order/src/domain/orderId';
import { STAGE } from '../../scripts/localCloud';
import { ROOT } from '../../scripts/stacks';
import { packagedSubscriptions } from '../../scripts/subscriptions';
import { ACCOUNT_ID, BUS_NAME, eventually, REGION, useE2eCloud } from './support/e2eCloud';

// Start-up (five stacks), then one consumer batch and one dead letter per consumer, on a shared machine.
jest.setTimeout(180_000);

/**
 * From PutEvents to the alarm: one delivery, one batching window (1 s), the consumer's invocation and its
 * SendMessage to the DLQ (about 2 s measured in poisonMessages.test.ts), then one evaluation; with headroom
 * for a busy machine.
 */
const ALARM_WITHIN_MS = 60_000;

const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:ordering-${STAGE}-alarms`;

/** Every consumer of OrderPlaced, and its DLQ. */
const CONSUMERS = packagedSubscriptions()
  .filter(({ pattern }) => (pattern['detail-type'] as string[]).includes('OrderPlaced'))
  .map(({ stack, consumer }) => ({ label: `${stack}.${consumer}`, deadLetterQueue: `ordering-${stack}-${STAGE}-${consumer}-dlq` }));

/** The catalog's OrderPlaced sample about a new order, without its idempotency key: no consumer can process it. */
const malformedOrderPlaced = (orderId: string): string => {
  const sample = JSON.parse(readFileSync(path.join(ROOT, 'shared/contracts/samples/OrderPlaced.v1.json'), 'utf8').split('ord_7Hq2Kx9mPz4Lw8Rt').join(orderId)) as {
    detail: { metadata: Record<string, unknown> };
  };
  delete sample.detail.metadata['idempotency-key'];
  return JSON.stringify(sample.detail);
};

const e2e = useE2eCloud('alarms');

/** The names of the alarms on a queue's depth, as the templates declare them. */
const depthAlarmsOf = (queueName: string): string[] =>
  e2e.cloud.cloudWatch
    .describeAlarms()
    .filter(({ Namespace, MetricName, Dimensions }) => Namespace === 'AWS/SQS' && MetricName === 'ApproximateNumberOfMessagesVisible' && Dimensions[0]?.Value === queueName)
    .map(({ AlarmName }) => AlarmName);

describe('alarms of the packaged templates', () => {
  it('finds one depth alarm on the DLQ of every consumer of OrderPlaced', () => {
    const alarms = CONSUMERS.map(({ deadLetterQueue }) => depthAlarmsOf(deadLetterQueue).length);

    expect(CONSUMERS.map(({ label }) => label)).toEqual(expect.arrayContaining(['payment.onOrderPlaced', 'inventory.onOrderPlaced']));
    expect(alarms).toEqual(CONSUMERS.map(() => 1));
  });

  it('moves each consumer’s DLQ alarm to ALARM, notifying the alarm topic once, when a malformed event on the bus is dead-lettered', async () => {
    const { cloud } = e2e;
    const names = CONSUMERS.flatMap(({ deadLetterQueue }) => depthAlarmsOf(deadLetterQueue));
    const before = cloud.cloudWatch.evaluateAlarms();
    const sentAt = Date.now();

    const { FailedEntryCount } = await e2e
      .client(EventBridgeClient)
      .send(new PutEventsCommand({ Entries: [{ EventBusName: BUS_NAME, Source: 'ordering.order', DetailType: 'OrderPlaced', Detail: malformedOrderPlaced(orderIdFrom(randomBytes(ORDER_ID_BYTES))) }] }));
    const alarmed = await eventually(
      () => {
        const inAlarm = cloud.cloudWatch.evaluateAlarms().filter(({ StateValue }) => StateValue === 'ALARM');
        expect(inAlarm.map(({ AlarmName }) => AlarmName).sort()).toEqual([...names].sort());
        return inAlarm;
      },
      { timeoutMs: ALARM_WITHIN_MS },
    );

    expect(FailedEntryCount).toBe(0);
    expect(before.filter(({ AlarmName }) => names.includes(AlarmName)).map(({ StateValue }) => StateValue)).toEqual(names.map(() => 'OK'));
    for (const alarm of alarmed) {
      expect(alarm.StateReason).toMatch(/^Threshold Crossed: 1 datapoint \[1\.0 \(\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d\)\] was greater than the threshold \(0\.0\)\.$/);
      expect(alarm.StateUpdatedTimestamp.getTime()).toBeGreaterThanOrEqual(sentAt);
      const [change] = cloud.cloudWatch.describeAlarmHistory({ AlarmName: alarm.AlarmName });
      expect(change).toMatchObject({ HistoryItemType: 'StateUpdate', HistorySummary: 'Alarm updated from OK to ALARM', Timestamp: alarm.StateUpdatedTimestamp });
    }
    const notifications = cloud.sns.notifications(TOPIC_ARN).filter(({ Subject }) => Subject?.startsWith('ALARM: '));
    expect(notifications.map(({ Subject }) => Subject).sort()).toEqual(names.map((name) => `ALARM: "${name}" in ${REGION}`).sort());
    for (const { Message } of notifications) {
      const message = JSON.parse(Message) as { AlarmName: string; NewStateValue: string; OldStateValue: string; Trigger: { Namespace: string; MetricName: string; Dimensions: unknown } };
      const consumer = CONSUMERS.find(({ deadLetterQueue }) => depthAlarmsOf(deadLetterQueue).includes(message.AlarmName));
      expect(message).toMatchObject({
        NewStateValue: 'ALARM',
        OldStateValue: 'OK',
        Trigger: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ name: 'QueueName', value: consumer?.deadLetterQueue }] },
      });
    }
  });
});
