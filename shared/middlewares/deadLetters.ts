import { GetQueueUrlCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

/** Message attributes that carry why a message was dead-lettered; the DLQ tooling reads them back. */
export const FAILURE_ATTRIBUTES = {
  reason: 'failure-reason',
  errorName: 'failure-error-name',
  failedAt: 'failure-at',
  sourceQueue: 'failure-source-queue',
  receiveCount: 'failure-receive-count',
} as const;

export interface DeadLetterPort {
  send(record: SQSRecord, error: Error, failedAt: Date): Promise<void>;
}

/** SQS caps a message attribute value with the body at 256 KiB; a reason that long helps nobody. */
const MAX_REASON_LENGTH = 1_000;

/**
 * Moves a message to the consumer's DLQ with its failure reason as message attributes. SQS's own redrive
 * (after `maxReceiveCount`) keeps no reason, so consumers dead-letter explicitly and keep redrive only as
 * the safety net for crashes and timeouts.
 */
export const createSqsDeadLetters = ({ client, queueName }: { client: SQSClient; queueName: string }): DeadLetterPort => {
  let queueUrl: Promise<string> | undefined;
  // Names, not URLs, are configured: a URL embeds the account id, which `sls invoke local` cannot resolve offline.
  const resolveUrl = () =>
    (queueUrl ??= client
      .send(new GetQueueUrlCommand({ QueueName: queueName }))
      .then(({ QueueUrl }) => {
        if (!QueueUrl) throw new Error(`GetQueueUrl returned no URL for ${queueName}`);
        return QueueUrl;
      })
      .catch((error: unknown) => {
        // Only a resolved URL is cached: a failed lookup (throttling, a network blip) must not fail every
        // later dead-letter of this warm container.
        queueUrl = undefined;
        throw error;
      }));
  return {
    async send(record, error, failedAt) {
      const attribute = (value: string) => ({ DataType: 'String', StringValue: value });
      await client.send(
        new SendMessageCommand({
          QueueUrl: await resolveUrl(),
          MessageBody: record.body,
          MessageAttributes: {
            ...pickStringAttributes(record.messageAttributes),
            [FAILURE_ATTRIBUTES.reason]: attribute(error.message.slice(0, MAX_REASON_LENGTH) || error.name),
            [FAILURE_ATTRIBUTES.errorName]: attribute(error.name),
            [FAILURE_ATTRIBUTES.failedAt]: attribute(failedAt.toISOString()),
            [FAILURE_ATTRIBUTES.sourceQueue]: attribute(record.eventSourceARN),
            [FAILURE_ATTRIBUTES.receiveCount]: attribute(record.attributes.ApproximateReceiveCount),
          },
        }),
      );
    },
  };
};

/** SQS accepts at most 10 message attributes; the failure attributes come first, originals fill the rest. */
const MAX_MESSAGE_ATTRIBUTES = 10;

const pickStringAttributes = (attributes: SQSRecord['messageAttributes']) =>
  Object.fromEntries(
    Object.entries(attributes)
      .filter(([name, value]) => value.stringValue !== undefined && !name.startsWith('failure-'))
      .slice(0, MAX_MESSAGE_ATTRIBUTES - Object.keys(FAILURE_ATTRIBUTES).length)
      .map(([name, value]) => [name, { DataType: value.dataType, StringValue: value.stringValue }]),
  );
