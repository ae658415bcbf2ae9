/**
 * Dead-letter queue tooling over the plain SQS API (ListQueues, ReceiveMessage, ChangeMessageVisibility,
 * SendMessage, DeleteMessage), so the same code works against the local cloud and a deployed stage. `dlq.ts` is
 * its command line.
 */
import { randomUUID } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type MessageAttributeValue,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { FAILURE_ATTRIBUTES } from '#shared/middlewares';

/** The project's queues all start with this (`ordering-<service>-<stage>-…`); ListQueues filters on it. */
export const QUEUE_PREFIX = 'ordering-';
/** Every dead-letter queue of the project ends with this (services/subscriptions.js). */
export const DLQ_SUFFIX = '-dlq';

/** The attributes EventBridge sets on an event it moves to a rule target's DLQ. */
export const EVENTBRIDGE_FAILURE_ATTRIBUTES = {
  errorCode: 'ERROR_CODE',
  errorMessage: 'ERROR_MESSAGE',
  ruleArn: 'RULE_ARN',
  targetArn: 'TARGET_ARN',
  retryAttempts: 'RETRY_ATTEMPTS',
  exhaustedRetryCondition: 'EXHAUSTED_RETRY_CONDITION',
} as const;

/** What a redrive strips: the reason a message failed belongs to that failure, not to its next attempt. */
const FAILURE_ATTRIBUTE_NAMES = new Set<string>([...Object.values(FAILURE_ATTRIBUTES), ...Object.values(EVENTBRIDGE_FAILURE_ATTRIBUTES)]);

/** Set on every redriven message; our consumers keep it when they dead-letter the message again. */
export const REDRIVE_ATTRIBUTE = 'redriven-by';

/** How long a look or a redrive hides the messages it holds: long enough to page through a queue, short enough to heal a crash. */
const DEFAULT_HOLD_SECONDS = 30;
const MAX_BATCH = 10;
/** Messages a listing shows per queue unless told otherwise: enough to see the pattern, few enough to read. */
const DEFAULT_LIST_MAX = 100;

export interface DeadLetterQueue {
  name: string;
  url: string;
  /** Messages waiting (ApproximateNumberOfMessages). */
  depth: number;
  /** Messages received and not yet visible again (ApproximateNumberOfMessagesNotVisible): someone is looking at them. */
  inFlight: number;
}

export interface DeadLetter {
  messageId: string;
  /** SQS's ApproximateReceiveCount, this look included. */
  receiveCount: number;
  /** When the message reached the DLQ (SentTimestamp), ISO 8601. */
  sentAt?: string;
  /** What our consumers record when they dead-letter (#shared/middlewares). */
  failure: { reason?: string; errorName?: string; at?: string; sourceQueue?: string; receiveCount?: string };
  /** What EventBridge records when it could not deliver to a rule target. */
  delivery: { errorCode?: string; errorMessage?: string; ruleArn?: string; targetArn?: string };
  /** The redrive run that last sent it back, if any: it failed again after that redrive. */
  redrivenBy?: string;
  detailType?: string;
  correlationId?: string;
  body: string;
}

export interface DeadLetterListing extends DeadLetterQueue {
  messages: DeadLetter[];
}

export interface RedriveResult {
  queue: string;
  moved: number;
  /** Destination queue name → messages moved there. */
  byDestination: Record<string, number>;
  /** Left in the DLQ, with why (no destination known, or it failed again during this redrive). */
  skipped: { messageId: string; reason: string }[];
  /** Left in the DLQ (or, when only the delete failed, also sent: consumers deduplicate). */
  failed: { messageId: string; error: string }[];
}

/** A queue URL's last segment: the queue's name. */
export const queueNameOf = (url: string): string => url.slice(url.lastIndexOf('/') + 1);

/** Every queue URL ListQueues returns (optionally only names starting with `prefix`), all pages. */
export const listQueueUrls = async (sqs: SQSClient, prefix?: string): Promise<string[]> => {
  const urls: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sqs.send(new ListQueuesCommand({ ...(prefix !== undefined && { QueueNamePrefix: prefix }), MaxResults: 1000, NextToken: nextToken }));
    urls.push(...(page.QueueUrls ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return urls;
};

/** `arn:aws:sqs:<region>:<account>:<name>` → `<name>`; anything else → undefined. */
export const queueNameFromArn = (arn: string | undefined): string | undefined => {
  const match = /^arn:[\w-]+:sqs:[\w-]*:\d*:([\w-]+)$/.exec(arn ?? '');
  return match?.[1];
};

const stringAttribute = (message: Message, name: string): string | undefined => message.MessageAttributes?.[name]?.StringValue;

const eventFacts = (body: string): { detailType?: string; correlationId?: string } => {
  try {
    const event = JSON.parse(body) as { 'detail-type'?: unknown; detail?: { metadata?: Record<string, unknown> } };
    const correlationId = event.detail?.metadata?.['correlation-id'];
    return {
      ...(typeof event['detail-type'] === 'string' && { detailType: event['detail-type'] }),
      ...(typeof correlationId === 'string' && { correlationId }),
    };
  } catch {
    // A body that is not JSON is one more reason it was dead-lettered; it is listed as it is.
    return {};
  }
};

/**
 * Why a message that SQS itself moved (after `maxReceiveCount` receives) failed: no consumer got to record a
 * reason, so every receive failed before the handler could (the function throttled, timed out or crashed),
 * which is itself the reason, and its logs hold the rest. SQS records the source queue on such a message.
 *
 * @example
 * ```ts
 * sqsRedriveReason('arn:aws:sqs:eu-west-1:123456789012:ordering-payment-dev-onOrderPlaced');
 * ```
 */
export const sqsRedriveReason = (sourceQueueArn: string): string =>
  `SQS moved it from ${queueNameFromArn(sourceQueueArn)} after maxReceiveCount receives: ` +
  'every invocation failed before the consumer could record why (throttled, timed out or crashed); see the function’s logs';

const definedOnly = <T extends Record<string, string | undefined>>(values: T): Partial<T> =>
  Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;

/**
 * One dead letter as an operator reads it: why it failed (ours or EventBridge's attributes), which event, which order.
 *
 * @example
 * ```ts
 * describeDeadLetter(message).failure.reason; // 'OrderPlaced v1 does not match its schema: detail.data.total: ...'
 * ```
 */
export const describeDeadLetter = (message: Message): DeadLetter => {
  const body = message.Body ?? '';
  const sent = Number(message.Attributes?.SentTimestamp);
  const movedBySqsFrom = stringAttribute(message, EVENTBRIDGE_FAILURE_ATTRIBUTES.errorCode) ? undefined : message.Attributes?.DeadLetterQueueSourceArn;
  return {
    messageId: message.MessageId ?? '',
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
    ...(Number.isFinite(sent) && sent > 0 && { sentAt: new Date(sent).toISOString() }),
    failure: definedOnly({
      reason: stringAttribute(message, FAILURE_ATTRIBUTES.reason) ?? (movedBySqsFrom && sqsRedriveReason(movedBySqsFrom)),
      errorName: stringAttribute(message, FAILURE_ATTRIBUTES.errorName),
      at: stringAttribute(message, FAILURE_ATTRIBUTES.failedAt),
      sourceQueue: stringAttribute(message, FAILURE_ATTRIBUTES.sourceQueue),
      receiveCount: stringAttribute(message, FAILURE_ATTRIBUTES.receiveCount),
    }),
    delivery: definedOnly({
      errorCode: stringAttribute(message, EVENTBRIDGE_FAILURE_ATTRIBUTES.errorCode),
      errorMessage: stringAttribute(message, EVENTBRIDGE_FAILURE_ATTRIBUTES.errorMessage),
      ruleArn: stringAttribute(message, EVENTBRIDGE_FAILURE_ATTRIBUTES.ruleArn),
      targetArn: stringAttribute(message, EVENTBRIDGE_FAILURE_ATTRIBUTES.targetArn),
    }),
    ...definedOnly({ redrivenBy: stringAttribute(message, REDRIVE_ATTRIBUTE) }),
    ...eventFacts(body),
    body,
  };
};

/**
 * The dead-letter queues of a stage: every queue named `ordering-…-<stage>-…-dlq`, with its depth.
 *
 * @example
 * ```ts
 * await listDeadLetterQueues(sqs, { stage: 'dev' }); // [{ name: 'ordering-order-dev-delivery-dlq', depth: 0, ... }, ...]
 * ```
 */
export const listDeadLetterQueues = async (sqs: SQSClient, { stage, queue }: { stage: string; queue?: string }): Promise<DeadLetterQueue[]> => {
  const deadLetterUrls = (await listQueueUrls(sqs, QUEUE_PREFIX)).filter((url) => {
    const name = queueNameOf(url);
    return name.endsWith(DLQ_SUFFIX) && name.includes(`-${stage}-`) && (queue === undefined || name === queue);
  });
  return Promise.all(
    deadLetterUrls.map(async (url) => {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      return {
        name: queueNameOf(url),
        url,
        depth: Number(Attributes.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
      };
    }),
  );
};

/** One ReceiveMessage: up to `count` messages with every attribute, each hidden for `holdSeconds`. */
const receiveBatch = async (sqs: SQSClient, queueUrl: string, { count, holdSeconds }: { count: number; holdSeconds: number }): Promise<Message[]> => {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: count,
      VisibilityTimeout: holdSeconds,
      // A short long-poll: on AWS a zero wait samples only some servers and can answer empty while messages wait.
      WaitTimeSeconds: 1,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp', 'DeadLetterQueueSourceArn'],
    }),
  );
  return Messages;
};

/** Receives up to `limit` distinct messages, each hidden for `holdSeconds`, until the queue has nothing new. */
const receiveUpTo = async (sqs: SQSClient, queueUrl: string, { limit, holdSeconds }: { limit: number; holdSeconds: number }): Promise<Message[]> => {
  const seen = new Map<string, Message>();
  while (seen.size < limit) {
    const fresh = (await receiveBatch(sqs, queueUrl, { count: Math.min(MAX_BATCH, limit - seen.size), holdSeconds })).filter(
      (message) => !seen.has(message.MessageId ?? ''),
    );
    if (fresh.length === 0) break;
    for (const message of fresh) seen.set(message.MessageId ?? '', message);
  }
  return [...seen.values()];
};

/** Makes held messages visible again at once, ten at a time; one that fails to be released reappears when its hold ends. */
const release = async (sqs: SQSClient, queueUrl: string, messages: Message[]): Promise<void> => {
  for (let start = 0; start < messages.length; start += MAX_BATCH) {
    const batch = messages.slice(start, start + MAX_BATCH);
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 })),
      }),
    );
  }
};

/**
 * Looks at the messages of a DLQ without consuming them: receives them (hidden for a short hold, so paging
 * sees each once), then makes them visible again. Nothing is deleted. A look counts as a receive, so each
 * message's receive count grows by one.
 *
 * @example
 * ```ts
 * const [queue] = await listDeadLetterQueues(sqs, { stage: 'dev', queue: 'ordering-payment-dev-onOrderPlaced-dlq' });
 * const messages = await peekDeadLetters(sqs, queue.url, { max: 50 });
 * ```
 */
export const peekDeadLetters = async (
  sqs: SQSClient,
  queueUrl: string,
  { max = DEFAULT_LIST_MAX, holdSeconds = DEFAULT_HOLD_SECONDS }: { max?: number; holdSeconds?: number } = {},
): Promise<DeadLetter[]> => {
  const held = await receiveUpTo(sqs, queueUrl, { limit: max, holdSeconds });
  await release(sqs, queueUrl, held);
  return held.map(describeDeadLetter);
};

/**
 * Every DLQ of the stage (or the one named) with its depth and what it holds.
 *
 * @example
 * ```ts
 * for (const queue of await listDeadLetters(sqs, { stage: 'dev' })) console.log(queue.name, queue.depth);
 * ```
 */
export const listDeadLetters = async (
  sqs: SQSClient,
  { stage, queue, max, holdSeconds }: { stage: string; queue?: string; max?: number; holdSeconds?: number },
): Promise<DeadLetterListing[]> => {
  const queues = await listDeadLetterQueues(sqs, { stage, queue });
  return Promise.all(
    queues.map(async (found) => ({
      ...found,
      // Stopping at the depth spares the last, empty long-poll; the depth is approximate, so is the listing.
      messages: found.depth === 0 ? [] : await peekDeadLetters(sqs, found.url, { max: Math.min(max ?? DEFAULT_LIST_MAX, found.depth), holdSeconds }),
    })),
  );
};

/**
 * Where a dead letter goes back to: `--to`, else the queue our consumer recorded (`failure-source-queue`), else
 * the queue EventBridge failed to deliver to (`TARGET_ARN`), else the DLQ's own source by the project's naming
 * (`<queue>-dlq` → `<queue>`), which covers messages SQS redrove after `maxReceiveCount` (they carry no reason).
 */
const destinationOf = (message: DeadLetter, deadLetterQueue: string, to: string | undefined): string | undefined =>
  to ??
  queueNameFromArn(message.failure.sourceQueue) ??
  queueNameFromArn(message.delivery.targetArn) ??
  (deadLetterQueue.endsWith(DLQ_SUFFIX) && !deadLetterQueue.endsWith(`-delivery${DLQ_SUFFIX}`) ? deadLetterQueue.slice(0, -DLQ_SUFFIX.length) : undefined);

const withoutFailureAttributes = (attributes: Record<string, MessageAttributeValue> = {}): Record<string, MessageAttributeValue> =>
  Object.fromEntries(
    Object.entries(attributes)
      .filter(([name]) => !FAILURE_ATTRIBUTE_NAMES.has(name))
      .map(([name, value]) => [
        name,
        {
          DataType: value.DataType,
          ...(value.StringValue !== undefined && { StringValue: value.StringValue }),
          ...(value.BinaryValue !== undefined && { BinaryValue: value.BinaryValue }),
        },
      ]),
  );

const messageOf = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/**
 * Moves dead letters back to the queue they failed on, for another try: sends each (body and attributes, the
 * failure attributes stripped) to its destination, and deletes it from the DLQ only once the send succeeded. A
 * failed delete leaves a copy behind, which at worst is redriven twice: every consumer deduplicates.
 *
 * Each message sent carries `redriven-by: <run id>`, which our consumers keep when they dead-letter it again: a
 * message that fails again while the redrive runs comes back to the same DLQ, and is recognised and left for
 * the next run rather than looped on. Works ten messages at a time, so no message is held for long.
 *
 * @example
 * ```ts
 * await redriveDeadLetters(sqs, { queue: 'ordering-payment-dev-onOrderPlaced-dlq', max: 10 });
 * // { moved: 3, byDestination: { 'ordering-payment-dev-onOrderPlaced': 3 }, skipped: [], failed: [] }
 * ```
 */
export const redriveDeadLetters = async (
  sqs: SQSClient,
  {
    queue,
    to,
    max = Number.POSITIVE_INFINITY,
    holdSeconds = DEFAULT_HOLD_SECONDS,
    runId = `${new Date().toISOString()}/${randomUUID().slice(0, 8)}`,
  }: { queue: string; to?: string; max?: number; holdSeconds?: number; runId?: string },
): Promise<RedriveResult> => {
  if (!queue.endsWith(DLQ_SUFFIX)) throw new Error(`${queue} is not a dead-letter queue (its name does not end with ${DLQ_SUFFIX})`);
  if (to?.endsWith(DLQ_SUFFIX)) throw new Error(`--to ${to} is a dead-letter queue; redrive to the queue the messages failed on`);
  const { QueueUrl: queueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queue }));
  if (!queueUrl) throw new Error(`GetQueueUrl returned no URL for ${queue}`);

  const urls = new Map<string, Promise<string | undefined>>();
  const urlOf = (name: string) => {
    const known = urls.get(name);
    if (known) return known;
    const resolving = sqs
      .send(new GetQueueUrlCommand({ QueueName: name }))
      .then(({ QueueUrl }) => QueueUrl)
      .catch((error: unknown) => {
        if (error instanceof QueueDoesNotExist) return undefined;
        throw error;
      });
    urls.set(name, resolving);
    return resolving;
  };

  const result: RedriveResult = { queue, moved: 0, byDestination: {}, skipped: [], failed: [] };
  /** Messages to make visible again at the end; released only then, so this run does not receive them twice. */
  const toRelease: Message[] = [];
  const seen = new Set<string>();

  const redriveOne = async (message: Message, letter: DeadLetter) => {
    const destination = destinationOf(letter, queue, to);
    const destinationUrl = destination && (await urlOf(destination));
    if (!destination || !destinationUrl) {
      result.skipped.push({
        messageId: letter.messageId,
        reason: destination ? `queue ${destination} does not exist` : 'no source queue recorded; pass --to <queue>',
      });
      toRelease.push(message);
      return;
    }
    try {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: destinationUrl,
          MessageBody: letter.body,
          MessageAttributes: { ...withoutFailureAttributes(message.MessageAttributes), [REDRIVE_ATTRIBUTE]: { DataType: 'String', StringValue: runId } },
        }),
      );
    } catch (error) {
      result.failed.push({ messageId: letter.messageId, error: `send to ${destination} failed: ${messageOf(error)}` });
      toRelease.push(message);
      return;
    }
    result.moved += 1;
    result.byDestination[destination] = (result.byDestination[destination] ?? 0) + 1;
    try {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    } catch (error) {
      result.failed.push({ messageId: letter.messageId, error: `sent to ${destination}, but not deleted from ${queue}: ${messageOf(error)}` });
    }
  };

  let handled = 0;
  while (handled < max) {
    const Messages = await receiveBatch(sqs, queueUrl, { count: Math.min(MAX_BATCH, max - handled), holdSeconds });
    const fresh = Messages.filter((message) => !seen.has(message.MessageId ?? ''));
    // Messages seen before came back after their hold: release them again, and stop when nothing new is left.
    toRelease.push(...Messages.filter((message) => seen.has(message.MessageId ?? '')));
    if (fresh.length === 0) break;
    for (const message of fresh) {
      seen.add(message.MessageId ?? '');
      const letter = describeDeadLetter(message);
      if (letter.redrivenBy === runId) {
        result.skipped.push({ messageId: letter.messageId, reason: 'failed again during this redrive' });
        toRelease.push(message);
        continue;
      }
      handled += 1;
      await redriveOne(message, letter);
    }
  }
  await release(sqs, queueUrl, toRelease);
  return result;
};
