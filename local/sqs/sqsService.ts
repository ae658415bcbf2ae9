import { randomUUID } from 'node:crypto';
import { NO_FAULTS, type FaultPlan } from '../faults';
import { md5OfBody, md5OfMessageAttributes, type MessageAttributeValue } from './messageMd5';
import { messageSize, validateMessage, type MessageAttributeInput } from './messageValidation';
import { SqsError } from './sqsErrors';

export type { MessageAttributeValue } from './messageMd5';
export type { MessageAttributeInput } from './messageValidation';

export interface SqsServiceOptions {
  accountId: string;
  region: string;
  /** The edge endpoint queue URLs start with, e.g. `http://localhost:4566`. */
  endpoint: string;
  faults?: FaultPlan;
  /** Epoch milliseconds; injectable so tests move visibility timeouts, delays and retention without waiting. */
  now?: () => number;
  /** `SenderId` of every message (on AWS, the sender's IAM principal id); defaults to the account id. */
  senderId?: string;
}

/** Where a queue sends messages it has delivered `maxReceiveCount` times without them being deleted. */
export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

/** A queue's three names. */
export interface QueueRef {
  name: string;
  url: string;
  arn: string;
}

export interface SendMessageInput {
  MessageBody: string;
  DelaySeconds?: number;
  MessageAttributes?: Readonly<Record<string, MessageAttributeInput>>;
  /** Only `AWSTraceHeader`, the one system attribute a sender may set. */
  MessageSystemAttributes?: Readonly<Record<string, MessageAttributeInput>>;
}

export interface SendMessageOutput {
  MessageId: string;
  MD5OfMessageBody: string;
  MD5OfMessageAttributes?: string;
  MD5OfMessageSystemAttributes?: string;
}

export interface SendMessageBatchEntry extends SendMessageInput {
  Id: string;
}

/** One entry a batch call refused, as SQS reports it (HTTP 200 with the entry under `Failed`). */
export interface BatchResultErrorEntry {
  Id: string;
  SenderFault: boolean;
  Code: string;
  Message: string;
}

export interface SendMessageBatchOutput {
  Successful: (SendMessageOutput & { Id: string })[];
  Failed: BatchResultErrorEntry[];
}

export interface ReceiveMessageInput {
  /** 1–10, default 1. */
  MaxNumberOfMessages?: number;
  /** Seconds the received messages stay hidden; defaults to the queue's `VisibilityTimeout`. */
  VisibilityTimeout?: number;
  /** 0–20 seconds of long polling; defaults to the queue's `ReceiveMessageWaitTimeSeconds`. */
  WaitTimeSeconds?: number;
  /** System attributes to return (`All` or names such as `ApproximateReceiveCount`). */
  MessageSystemAttributeNames?: readonly string[];
  /** The deprecated spelling of `MessageSystemAttributeNames`; both are honoured, as AWS does. */
  AttributeNames?: readonly string[];
  /** Message attributes to return: `All`, `.*`, names, or `prefix.*`. */
  MessageAttributeNames?: readonly string[];
}

/** How a caller inside the local cloud waits: an abort ends a long poll early (with no messages). */
export interface ReceiveOptions {
  signal?: AbortSignal;
  /** Overrides `WaitTimeSeconds` with millisecond precision (Lambda's batching window needs it). */
  waitTimeMs?: number;
}

export interface ReceivedMessage {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  Attributes?: Record<string, string>;
  MD5OfMessageAttributes?: string;
  MessageAttributes?: Record<string, MessageAttributeValue>;
}

export interface ReceiptEntry {
  Id: string;
  ReceiptHandle: string;
}

export interface VisibilityEntry extends ReceiptEntry {
  VisibilityTimeout: number;
}

export interface BatchOutput {
  Successful: { Id: string }[];
  Failed: BatchResultErrorEntry[];
}

/** Where a message is in its life: waiting out its delay, receivable, or received and hidden. */
export type MessageState = 'delayed' | 'visible' | 'inFlight';

/** A message as {@link SqsService.listMessages} shows it: everything, without receiving it. */
export interface MessageSnapshot {
  MessageId: string;
  Body: string;
  MessageAttributes: Record<string, MessageAttributeValue>;
  /** Every system attribute, as `MessageSystemAttributeNames: ['All']` would return them. */
  Attributes: Record<string, string>;
  state: MessageState;
  /** Epoch milliseconds at which a delayed or in-flight message becomes receivable again. */
  visibleAt: number;
}

export interface QueueDepth {
  visible: number;
  inFlight: number;
  delayed: number;
  total: number;
}

interface QueueConfig {
  visibilityTimeout: number;
  messageRetentionPeriod: number;
  delaySeconds: number;
  receiveMessageWaitTimeSeconds: number;
  maximumMessageSize: number;
  sqsManagedSseEnabled: boolean;
  redrivePolicy: RedrivePolicy | undefined;
}

interface StoredMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  messageAttributes: Record<string, MessageAttributeValue>;
  md5OfMessageAttributes: string | undefined;
  awsTraceHeader: string | undefined;
  senderId: string;
  /** The original enqueue time: it stays when the message is dead-lettered, and retention counts from it. */
  sentTimestamp: number;
  visibleAt: number;
  receiveCount: number;
  firstReceiveTimestamp: number | undefined;
  /** Identifies the latest receive: only its receipt handle deletes or hides the message. */
  receiveNonce: string | undefined;
  deadLetterQueueSourceArn: string | undefined;
}

interface Queue extends QueueRef {
  config: QueueConfig;
  tags: Record<string, string>;
  createdTimestamp: number;
  lastModifiedTimestamp: number;
  /** Insertion-ordered, so receives hand out the oldest messages first (best effort, as standard queues). */
  messages: Map<string, StoredMessage>;
  /** Long polls waiting on this queue; each is woken when something may have become receivable. */
  waiters: Set<() => void>;
  lastPurgeTimestamp: number | undefined;
  deleted: boolean;
}

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;
const MAX_BATCH_ENTRIES = 10;
/** AWS refuses a second purge, and re-creating a deleted queue's name, within 60 seconds. */
const QUEUE_COOLDOWN_MS = 60_000;
const MAX_VISIBILITY_TIMEOUT = 43_200;
const MAX_DELAY_SECONDS = 900;
const MAX_WAIT_TIME_SECONDS = 20;
/** SQS's message size ceiling since 2025 (1 MiB), also its default `MaximumMessageSize`. */
const MAX_MESSAGE_SIZE = 1_048_576;

const DEFAULT_CONFIG: QueueConfig = {
  visibilityTimeout: 30,
  messageRetentionPeriod: 345_600,
  delaySeconds: 0,
  receiveMessageWaitTimeSeconds: 0,
  maximumMessageSize: MAX_MESSAGE_SIZE,
  sqsManagedSseEnabled: true,
  redrivePolicy: undefined,
};

/** Queue attributes SQS has but the local cloud does not emulate: refused by name, never ignored. */
const UNSUPPORTED_QUEUE_ATTRIBUTES = new Set([
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'Policy',
  'RedriveAllowPolicy',
]);

/** System attributes a receive may ask for; the FIFO ones exist on AWS but never appear on a standard queue. */
const SYSTEM_ATTRIBUTE_NAMES = new Set([
  'All',
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
  'SequenceNumber',
  'MessageDeduplicationId',
  'MessageGroupId',
]);

const QUEUE_ATTRIBUTE_NAMES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'DelaySeconds',
  'LastModifiedTimestamp',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'QueueArn',
  'ReceiveMessageWaitTimeSeconds',
  'RedrivePolicy',
  'SqsManagedSseEnabled',
  'VisibilityTimeout',
] as const;

const invalidParameter = (message: string) => new SqsError('InvalidParameterValue', message);

const integerIn = (parameter: string, value: unknown, min: number, max: number): number => {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    throw invalidParameter(`Value ${String(value)} for parameter ${parameter} is invalid. Reason: must be an integer from ${min} to ${max}.`);
  }
  return number;
};

const seconds = (epochMs: number): string => String(Math.floor(epochMs / 1000));

/**
 * An in-memory Amazon SQS (standard queues) with the semantics handlers and Lambda's pollers rely on:
 * visibility timeouts and redelivery, `maxReceiveCount` redrive into a dead-letter queue, delays, long
 * polling, retention, message attributes with AWS's MD5s, and AWS's error codes. Anything it does not
 * emulate (FIFO queues, KMS, queue policies…) is refused by name.
 *
 * Receipt handles follow AWS's documented rule: only the handle of the latest receive deletes the message;
 * an older handle is accepted and does nothing (the message was handed to someone else since).
 *
 * @example
 * const sqs = new SqsService({ accountId: '000000000000', region: 'eu-west-1', endpoint: 'http://localhost:4566' });
 * const { url } = sqs.createQueue('orders', { VisibilityTimeout: 30 });
 * sqs.sendMessage(url, { MessageBody: '{"orderId":"ord_1"}' });
 * const [message] = await sqs.receiveMessage(url, { WaitTimeSeconds: 1 });
 */
export class SqsService {
  readonly accountId: string;
  readonly region: string;
  readonly endpoint: string;
  private readonly faults: FaultPlan;
  private readonly now: () => number;
  private readonly senderId: string;
  private readonly queues = new Map<string, Queue>();
  private readonly deletedAt = new Map<string, number>();
  private closed = false;

  constructor(options: SqsServiceOptions) {
    this.accountId = options.accountId;
    this.region = options.region;
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.faults = options.faults ?? NO_FAULTS;
    this.now = options.now ?? Date.now;
    this.senderId = options.senderId ?? options.accountId;
  }

  /** The URL and ARN a queue of this name has (or would have) in the local account and region. */
  queueRef(name: string): QueueRef {
    return {
      name,
      url: `${this.endpoint}/${this.accountId}/${name}`,
      arn: `arn:aws:sqs:${this.region}:${this.accountId}:${name}`,
    };
  }

  /**
   * Creates a queue, or returns the existing one when every given attribute matches it (as AWS does); a
   * different value is `QueueAlreadyExists` (the SDK's `QueueNameExists`). Attribute values may be strings
   * (the wire format), numbers or booleans (CloudFormation properties); `RedrivePolicy` may be an object or
   * its JSON.
   */
  createQueue(name: string, attributes: Readonly<Record<string, unknown>> = {}, tags: Readonly<Record<string, string>> = {}): QueueRef {
    if (name.endsWith('.fifo') || isTrue(attributes.FifoQueue)) {
      throw new SqsError('UnsupportedOperation', `queue ${name}: FIFO queues are not emulated by the local cloud`);
    }
    if (!QUEUE_NAME.test(name)) {
      throw invalidParameter(
        `Value ${name} for parameter QueueName is invalid. Reason: Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.`,
      );
    }
    const config = this.parseQueueAttributes(name, attributes);
    const existing = this.queues.get(name);
    if (existing) {
      const current = configAttributes(existing.config);
      const wanted = configAttributes(config);
      for (const attribute of Object.keys(attributes)) {
        if (attribute === 'FifoQueue') continue;
        if (current[attribute] !== wanted[attribute]) {
          throw new SqsError('QueueNameExists', `A queue already exists with the same name and a different value for attribute ${attribute}`);
        }
      }
      return toRef(existing);
    }
    const deletedAt = this.deletedAt.get(name);
    if (deletedAt !== undefined && this.now() - deletedAt < QUEUE_COOLDOWN_MS) {
      throw new SqsError('QueueDeletedRecently', `You must wait 60 seconds after deleting a queue before you can create another with the same name (${name}).`);
    }
    const now = this.now();
    const queue: Queue = {
      ...this.queueRef(name),
      config,
      tags: { ...tags },
      createdTimestamp: now,
      lastModifiedTimestamp: now,
      messages: new Map(),
      waiters: new Set(),
      lastPurgeTimestamp: undefined,
      deleted: false,
    };
    this.queues.set(name, queue);
    return toRef(queue);
  }

  /** Deletes a queue and its messages; pending long polls on it end with no messages. */
  deleteQueue(queueUrlOrArn: string): void {
    const queue = this.resolve(queueUrlOrArn);
    queue.deleted = true;
    this.queues.delete(queue.name);
    this.deletedAt.set(queue.name, this.now());
    wakeAll(queue);
  }

  /** `GetQueueUrl`: `QueueDoesNotExist` for an unknown name or another account. */
  getQueueUrl(queueName: string, queueOwnerAccountId?: string): string {
    if (queueOwnerAccountId !== undefined && queueOwnerAccountId !== this.accountId) throw queueDoesNotExist(queueName);
    const queue = this.queues.get(queueName);
    if (!queue) throw queueDoesNotExist(queueName);
    return queue.url;
  }

  /** The URLs of the queues whose name starts with `prefix`, sorted by name. */
  listQueues(prefix = ''): string[] {
    return [...this.queues.values()]
      .filter((queue) => queue.name.startsWith(prefix))
      .sort((left, right) => left.name.localeCompare(right.name))
      .map((queue) => queue.url);
  }

  /** A queue by URL, ARN or name, or `QueueDoesNotExist`. */
  getQueue(queueUrlOrArn: string): QueueRef {
    return toRef(this.resolve(queueUrlOrArn));
  }

  sendMessage(queueUrlOrArn: string, input: SendMessageInput): SendMessageOutput {
    const queue = this.resolve(queueUrlOrArn);
    const message = this.prepareMessage(queue, input);
    this.enqueue(queue, message, input.DelaySeconds);
    return sendOutput(message);
  }

  /** Up to ten messages; an entry SQS would refuse lands in `Failed` while the others are sent. */
  sendMessageBatch(queueUrlOrArn: string, entries: readonly SendMessageBatchEntry[]): SendMessageBatchOutput {
    const queue = this.resolve(queueUrlOrArn);
    validateBatchIds(entries);
    const totalSize = entries.reduce((sum, entry) => sum + messageSize(entry), 0);
    if (totalSize > MAX_MESSAGE_SIZE) {
      throw new SqsError('BatchRequestTooLong', `Batch requests cannot be longer than ${MAX_MESSAGE_SIZE} bytes. You have sent ${totalSize} bytes.`);
    }
    const output: SendMessageBatchOutput = { Successful: [], Failed: [] };
    for (const entry of entries) {
      try {
        const message = this.prepareMessage(queue, entry);
        this.enqueue(queue, message, entry.DelaySeconds);
        output.Successful.push({ Id: entry.Id, ...sendOutput(message) });
      } catch (error) {
        output.Failed.push(batchFailure(entry.Id, error));
      }
    }
    return output;
  }

  /**
   * Receives up to `MaxNumberOfMessages` receivable messages, hiding each for the visibility timeout
   * (`faults.visibilityTimeoutOverride` wins over the request and the queue). A message already received
   * `maxReceiveCount` times is moved to the dead-letter queue instead of being delivered again. With a wait
   * time, returns as soon as at least one message is receivable (a send wakes it up), or empty at the end.
   */
  async receiveMessage(queueUrlOrArn: string, input: ReceiveMessageInput = {}, options: ReceiveOptions = {}): Promise<ReceivedMessage[]> {
    const queue = this.resolve(queueUrlOrArn);
    const max = integerIn('MaxNumberOfMessages', input.MaxNumberOfMessages ?? 1, 1, MAX_BATCH_ENTRIES);
    const visibilityTimeout =
      input.VisibilityTimeout === undefined ? undefined : integerIn('VisibilityTimeout', input.VisibilityTimeout, 0, MAX_VISIBILITY_TIMEOUT);
    const waitMs =
      options.waitTimeMs ??
      integerIn('WaitTimeSeconds', input.WaitTimeSeconds ?? queue.config.receiveMessageWaitTimeSeconds, 0, MAX_WAIT_TIME_SECONDS) * 1000;
    const systemNames = [...(input.MessageSystemAttributeNames ?? []), ...(input.AttributeNames ?? [])];
    for (const name of systemNames) {
      if (!SYSTEM_ATTRIBUTE_NAMES.has(name)) throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    }
    const view = { systemNames: new Set(systemNames), messageAttributeNames: input.MessageAttributeNames ?? [] };

    // Long polls end on real time; visibility and delays follow the (possibly injected) clock.
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (queue.deleted || this.closed) return [];
      const received = this.takeReceivable(queue, max, visibilityTimeout, view);
      if (received.length > 0) return received;
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0 || options.signal?.aborted) return [];
      const nextVisibleAt = this.nextVisibleAt(queue);
      const untilVisibleMs = nextVisibleAt === undefined ? Infinity : Math.max(0, nextVisibleAt - this.now());
      await waitForChange(queue, Math.min(remainingMs, untilVisibleMs), options.signal);
    }
  }

  /**
   * Deletes the message the receipt handle was issued for. A handle from an earlier receive of a message
   * that has been received again since is accepted and deletes nothing, as AWS documents; a handle of a
   * message already gone is accepted too. A handle this queue never issued is `ReceiptHandleIsInvalid`.
   */
  deleteMessage(queueUrlOrArn: string, receiptHandle: string): void {
    const queue = this.resolve(queueUrlOrArn);
    const receipt = this.decodeReceipt(queue, receiptHandle);
    const message = queue.messages.get(receipt.messageId);
    if (message?.receiveNonce === receipt.nonce) queue.messages.delete(receipt.messageId);
  }

  deleteMessageBatch(queueUrlOrArn: string, entries: readonly ReceiptEntry[]): BatchOutput {
    const queue = this.resolve(queueUrlOrArn);
    validateBatchIds(entries);
    return runBatch(entries, (entry) => this.deleteMessage(queue.arn, entry.ReceiptHandle));
  }

  /**
   * Hides an in-flight message for `visibilityTimeout` seconds from now (0 makes it receivable at once).
   * A stale handle or a deleted message is `InvalidParameterValue`; a message not in flight is
   * `MessageNotInflight`, as on AWS.
   */
  changeMessageVisibility(queueUrlOrArn: string, receiptHandle: string, visibilityTimeout: number): void {
    const queue = this.resolve(queueUrlOrArn);
    const receipt = this.decodeReceipt(queue, receiptHandle);
    const timeout = integerIn('VisibilityTimeout', visibilityTimeout, 0, MAX_VISIBILITY_TIMEOUT);
    const message = queue.messages.get(receipt.messageId);
    if (message?.receiveNonce !== receipt.nonce) {
      throw invalidParameter(
        `Value ${receiptHandle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`,
      );
    }
    const now = this.now();
    if (message.visibleAt <= now) throw new SqsError('MessageNotInflight', `Message ${message.messageId} is not in flight.`);
    message.visibleAt = now + timeout * 1000;
    wakeAll(queue);
  }

  changeMessageVisibilityBatch(queueUrlOrArn: string, entries: readonly VisibilityEntry[]): BatchOutput {
    const queue = this.resolve(queueUrlOrArn);
    validateBatchIds(entries);
    return runBatch(entries, (entry) => this.changeMessageVisibility(queue.arn, entry.ReceiptHandle, entry.VisibilityTimeout));
  }

  /** Deletes every message, in flight or not; a second purge within 60 seconds is `PurgeQueueInProgress`. */
  purgeQueue(queueUrlOrArn: string): void {
    const queue = this.resolve(queueUrlOrArn);
    const now = this.now();
    if (queue.lastPurgeTimestamp !== undefined && now - queue.lastPurgeTimestamp < QUEUE_COOLDOWN_MS) {
      throw new SqsError('PurgeQueueInProgress', `Only one PurgeQueue operation on ${queue.name} is allowed every 60 seconds.`);
    }
    queue.lastPurgeTimestamp = now;
    queue.messages.clear();
  }

  /** `GetQueueAttributes`: `All` (the default) or the named ones, values as strings like AWS returns them. */
  getQueueAttributes(queueUrlOrArn: string, attributeNames: readonly string[] = ['All']): Record<string, string> {
    const queue = this.resolve(queueUrlOrArn);
    for (const name of attributeNames) {
      if (name !== 'All' && !(QUEUE_ATTRIBUTE_NAMES as readonly string[]).includes(name)) {
        throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
      }
    }
    const depth = this.depthOf(queue);
    const all: Record<string, string | undefined> = {
      ...configAttributes(queue.config),
      ApproximateNumberOfMessages: String(depth.visible),
      ApproximateNumberOfMessagesNotVisible: String(depth.inFlight),
      ApproximateNumberOfMessagesDelayed: String(depth.delayed),
      CreatedTimestamp: seconds(queue.createdTimestamp),
      LastModifiedTimestamp: seconds(queue.lastModifiedTimestamp),
      QueueArn: queue.arn,
    };
    const wanted = attributeNames.includes('All') ? QUEUE_ATTRIBUTE_NAMES : attributeNames;
    const attributes: Record<string, string> = {};
    for (const name of wanted) {
      const value = all[name];
      if (value !== undefined) attributes[name] = value;
    }
    return attributes;
  }

  /** Every message of a queue, in flight or not, with all its attributes; receives nothing, changes nothing. */
  listMessages(queueUrlOrArn: string): MessageSnapshot[] {
    const queue = this.resolve(queueUrlOrArn);
    this.expire(queue);
    const now = this.now();
    return [...queue.messages.values()].map((message) => ({
      MessageId: message.messageId,
      Body: message.body,
      MessageAttributes: structuredClone(message.messageAttributes),
      Attributes: systemAttributes(message, null),
      state: stateOf(message, now),
      visibleAt: message.visibleAt,
    }));
  }

  /** How many messages a queue holds, by state. */
  depth(queueUrlOrArn: string): QueueDepth {
    return this.depthOf(this.resolve(queueUrlOrArn));
  }

  /** Whether {@link close} was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Ends every pending long poll (with no messages) and refuses to wait again: for a clean shutdown. */
  close(): void {
    this.closed = true;
    for (const queue of this.queues.values()) wakeAll(queue);
  }

  private resolve(queueUrlOrArn: string): Queue {
    const name = this.queueName(queueUrlOrArn);
    const queue = name === undefined ? undefined : this.queues.get(name);
    if (!queue) throw queueDoesNotExist(queueUrlOrArn);
    return queue;
  }

  /**
   * The queue name in a URL, an ARN or a bare name. URLs match on their path (`/<account>/<name>`) so the
   * host a client happened to use (`localhost`, `127.0.0.1`, the edge's public name) does not matter.
   */
  private queueName(queueUrlOrArn: string): string | undefined {
    if (queueUrlOrArn.startsWith('arn:')) {
      const [, , service, region, account, name] = queueUrlOrArn.split(':');
      return service === 'sqs' && region === this.region && account === this.accountId ? name : undefined;
    }
    if (queueUrlOrArn.includes('://')) {
      let path: string;
      try {
        path = new URL(queueUrlOrArn).pathname;
      } catch {
        return undefined;
      }
      const [account, name, ...rest] = path.split('/').filter(Boolean);
      return account === this.accountId && rest.length === 0 ? name : undefined;
    }
    return queueUrlOrArn;
  }

  private parseQueueAttributes(queueName: string, attributes: Readonly<Record<string, unknown>>): QueueConfig {
    const config: QueueConfig = { ...DEFAULT_CONFIG };
    for (const [name, value] of Object.entries(attributes)) {
      const attributeInteger = (min: number, max: number): number => {
        try {
          return integerIn(name, value, min, max);
        } catch {
          throw new SqsError('InvalidAttributeValue', `Invalid value for the parameter ${name}: ${String(value)} (${min} to ${max}).`);
        }
      };
      switch (name) {
        case 'VisibilityTimeout':
          config.visibilityTimeout = attributeInteger(0, MAX_VISIBILITY_TIMEOUT);
          break;
        case 'MessageRetentionPeriod':
          config.messageRetentionPeriod = attributeInteger(60, 1_209_600);
          break;
        case 'DelaySeconds':
          config.delaySeconds = attributeInteger(0, MAX_DELAY_SECONDS);
          break;
        case 'ReceiveMessageWaitTimeSeconds':
          config.receiveMessageWaitTimeSeconds = attributeInteger(0, MAX_WAIT_TIME_SECONDS);
          break;
        case 'MaximumMessageSize':
          config.maximumMessageSize = attributeInteger(1024, MAX_MESSAGE_SIZE);
          break;
        case 'SqsManagedSseEnabled':
          // The local cloud keeps messages in memory: encryption at rest has nothing to change.
          config.sqsManagedSseEnabled = isTrue(value);
          break;
        case 'RedrivePolicy':
          config.redrivePolicy = this.parseRedrivePolicy(queueName, value);
          break;
        case 'FifoQueue':
          break; // `true` was refused above; `false` is what a standard queue is.
        default:
          if (UNSUPPORTED_QUEUE_ATTRIBUTES.has(name)) {
            throw new SqsError('UnsupportedOperation', `queue ${queueName}: attribute ${name} is not emulated by the local cloud`);
          }
          throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name} (queue ${queueName}).`);
      }
    }
    return config;
  }

  private parseRedrivePolicy(queueName: string, value: unknown): RedrivePolicy | undefined {
    const invalid = (reason: string) =>
      new SqsError('InvalidAttributeValue', `Value ${JSON.stringify(value)} for parameter RedrivePolicy of queue ${queueName} is invalid. Reason: ${reason}`);
    let policy: unknown = value;
    if (typeof value === 'string') {
      if (value === '') return undefined; // AWS's way of removing a redrive policy.
      try {
        policy = JSON.parse(value);
      } catch {
        throw invalid('Redrive policy is not a valid JSON map.');
      }
    }
    if (typeof policy !== 'object' || policy === null) throw invalid('Redrive policy is not a JSON map.');
    const { deadLetterTargetArn, maxReceiveCount, ...rest } = policy as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length > 0) throw invalid(`Only deadLetterTargetArn and maxReceiveCount are supported, not ${extra.join(', ')}.`);
    if (typeof deadLetterTargetArn !== 'string') throw invalid('Redrive policy does not contain a deadLetterTargetArn.');
    let count: number;
    try {
      count = integerIn('maxReceiveCount', maxReceiveCount, 1, 1000);
    } catch {
      throw invalid('Invalid value for maxReceiveCount: must be an integer from 1 to 1000.');
    }
    const targetName = this.queueName(deadLetterTargetArn);
    if (targetName === undefined || !this.queues.has(targetName)) throw invalid('Dead letter target does not exist.');
    return { deadLetterTargetArn, maxReceiveCount: count };
  }

  private prepareMessage(queue: Queue, input: SendMessageInput): StoredMessage {
    const { body, messageAttributes, awsTraceHeader } = validateMessage(input, queue.config.maximumMessageSize);
    if (input.DelaySeconds !== undefined) integerIn('DelaySeconds', input.DelaySeconds, 0, MAX_DELAY_SECONDS);
    return {
      messageId: randomUUID(),
      body,
      md5OfBody: md5OfBody(body),
      messageAttributes,
      md5OfMessageAttributes: md5OfMessageAttributes(messageAttributes),
      awsTraceHeader,
      senderId: this.senderId,
      sentTimestamp: this.now(),
      visibleAt: 0,
      receiveCount: 0,
      firstReceiveTimestamp: undefined,
      receiveNonce: undefined,
      deadLetterQueueSourceArn: undefined,
    };
  }

  private enqueue(queue: Queue, message: StoredMessage, delaySeconds: number | undefined): void {
    message.visibleAt = message.sentTimestamp + (delaySeconds ?? queue.config.delaySeconds) * 1000;
    queue.messages.set(message.messageId, message);
    wakeAll(queue);
  }

  private takeReceivable(
    queue: Queue,
    max: number,
    requestedVisibility: number | undefined,
    view: { systemNames: ReadonlySet<string>; messageAttributeNames: readonly string[] },
  ): ReceivedMessage[] {
    this.expire(queue);
    const now = this.now();
    const received: ReceivedMessage[] = [];
    let visibilityTimeout: number | undefined;
    for (const message of queue.messages.values()) {
      if (received.length >= max) break;
      if (message.visibleAt > now) continue;
      const redrive = queue.config.redrivePolicy;
      if (redrive && message.receiveCount >= redrive.maxReceiveCount) {
        this.deadLetter(queue, redrive, message);
        continue;
      }
      visibilityTimeout ??= this.faults.visibilityTimeoutOverride(queue.arn) ?? requestedVisibility ?? queue.config.visibilityTimeout;
      message.receiveCount += 1;
      message.firstReceiveTimestamp ??= now;
      message.receiveNonce = randomUUID();
      message.visibleAt = now + visibilityTimeout * 1000;
      received.push(this.receivedView(queue, message, view));
    }
    return received;
  }

  /**
   * Moves a message to the dead-letter queue as AWS does: same id, body and attributes, its original
   * `SentTimestamp` (retention keeps counting from it) and receive count ("across all queues"), plus
   * `DeadLetterQueueSourceArn`.
   */
  private deadLetter(source: Queue, redrive: RedrivePolicy, message: StoredMessage): void {
    const targetName = this.queueName(redrive.deadLetterTargetArn);
    const target = targetName === undefined ? undefined : this.queues.get(targetName);
    if (!target) {
      throw new Error(`local SQS: queue ${source.name} redrives to ${redrive.deadLetterTargetArn}, which no longer exists`);
    }
    source.messages.delete(message.messageId);
    message.visibleAt = this.now();
    message.receiveNonce = undefined;
    message.deadLetterQueueSourceArn = source.arn;
    target.messages.set(message.messageId, message);
    wakeAll(target);
  }

  private receivedView(
    queue: Queue,
    message: StoredMessage,
    view: { systemNames: ReadonlySet<string>; messageAttributeNames: readonly string[] },
  ): ReceivedMessage {
    const received: ReceivedMessage = {
      MessageId: message.messageId,
      ReceiptHandle: Buffer.from(`${queue.arn}|${message.messageId}|${String(message.receiveNonce)}`).toString('base64'),
      MD5OfBody: message.md5OfBody,
      Body: message.body,
    };
    const attributes = systemAttributes(message, view.systemNames);
    if (Object.keys(attributes).length > 0) received.Attributes = attributes;
    const selected = selectMessageAttributes(message.messageAttributes, view.messageAttributeNames);
    const md5 = md5OfMessageAttributes(selected);
    if (md5 !== undefined) {
      // AWS hashes the attributes it returns, so the MD5 always matches what the caller got.
      received.MD5OfMessageAttributes = md5;
      received.MessageAttributes = selected;
    }
    return received;
  }

  private decodeReceipt(queue: Queue, receiptHandle: string): { messageId: string; nonce: string } {
    const [arn, messageId, nonce, ...rest] = Buffer.from(receiptHandle, 'base64').toString('utf8').split('|');
    if (arn !== queue.arn || !messageId || !nonce || rest.length > 0) {
      throw new SqsError('ReceiptHandleIsInvalid', `The input receipt handle "${receiptHandle}" is not a valid receipt handle.`);
    }
    return { messageId, nonce };
  }

  /** Messages past the retention period are gone, in flight or not. */
  private expire(queue: Queue): void {
    const cutoff = this.now() - queue.config.messageRetentionPeriod * 1000;
    for (const message of queue.messages.values()) {
      if (message.sentTimestamp <= cutoff) queue.messages.delete(message.messageId);
    }
  }

  private nextVisibleAt(queue: Queue): number | undefined {
    let next: number | undefined;
    for (const message of queue.messages.values()) {
      if (next === undefined || message.visibleAt < next) next = message.visibleAt;
    }
    return next;
  }

  private depthOf(queue: Queue): QueueDepth {
    this.expire(queue);
    const now = this.now();
    const depth: QueueDepth = { visible: 0, inFlight: 0, delayed: 0, total: queue.messages.size };
    for (const message of queue.messages.values()) depth[stateOf(message, now)] += 1;
    return depth;
  }
}

const toRef = (queue: Queue): QueueRef => ({ name: queue.name, url: queue.url, arn: queue.arn });

const queueDoesNotExist = (queue: string) => new SqsError('QueueDoesNotExist', `The specified queue does not exist: ${queue}`);

const isTrue = (value: unknown): boolean => value === true || value === 'true';

const stateOf = (message: StoredMessage, now: number): MessageState => {
  if (message.visibleAt <= now) return 'visible';
  return message.receiveCount === 0 ? 'delayed' : 'inFlight';
};

/** The queue configuration as `GetQueueAttributes` spells it, also what idempotent creates compare. */
const configAttributes = (config: QueueConfig): Record<string, string | undefined> => ({
  VisibilityTimeout: String(config.visibilityTimeout),
  MessageRetentionPeriod: String(config.messageRetentionPeriod),
  DelaySeconds: String(config.delaySeconds),
  ReceiveMessageWaitTimeSeconds: String(config.receiveMessageWaitTimeSeconds),
  MaximumMessageSize: String(config.maximumMessageSize),
  SqsManagedSseEnabled: String(config.sqsManagedSseEnabled),
  RedrivePolicy: config.redrivePolicy && JSON.stringify(config.redrivePolicy),
});

const wakeAll = (queue: Queue): void => {
  for (const wake of [...queue.waiters]) wake();
};

/** Resolves when the queue changes, the time is up or the caller aborts, whichever comes first. */
const waitForChange = (queue: Queue, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      queue.waiters.delete(done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    // A pending long poll must not keep the process alive on its own.
    const timer = setTimeout(done, timeoutMs).unref();
    queue.waiters.add(done);
    signal?.addEventListener('abort', done, { once: true });
  });

const systemAttributes = (message: StoredMessage, names: ReadonlySet<string> | null): Record<string, string> => {
  const all: Record<string, string | undefined> = {
    SenderId: message.senderId,
    SentTimestamp: String(message.sentTimestamp),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: message.firstReceiveTimestamp === undefined ? undefined : String(message.firstReceiveTimestamp),
    AWSTraceHeader: message.awsTraceHeader,
    DeadLetterQueueSourceArn: message.deadLetterQueueSourceArn,
  };
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(all)) {
    if (value !== undefined && (names === null || names.has('All') || names.has(name))) attributes[name] = value;
  }
  return attributes;
};

const selectMessageAttributes = (
  attributes: Readonly<Record<string, MessageAttributeValue>>,
  names: readonly string[],
): Record<string, MessageAttributeValue> => {
  const wanted = (name: string) =>
    names.some((pattern) => {
      if (pattern === 'All' || pattern === '.*') return true;
      if (pattern.endsWith('.*')) return name.startsWith(pattern.slice(0, -1));
      return pattern === name;
    });
  const selected: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (wanted(name)) selected[name] = { ...value };
  }
  return selected;
};

const sendOutput = (message: StoredMessage): SendMessageOutput => {
  const output: SendMessageOutput = { MessageId: message.messageId, MD5OfMessageBody: message.md5OfBody };
  if (message.md5OfMessageAttributes !== undefined) output.MD5OfMessageAttributes = message.md5OfMessageAttributes;
  if (message.awsTraceHeader !== undefined) {
    output.MD5OfMessageSystemAttributes = md5OfMessageAttributes({ AWSTraceHeader: { DataType: 'String', StringValue: message.awsTraceHeader } });
  }
  return output;
};

const validateBatchIds = (entries: readonly { Id: string }[]): void => {
  if (entries.length === 0) throw new SqsError('EmptyBatchRequest', 'There should be at least one entry in the request.');
  if (entries.length > MAX_BATCH_ENTRIES) {
    throw new SqsError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}. You have sent ${entries.length}.`);
  }
  const seen = new Set<string>();
  for (const { Id: id } of entries) {
    if (typeof id !== 'string' || !BATCH_ENTRY_ID.test(id)) {
      throw new SqsError('InvalidBatchEntryId', `A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long (${id}).`);
    }
    if (seen.has(id)) throw new SqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
    seen.add(id);
  }
};

const batchFailure = (id: string, error: unknown): BatchResultErrorEntry => {
  if (error instanceof SqsError) return { Id: id, SenderFault: error.statusCode < 500, Code: error.shortCode, Message: error.message };
  throw error;
};

const runBatch = <Entry extends { Id: string }>(entries: readonly Entry[], action: (entry: Entry) => void): BatchOutput => {
  const output: BatchOutput = { Successful: [], Failed: [] };
  for (const entry of entries) {
    try {
      action(entry);
      output.Successful.push({ Id: entry.Id });
    } catch (error) {
      output.Failed.push(batchFailure(entry.Id, error));
    }
  }
  return output;
};
