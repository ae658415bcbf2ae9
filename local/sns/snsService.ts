import { randomUUID } from 'node:crypto';

/** A message published to a topic, as the local cloud records it. */
export interface SnsNotification {
  TopicArn: string;
  MessageId: string;
  Subject?: string;
  Message: string;
  Timestamp: Date;
}

export interface SnsServiceOptions {
  region: string;
  accountId: string;
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
}

/** What SNS would answer `NotFound` to. */
export class TopicNotFoundError extends Error {
  override readonly name = 'TopicNotFoundError';
}

/** A topic property the local cloud cannot honour: it refuses to start rather than ignore it. */
export class UnsupportedTopicPropertyError extends Error {
  override readonly name = 'UnsupportedTopicPropertyError';
}

/**
 * Properties of `AWS::SNS::Topic` that change nothing locally: `DisplayName` only shows in SMS and e-mail
 * deliveries, `Tags` are metadata. Anything else (subscriptions, FIFO, encryption, delivery logging, data
 * protection) is refused by name.
 */
const ACCEPTED_PROPERTIES = new Set(['TopicName', 'DisplayName', 'Tags']);

/**
 * SNS topics that record what is published to them, and deliver it to nobody: the alarm topic's
 * subscribers (an on-call channel, e-mail) live outside the local cloud, so a test or a person reads the
 * notifications here instead.
 *
 * @example
 * ```ts
 * const sns = new SnsService({ region: 'eu-west-1', accountId: '000000000000' });
 * const topicArn = sns.createTopic('ordering-dev-alarms');
 * sns.publish({ TopicArn: topicArn, Subject: 'ALARM: "dlq" in eu-west-1', Message: '{…}' });
 * sns.notifications(topicArn); // [{ TopicArn, MessageId, Subject, Message, Timestamp }]
 * ```
 */
export class SnsService {
  private readonly topics = new Map<string, SnsNotification[]>();
  private readonly now: () => number;

  constructor(private readonly options: SnsServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Creates the topic (or returns the existing one, as CreateTopic does) and returns its ARN. */
  createTopic(name: string, properties: Readonly<Record<string, unknown>> = {}): string {
    const refused = Object.keys(properties).filter((property) => !ACCEPTED_PROPERTIES.has(property));
    if (refused.length > 0) throw new UnsupportedTopicPropertyError(`topic ${name}: ${refused.join(', ')} not supported locally (topics record notifications and deliver none)`);
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(name)) throw new UnsupportedTopicPropertyError(`topic name ${name} is not valid (1 to 256 letters, digits, hyphens, underscores; FIFO topics are not supported)`);
    const arn = `arn:aws:sns:${this.options.region}:${this.options.accountId}:${name}`;
    if (!this.topics.has(arn)) this.topics.set(arn, []);
    return arn;
  }

  hasTopic(topicArn: string): boolean {
    return this.topics.has(topicArn);
  }

  listTopics(): string[] {
    return [...this.topics.keys()];
  }

  /** Records the message on the topic. */
  publish(input: { TopicArn: string; Subject?: string; Message: string }): { MessageId: string } {
    const notifications = this.topics.get(input.TopicArn);
    if (!notifications) throw new TopicNotFoundError(`Topic does not exist: ${input.TopicArn}`);
    const MessageId = randomUUID();
    notifications.push({
      TopicArn: input.TopicArn,
      MessageId,
      ...(input.Subject !== undefined && { Subject: input.Subject }),
      Message: input.Message,
      Timestamp: new Date(this.now()),
    });
    return { MessageId };
  }

  /** Everything published to the topic so far, oldest first. */
  notifications(topicArn: string): SnsNotification[] {
    const notifications = this.topics.get(topicArn);
    if (!notifications) throw new TopicNotFoundError(`Topic does not exist: ${topicArn}`);
    return [...notifications];
  }
}
