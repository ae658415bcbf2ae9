import { SnsService, TopicNotFoundError, UnsupportedTopicPropertyError } from '../../../../local/sns/snsService';

const REGION = 'eu-west-1';
const ACCOUNT = '000000000000';
const NOW = Date.UTC(2026, 11, 8, 10, 31, 0);

const setup = () => new SnsService({ region: REGION, accountId: ACCOUNT, now: () => NOW });

describe('SnsService', () => {
  it('records what is published to a topic, in order, with its time and a message id', () => {
    const sns = setup();
    const topic = sns.createTopic('ordering-dev-alarms', { DisplayName: 'Ordering alarms' });

    const { MessageId } = sns.publish({ TopicArn: topic, Subject: 'ALARM: "dlq" in eu-west-1', Message: '{"NewStateValue":"ALARM"}' });
    sns.publish({ TopicArn: topic, Message: 'second' });

    expect(topic).toBe(`arn:aws:sns:${REGION}:${ACCOUNT}:ordering-dev-alarms`);
    expect(sns.notifications(topic)).toEqual([
      { TopicArn: topic, MessageId, Subject: 'ALARM: "dlq" in eu-west-1', Message: '{"NewStateValue":"ALARM"}', Timestamp: new Date(NOW) },
      { TopicArn: topic, MessageId: expect.any(String) as string, Message: 'second', Timestamp: new Date(NOW) },
    ]);
  });

  it('returns the existing topic, keeping its notifications, when a topic is created twice', () => {
    const sns = setup();
    const topic = sns.createTopic('alarms');
    sns.publish({ TopicArn: topic, Message: 'kept' });

    const again = sns.createTopic('alarms');

    expect(again).toBe(topic);
    expect(sns.notifications(topic).map(({ Message }) => Message)).toEqual(['kept']);
  });

  it('throws TopicNotFoundError when publishing to, or reading, a topic that does not exist', () => {
    const sns = setup();

    expect(() => sns.publish({ TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:nowhere`, Message: 'lost?' })).toThrow(TopicNotFoundError);
    expect(() => sns.notifications(`arn:aws:sns:${REGION}:${ACCOUNT}:nowhere`)).toThrow(TopicNotFoundError);
  });

  it.each([
    ['a subscription', { Subscription: [{ Protocol: 'email', Endpoint: 'oncall@example.com' }] }, /Subscription/],
    ['a FIFO topic', { FifoTopic: true }, /FifoTopic/],
    ['encryption', { KmsMasterKeyId: 'alias/aws/sns' }, /KmsMasterKeyId/],
  ])('refuses a topic with %s, naming the property', (_case, properties, name) => {
    expect(() => setup().createTopic('alarms', properties)).toThrow(UnsupportedTopicPropertyError);
    expect(() => setup().createTopic('alarms', properties)).toThrow(name);
  });
});
