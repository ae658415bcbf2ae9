/**
 * The local cloud's AWS endpoints through the real SDK clients, as a developer points them at the edge URL:
 * EventBridge (pattern testing, the bus and its rules, attaching one's own subscription), Step Functions (the
 * order workflow's execution and history) and SQS (queues and dead-letter queues).
 */
import {
  DeleteRuleCommand,
  EventBridgeClient,
  InvalidEventPatternException,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  TestEventPatternCommand,
  type Rule,
} from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SFNClient,
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { placeOrder } from '../../scripts/orders';
import { ROOT } from '../../scripts/stacks';
import { packagedSubscriptions } from '../../scripts/subscriptions';
import { ACCOUNT_ID, BUS_NAME, eventually, ORDER_TIMEOUT_MS, REGION, useE2eCloud } from './support/e2eCloud';
import { packagedNames, packagedResources } from './support/stores';

// Start-up and one order through its workflow.
jest.setTimeout(240_000);

const SERVICE_STACKS = ['order', 'payment', 'inventory', 'shipping'] as const;
const runId = Date.now().toString(36);

const e2e = useE2eCloud('awsEndpoints');
const events = () => e2e.client(EventBridgeClient);
const sfn = () => e2e.client(SFNClient);
const sqs = () => e2e.client(SQSClient);

/** A complete event as EventBridge delivers it: TestEventPattern wants every envelope field. */
const orderPlacedEvent = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'OrderPlaced',
  source: 'ordering.order',
  account: ACCOUNT_ID,
  time: '2026-01-01T12:00:00Z',
  region: REGION,
  resources: [],
  detail: { metadata: { 'correlation-id': 'ord_TestEventPattern01' }, data: { orderId: 'ord_TestEventPattern01', total: { amount: 5800, currency: 'EUR' } } },
};

describe('EventBridge', () => {
  it('tests an event pattern: a match is true', async () => {
    const { Result } = await events().send(
      new TestEventPatternCommand({
        EventPattern: JSON.stringify({ source: ['ordering.order'], 'detail-type': ['OrderPlaced'], detail: { data: { total: { amount: [{ numeric: ['>', 1000] }] } } } }),
        Event: JSON.stringify(orderPlacedEvent),
      }),
    );

    expect(Result).toBe(true);
  });

  it('tests an event pattern: a miss is false', async () => {
    const { Result } = await events().send(
      new TestEventPatternCommand({
        EventPattern: JSON.stringify({ source: ['ordering.order'], 'detail-type': ['OrderCancelled'] }),
        Event: JSON.stringify(orderPlacedEvent),
      }),
    );

    expect(Result).toBe(false);
  });

  it('refuses an invalid pattern with InvalidEventPatternException', async () => {
    const invalid = events().send(new TestEventPatternCommand({ EventPattern: JSON.stringify({ source: 'ordering.order' }), Event: JSON.stringify(orderPlacedEvent) }));

    await expect(invalid).rejects.toBeInstanceOf(InvalidEventPatternException);
  });

  it('lists the platform’s bus', async () => {
    const { EventBuses = [] } = await events().send(new ListEventBusesCommand({}));

    expect(EventBuses.map((bus) => bus.Name)).toContain(BUS_NAME);
    expect(EventBuses.find((bus) => bus.Name === BUS_NAME)?.Arn).toBe(`arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/${BUS_NAME}`);
  });

  it('lists every service’s subscription rule on that bus, with the packaged pattern', async () => {
    const rules: Rule[] = [];
    let NextToken: string | undefined;
    do {
      const page = await events().send(new ListRulesCommand({ EventBusName: BUS_NAME, NextToken }));
      rules.push(...(page.Rules ?? []));
      NextToken = page.NextToken;
    } while (NextToken);

    // Schedules are rules of the default bus, not of the ordering bus.
    const names = SERVICE_STACKS.flatMap((stack) => packagedResources(stack, 'AWS::Events::Rule'))
      .filter(([, properties]) => properties.ScheduleExpression === undefined)
      .map(([, properties]) => String(properties.Name));
    expect(names.length).toBeGreaterThanOrEqual(SERVICE_STACKS.length);
    expect(rules.map((rule) => rule.Name)).toEqual(expect.arrayContaining(names));
    for (const subscription of packagedSubscriptions()) {
      const name = packagedResources(subscription.stack, 'AWS::Events::Rule').find(([logicalId]) => logicalId === subscription.rule)?.[1].Name;
      const listed = rules.find((rule) => rule.Name === name);
      expect({ name, state: listed?.State, pattern: JSON.parse(listed?.EventPattern ?? 'null') as unknown }).toEqual({ name, state: 'ENABLED', pattern: subscription.pattern });
    }
  });

  it('delivers to a subscription of one’s own: rule → SQS queue, then takes it away again', async () => {
    const queueName = `e2e-subscriber-${runId}`;
    const ruleName = `e2e-subscriber-${runId}`;
    const { QueueUrl } = await sqs().send(new CreateQueueCommand({ QueueName: queueName }));
    const { Attributes } = await sqs().send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    const queueArn = Attributes?.QueueArn;
    expect(queueArn).toBe(`arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${queueName}`);

    const { RuleArn } = await events().send(
      new PutRuleCommand({ Name: ruleName, EventBusName: BUS_NAME, EventPattern: JSON.stringify({ source: ['e2e.subscriber'], 'detail-type': ['ThingHappened'] }) }),
    );
    expect(RuleArn).toBe(`arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${BUS_NAME}/${ruleName}`);
    const targets = await events().send(new PutTargetsCommand({ Rule: ruleName, EventBusName: BUS_NAME, Targets: [{ Id: 'queue', Arn: queueArn }] }));
    expect(targets.FailedEntryCount).toBe(0);

    const put = await events().send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: BUS_NAME, Source: 'e2e.subscriber', DetailType: 'SomethingElse', Detail: JSON.stringify({ run: runId, n: 0 }) },
          { EventBusName: BUS_NAME, Source: 'e2e.subscriber', DetailType: 'ThingHappened', Detail: JSON.stringify({ run: runId, n: 1 }) },
        ],
      }),
    );
    expect(put.FailedEntryCount).toBe(0);
    expect(put.Entries?.every((entry) => typeof entry.EventId === 'string')).toBe(true);

    // Long polling, as a consumer would: no fixed sleep.
    const received: Message[] = [];
    await eventually(
      async () => {
        const { Messages = [] } = await sqs().send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }));
        received.push(...Messages);
        expect(received.length).toBeGreaterThan(0);
      },
      { timeoutMs: 30_000, intervalMs: 0 },
    );
    const delivered = received.map((message) => JSON.parse(message.Body ?? '{}') as Record<string, unknown>);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({
      source: 'e2e.subscriber',
      'detail-type': 'ThingHappened',
      detail: { run: runId, n: 1 },
      account: ACCOUNT_ID,
      region: REGION,
      id: put.Entries?.[1]?.EventId,
    });

    const removed = await events().send(new RemoveTargetsCommand({ Rule: ruleName, EventBusName: BUS_NAME, Ids: ['queue'] }));
    expect(removed.FailedEntryCount).toBe(0);
    expect((await events().send(new ListTargetsByRuleCommand({ Rule: ruleName, EventBusName: BUS_NAME }))).Targets ?? []).toEqual([]);
    await events().send(new DeleteRuleCommand({ Name: ruleName, EventBusName: BUS_NAME }));
    const { Rules = [] } = await events().send(new ListRulesCommand({ EventBusName: BUS_NAME, NamePrefix: ruleName }));
    expect(Rules).toEqual([]);
    await sqs().send(new DeleteQueueCommand({ QueueUrl }));
    await expect(sqs().send(new GetQueueUrlCommand({ QueueName: queueName }))).rejects.toBeInstanceOf(QueueDoesNotExist);
  });
});

describe('Step Functions', () => {
  const ORDER_MACHINE = 'ordering-order-dev-order';
  const executionArn = (orderId: string) => `arn:aws:states:${REGION}:${ACCOUNT_ID}:execution:${ORDER_MACHINE}:order-${orderId}`;

  it('lists every packaged state machine', async () => {
    const { stateMachines = [] } = await sfn().send(new ListStateMachinesCommand({}));
    const names = packagedNames(SERVICE_STACKS, 'AWS::StepFunctions::StateMachine', 'StateMachineName');

    expect(names).toContain(ORDER_MACHINE);
    expect(stateMachines.map((machine) => machine.name).sort()).toEqual([...names].sort());
    const order = stateMachines.find((machine) => machine.name === ORDER_MACHINE);
    expect(order).toMatchObject({ stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT_ID}:stateMachine:${ORDER_MACHINE}`, type: 'STANDARD' });
    expect(order?.creationDate).toBeInstanceOf(Date);
  });

  it('describes an order’s execution and its history as AWS does', async () => {
    const sample = JSON.parse(readFileSync(path.join(ROOT, 'services/order/events/order-request.json'), 'utf8')) as unknown;
    const idempotencyKey = `e2e-step-functions-${runId}`;
    const before = Date.now();
    const token = await e2e.cloud.identity.issueToken({ subject: 'cus_e2e_sfn' });
    const { orderId } = await placeOrder(e2e.cloud.httpUrl, token, sample, idempotencyKey);

    const running = await sfn().send(new DescribeExecutionCommand({ executionArn: executionArn(orderId) }));
    expect(running).toMatchObject({
      executionArn: executionArn(orderId),
      stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT_ID}:stateMachine:${ORDER_MACHINE}`,
      name: `order-${orderId}`,
      status: expect.stringMatching(/^(RUNNING|SUCCEEDED)$/) as unknown,
    });
    expect(running.startDate).toBeInstanceOf(Date);
    expect(running.startDate?.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect(running.startDate?.getTime()).toBeLessThanOrEqual(Date.now() + 1_000);
    expect(JSON.parse(running.input ?? '')).toMatchObject({ orderId, causationId: idempotencyKey, timeouts: expect.any(Object) as unknown });

    // The execution ends when the order completes; poll the API itself for it.
    const finished = await eventually(
      async (): Promise<DescribeExecutionCommandOutput> => {
        const described = await sfn().send(new DescribeExecutionCommand({ executionArn: executionArn(orderId) }));
        expect(described.status).not.toBe('RUNNING');
        return described;
      },
      { timeoutMs: ORDER_TIMEOUT_MS, intervalMs: 500 },
    );
    expect(finished.status).toBe('SUCCEEDED');
    expect(finished.stopDate).toBeInstanceOf(Date);
    expect(finished.stopDate?.getTime()).toBeGreaterThanOrEqual(finished.startDate?.getTime() ?? Infinity);
    expect(() => JSON.parse(finished.output ?? '') as unknown).not.toThrow();

    const history: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn().send(new GetExecutionHistoryCommand({ executionArn: executionArn(orderId), nextToken }));
      history.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(history.length).toBeGreaterThan(2);
    expect(history[0]).toMatchObject({ id: 1, type: 'ExecutionStarted' });
    expect(JSON.parse(history[0]?.executionStartedEventDetails?.input ?? '')).toEqual(JSON.parse(running.input ?? ''));
    expect(history.at(-1)?.type).toBe('ExecutionSucceeded');
    expect(history.every((event) => event.timestamp instanceof Date)).toBe(true);
    expect(history.map((event) => event.id)).toEqual(history.map((_, index) => index + 1));
    expect(history.map((event) => event.type)).toEqual(expect.arrayContaining(['TaskStateEntered', 'TaskScheduled', 'TaskSucceeded']));
  });

  it('answers ExecutionDoesNotExist for an execution nobody started', async () => {
    await expect(sfn().send(new DescribeExecutionCommand({ executionArn: executionArn('ord_NobodyPlacedThis000') }))).rejects.toBeInstanceOf(ExecutionDoesNotExist);
  });
});

describe('SQS', () => {
  const CONSUMER_QUEUE = 'ordering-payment-dev-onOrderPlaced';

  it('finds a packaged queue by name', async () => {
    const { QueueUrl } = await sqs().send(new GetQueueUrlCommand({ QueueName: CONSUMER_QUEUE }));

    expect(QueueUrl).toMatch(new RegExp(`/${ACCOUNT_ID}/${CONSUMER_QUEUE}$`));
  });

  it('reads a dead-letter queue’s attributes: empty, and the redrive target of its queue', async () => {
    const { QueueUrl: dlqUrl } = await sqs().send(new GetQueueUrlCommand({ QueueName: `${CONSUMER_QUEUE}-dlq` }));
    const dlq = await sqs().send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['All'] }));
    const { QueueUrl } = await sqs().send(new GetQueueUrlCommand({ QueueName: CONSUMER_QUEUE }));
    const queue = await sqs().send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['RedrivePolicy'] }));

    expect(dlq.Attributes).toMatchObject({ ApproximateNumberOfMessages: '0', QueueArn: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${CONSUMER_QUEUE}-dlq` });
    expect(JSON.parse(queue.Attributes?.RedrivePolicy ?? '{}')).toMatchObject({ deadLetterTargetArn: dlq.Attributes?.QueueArn });
  });
});
