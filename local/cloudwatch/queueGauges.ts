import type { SqsService } from '../sqs/sqsService';
import type { GaugeReading } from './cloudWatchService';

/**
 * SQS moves a message received this many times without being deleted to the back of the queue, and
 * `ApproximateAgeOfOldestMessage` skips it: a poison message does not hold the metric up forever. Messages
 * of a dead-letter queue arrived there that way, so the rule does not apply to them.
 */
const POISON_RECEIVE_COUNT = 3;

/**
 * The `AWS/SQS` gauges of every queue, read now: the numbers of visible, in-flight and delayed messages, and
 * the age in seconds of the oldest message (0 for an empty queue). A dead-lettered message keeps the
 * `SentTimestamp` of its first enqueue, as on SQS, so its age counts from then.
 *
 * @example
 * ```ts
 * const cloudWatch = new CloudWatchService({ region, accountId, notifier: sns, gauges: () => queueGauges(sqs) });
 * ```
 */
export const queueGauges = (sqs: SqsService, now = Date.now()): GaugeReading[] => {
  const urls = sqs.listQueues();
  const deadLetterQueues = new Set(
    urls.flatMap((url) => {
      const { RedrivePolicy } = sqs.getQueueAttributes(url, ['RedrivePolicy']);
      return RedrivePolicy ? [(JSON.parse(RedrivePolicy) as { deadLetterTargetArn: string }).deadLetterTargetArn] : [];
    }),
  );
  return urls.flatMap((url) => {
    const { name, arn } = sqs.getQueue(url);
    const depth = sqs.depth(url);
    const sentTimestamps = sqs
      .listMessages(url)
      .filter((message) => deadLetterQueues.has(arn) || Number(message.Attributes.ApproximateReceiveCount ?? 0) < POISON_RECEIVE_COUNT)
      .map((message) => Number(message.Attributes.SentTimestamp));
    const oldest = Math.min(...sentTimestamps);
    const gauge = (MetricName: string, value: number, unit: string): GaugeReading => ({
      metric: { Namespace: 'AWS/SQS', MetricName, Dimensions: [{ Name: 'QueueName', Value: name }] },
      value,
      unit,
    });
    return [
      gauge('ApproximateNumberOfMessagesVisible', depth.visible, 'Count'),
      gauge('ApproximateNumberOfMessagesNotVisible', depth.inFlight, 'Count'),
      gauge('ApproximateNumberOfMessagesDelayed', depth.delayed, 'Count'),
      gauge('ApproximateAgeOfOldestMessage', sentTimestamps.length === 0 ? 0 : Math.max(0, Math.floor((now - oldest) / 1000)), 'Seconds'),
    ];
  });
};
