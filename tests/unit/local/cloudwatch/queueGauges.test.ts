import { queueGauges } from '../../../../local/cloudwatch/queueGauges';
import { SqsService } from '../../../../local/sqs/sqsService';

const ACCOUNT = '000000000000';
const REGION = 'eu-west-1';
const START = Date.UTC(2026, 11, 8, 10, 0, 0);

/** A real queue service on a clock the test moves: a work queue and its DLQ, both redelivering after 1 s. */
const setup = () => {
  let time = START;
  const sqs = new SqsService({ accountId: ACCOUNT, region: REGION, endpoint: 'http://localhost:4566', now: () => time });
  const dlq = sqs.createQueue('work-dlq', { VisibilityTimeout: 1 });
  const work = sqs.createQueue('work', { VisibilityTimeout: 1, RedrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 } });
  return {
    sqs,
    work,
    dlq,
    advance: (seconds: number) => {
      time += seconds * 1000;
    },
    now: () => time,
  };
};

/** The gauges of one queue, by metric name. */
const gaugesOf = (sqs: SqsService, queueName: string, now: number): Record<string, number> =>
  Object.fromEntries(
    queueGauges(sqs, now)
      .filter(({ metric }) => metric.Dimensions[0]?.Value === queueName)
      .map(({ metric, value }) => [metric.MetricName, value]),
  );

describe('queueGauges', () => {
  it('reads zeros for an empty queue', () => {
    const { sqs, now } = setup();

    expect(gaugesOf(sqs, 'work', now())).toEqual({
      ApproximateNumberOfMessagesVisible: 0,
      ApproximateNumberOfMessagesNotVisible: 0,
      ApproximateNumberOfMessagesDelayed: 0,
      ApproximateAgeOfOldestMessage: 0,
    });
  });

  it('counts visible, in-flight and delayed messages, and the age in seconds of the oldest', async () => {
    const { sqs, work, advance, now } = setup();
    sqs.sendMessage(work.url, { MessageBody: 'oldest' });
    advance(30);
    sqs.sendMessage(work.url, { MessageBody: 'received' });
    sqs.sendMessage(work.url, { MessageBody: 'delayed', DelaySeconds: 60 });
    advance(12);
    await sqs.receiveMessage(work.url, { MaxNumberOfMessages: 1, VisibilityTimeout: 30 });

    expect(gaugesOf(sqs, 'work', now())).toEqual({
      ApproximateNumberOfMessagesVisible: 1,
      ApproximateNumberOfMessagesNotVisible: 1,
      ApproximateNumberOfMessagesDelayed: 1,
      ApproximateAgeOfOldestMessage: 42,
    });
  });

  it('skips a message received three times or more in the age of a work queue, but not of a dead-letter queue', async () => {
    const { sqs, work, dlq, advance, now } = setup();
    sqs.sendMessage(work.url, { MessageBody: 'poison' });
    sqs.sendMessage(dlq.url, { MessageBody: 'dead letter' });
    for (let receive = 0; receive < 3; receive++) {
      await sqs.receiveMessage(work.url, { MaxNumberOfMessages: 1 });
      await sqs.receiveMessage(dlq.url, { MaxNumberOfMessages: 1 });
      advance(2);
    }
    advance(100);
    sqs.sendMessage(work.url, { MessageBody: 'fresh' });
    advance(10);

    expect(sqs.listMessages(dlq.url).map(({ Attributes }) => Attributes.ApproximateReceiveCount)).toEqual(['3']);
    expect(gaugesOf(sqs, 'work', now()).ApproximateAgeOfOldestMessage).toBe(10);
    expect(gaugesOf(sqs, 'work-dlq', now()).ApproximateAgeOfOldestMessage).toBe(116);
  });

  it('names each queue in the QueueName dimension of the AWS/SQS namespace, with the units AWS uses', () => {
    const { sqs, now } = setup();

    const gauges = queueGauges(sqs, now());

    expect(new Set(gauges.map(({ metric }) => `${metric.Namespace} ${metric.Dimensions.map(({ Name, Value }) => `${Name}=${Value}`).join()}`))).toEqual(
      new Set(['AWS/SQS QueueName=work', 'AWS/SQS QueueName=work-dlq']),
    );
    expect(gauges.find(({ metric }) => metric.MetricName === 'ApproximateAgeOfOldestMessage')?.unit).toBe('Seconds');
    expect(gauges.find(({ metric }) => metric.MetricName === 'ApproximateNumberOfMessagesVisible')?.unit).toBe('Count');
  });
});
