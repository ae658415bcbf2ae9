import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SQSEvent, SQSRecord } from 'aws-lambda';

const SAMPLES_DIR = join(__dirname, '../../shared/contracts/samples');

/** A catalog sample (`shared/contracts/samples/<name>.json`), as the body EventBridge delivers to a queue. */
export const sampleBody = (name: string): string => readFileSync(join(SAMPLES_DIR, `${name}.json`), 'utf8');

export const ORDER_PLACED_BODY = sampleBody('OrderPlaced.v1');

export interface SqsRecordOptions {
  body?: string;
  receiveCount?: number;
}

/**
 * A record as the event source mapping hands it to a consumer: the OrderPlaced sample on its first receive
 * unless told otherwise. The receipt handle follows the message id so that every record in a batch is distinct.
 *
 * @example
 * ```ts
 * await handler(sqsEvent(sqsRecord('m-1'), sqsRecord('m-2', { body: 'not json', receiveCount: 5 })), context);
 * ```
 */
export const sqsRecord = (messageId: string, { body = ORDER_PLACED_BODY, receiveCount = 1 }: SqsRecordOptions = {}): SQSRecord => ({
  messageId,
  receiptHandle: `AQEB${messageId}Zj6rYigCgxlaS3SLy0a`,
  body,
  attributes: {
    ApproximateReceiveCount: String(receiveCount),
    SentTimestamp: '1764063060000',
    SenderId: 'AIDAIENQZJOLO23YVJ4VO',
    ApproximateFirstReceiveTimestamp: '1764063060100',
  },
  messageAttributes: {},
  md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:ordering-payment-dev-onOrderPlaced',
  awsRegion: 'eu-west-1',
});

export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
