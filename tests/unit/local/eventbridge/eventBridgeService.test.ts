import { AwsServiceError } from '../../../../local/edge/awsJsonProtocol';
import {
  EventBridgeService,
  TargetDeliveryError,
  type EventBridgeLogger,
  type TargetDeliveryContext,
  type TargetDispatcher,
} from '../../../../local/eventbridge';
import { NO_FAULTS, type DeliveryContext, type FaultPlan } from '../../../../local/faults';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const queueArn = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;

interface Delivered {
  arn: string;
  id: string;
  payload: string;
  context: TargetDeliveryContext;
}

/** Records every delivery; `failures` decides, per target ARN, what a delivery throws. */
class RecordingDispatcher implements TargetDispatcher {
  readonly delivered: Delivered[] = [];
  readonly attempts: string[] = [];
  failures = new Map<string, () => Error>();

  deliver(target: { arn: string; id: string }, payload: string, context: TargetDeliveryContext): Promise<void> {
    this.attempts.push(target.arn);
    const failure = this.failures.get(target.arn);
    if (failure) return Promise.reject(failure());
    this.delivered.push({ ...target, payload, context });
    return Promise.resolve();
  }

  to(arn: string): Delivered[] {
    return this.delivered.filter((delivery) => delivery.arn === arn);
  }
}

/** Plain mock properties (not methods), so assertions on them need no binding. */
const quietLogger = (): { warn: jest.Mock; error: jest.Mock } => ({ warn: jest.fn(), error: jest.fn() });

function setup(options: { faults?: FaultPlan; now?: () => Date } = {}) {
  const dispatcher = new RecordingDispatcher();
  const logger = quietLogger();
  const loggerPort: EventBridgeLogger = logger;
  const service = new EventBridgeService({
    accountId: ACCOUNT,
    region: REGION,
    dispatcher,
    logger: loggerPort,
    retryDelayMs: () => 0,
    ...options,
  });
  return { service, dispatcher, logger };
}

function awsError(action: () => unknown): AwsServiceError {
  try {
    action();
  } catch (error) {
    if (error instanceof AwsServiceError) return error;
    throw error;
  }
  throw new Error('expected an AwsServiceError');
}

const orderPlaced = (bus = 'ordering', detail: object = { orderId: 'o-1' }) => ({
  EventBusName: bus,
  Source: 'order',
  DetailType: 'OrderPlaced',
  Detail: JSON.stringify(detail),
});

/** A bus with one rule matching `source: order` and a queue target. */
function withSubscription(service: EventBridgeService, target: Record<string, unknown> = {}) {
  service.createEventBus({ Name: 'ordering' });
  const { RuleArn } = service.putRule({ Name: 'payment-orders', EventBusName: 'ordering', EventPattern: '{"source":["order"]}' });
  service.putTargets({ Rule: 'payment-orders', EventBusName: 'ordering', Targets: [{ Id: 'queue', Arn: queueArn('payment'), ...target }] });
  return RuleArn;
}

describe('EventBridgeService routing', () => {
  it('delivers a matching event to the targets of the rules on its bus only', async () => {
    const { service, dispatcher } = setup();
    withSubscription(service);
    service.putRule({ Name: 'same-pattern-on-default', EventPattern: '{"source":["order"]}' });
    service.putTargets({ Rule: 'same-pattern-on-default', Targets: [{ Id: 'other', Arn: queueArn('default-consumer') }] });

    service.putEvents([orderPlaced('ordering'), { ...orderPlaced(), Source: 'payment' }]);
    await service.whenIdle();

    expect(dispatcher.to(queueArn('payment'))).toHaveLength(1);
    expect(dispatcher.to(queueArn('default-consumer'))).toHaveLength(0);
  });

  it('accepts the bus as an ARN', async () => {
    const { service, dispatcher } = setup();
    withSubscription(service);

    service.putEvents([orderPlaced(`arn:aws:events:${REGION}:${ACCOUNT}:event-bus/ordering`)]);
    await service.whenIdle();

    expect(dispatcher.to(queueArn('payment'))).toHaveLength(1);
  });

  it('returns before any target sees the event', async () => {
    const { service, dispatcher } = setup();
    withSubscription(service);

    service.putEvents([orderPlaced()]);

    expect(dispatcher.attempts).toHaveLength(0);
    await service.whenIdle();
    expect(dispatcher.attempts).toHaveLength(1);
  });

  it('builds the full envelope AWS delivers, with the time to the second', async () => {
    const { service, dispatcher } = setup({ now: () => new Date('2026-03-01T10:20:30.456Z') });
    const ruleArn = withSubscription(service);

    const { Entries } = service.putEvents([{ ...orderPlaced(), Resources: ['arn:aws:order:o-1'] }]);
    await service.whenIdle();

    const [delivery] = dispatcher.to(queueArn('payment'));
    const event = JSON.parse(delivery?.payload ?? '') as Record<string, unknown>;
    expect(Object.keys(event)).toEqual(['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);
    expect(event).toEqual({
      version: '0',
      id: Entries[0]?.EventId,
      'detail-type': 'OrderPlaced',
      source: 'order',
      account: ACCOUNT,
      time: '2026-03-01T10:20:30Z',
      region: REGION,
      resources: ['arn:aws:order:o-1'],
      detail: { orderId: 'o-1' },
    });
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(delivery?.context).toEqual({ ruleArn, event });
  });

  it('uses the entry Time when one is given (epoch seconds on the wire)', async () => {
    const { service, dispatcher } = setup();
    withSubscription(service);

    service.putEvents([{ ...orderPlaced(), Time: Date.parse('2026-01-02T03:04:05Z') / 1000 }]);
    await service.whenIdle();

    expect((JSON.parse(dispatcher.delivered[0]?.payload ?? '') as { time: string }).time).toBe('2026-01-02T03:04:05Z');
  });

  it('skips a disabled rule and delivers again once it is enabled', async () => {
    const { service, dispatcher } = setup();
    withSubscription(service);

    service.disableRule({ Name: 'payment-orders', EventBusName: 'ordering' });
    service.putEvents([orderPlaced()]);
    await service.whenIdle();
    expect(dispatcher.delivered).toHaveLength(0);

    service.enableRule({ Name: 'payment-orders', EventBusName: 'ordering' });
    service.putEvents([orderPlaced()]);
    await service.whenIdle();
    expect(dispatcher.delivered).toHaveLength(1);
  });

  it('delivers what InputPath selects', async () => {
    const { service, dispatcher } = setup();
    withSubscription(service, { InputPath: '$.detail' });

    service.putEvents([orderPlaced()]);
    await service.whenIdle();

    expect(dispatcher.delivered[0]?.payload).toBe('{"orderId":"o-1"}');
  });

  it('delivers what an InputTransformer renders, with the rule name and ARN', async () => {
    const { service, dispatcher } = setup();
    const ruleArn = withSubscription(service, {
      InputTransformer: {
        InputPathsMap: { order: '$.detail.orderId', type: '$.detail-type' },
        InputTemplate: '{"order": <order>, "what": "<type> by <aws.events.rule-name>", "rule": <aws.events.rule-arn>}',
      },
    });

    service.putEvents([orderPlaced()]);
    await service.whenIdle();

    expect(JSON.parse(dispatcher.delivered[0]?.payload ?? '')).toEqual({ order: 'o-1', what: 'OrderPlaced by payment-orders', rule: ruleArn });
  });

  it('passes a FIFO target its message group id', async () => {
    const { service, dispatcher } = setup();
    withSubscription(service);
    service.putTargets({
      Rule: 'payment-orders',
      EventBusName: 'ordering',
      Targets: [{ Id: 'fifo', Arn: queueArn('payment.fifo'), SqsParameters: { MessageGroupId: 'orders' } }],
    });

    service.putEvents([orderPlaced()]);
    await service.whenIdle();

    expect(dispatcher.to(queueArn('payment.fifo'))[0]?.context.messageGroupId).toBe('orders');
  });

  it('tells onEvent listeners about every accepted event and the rules it matched', () => {
    const { service } = setup();
    const ruleArn = withSubscription(service);
    const seen: unknown[] = [];
    const unsubscribe = service.onEvent((accepted) => seen.push({ bus: accepted.eventBusName, rules: accepted.matchedRuleArns }));

    service.putEvents([orderPlaced(), { ...orderPlaced(), Source: 'nobody-listens' }, { ...orderPlaced(), Detail: '[]' }]);
    unsubscribe();
    service.putEvents([orderPlaced()]);

    expect(seen).toEqual([
      { bus: 'ordering', rules: [ruleArn] },
      { bus: 'ordering', rules: [] },
    ]);
  });
});

describe('EventBridgeService PutEvents entry errors', () => {
  it('answers per entry, positionally, and counts the failures instead of failing the call', () => {
    const { service } = setup();
    withSubscription(service);

    const result = service.putEvents([
      orderPlaced(),
      { ...orderPlaced(), Detail: undefined },
      { ...orderPlaced(), Detail: '["not an object"]' },
      { ...orderPlaced(), Detail: '{not json' },
      { ...orderPlaced(), DetailType: '' },
      orderPlaced('no-such-bus'),
      { ...orderPlaced(), Source: 'aws.ec2' },
    ]);

    expect(result.FailedEntryCount).toBe(6);
    expect(result.Entries.map((entry) => entry.ErrorCode)).toEqual([
      undefined,
      'InvalidArgument',
      'InvalidArgument',
      'InvalidArgument',
      'InvalidArgument',
      'ResourceNotFoundException',
      'NotAuthorizedForSourceException',
    ]);
    expect(result.Entries[0]?.EventId).toEqual(expect.any(String));
    expect(result.Entries[1]?.ErrorMessage).toContain('Detail');
    expect(result.Entries[5]?.ErrorMessage).toBe('Event bus no-such-bus does not exist.');
  });

  it('refuses more than 10 entries for the whole call', () => {
    const { service } = setup();

    expect(awsError(() => service.putEvents(Array.from({ length: 11 }, () => orderPlaced('default')))).code).toBe('ValidationException');
  });
});

describe('EventBridgeService retries and dead-letter queues', () => {
  const dlq = queueArn('delivery-dlq');

  it('retries a failed delivery up to MaximumRetryAttempts, then sends the event to the DLQ with AWS attributes', async () => {
    const { service, dispatcher } = setup();
    const ruleArn = withSubscription(service, { RetryPolicy: { MaximumRetryAttempts: 2 }, DeadLetterConfig: { Arn: dlq } });
    dispatcher.failures.set(queueArn('payment'), () => new Error('queue is unavailable'));

    service.putEvents([orderPlaced()]);
    await service.whenIdle();

    expect(dispatcher.attempts.filter((arn) => arn === queueArn('payment'))).toHaveLength(3);
    const [deadLetter] = dispatcher.to(dlq);
    expect(JSON.parse(deadLetter?.payload ?? '')).toMatchObject({ source: 'order', detail: { orderId: 'o-1' } });
    expect(deadLetter?.context.messageAttributes).toEqual({
      ERROR_CODE: 'SDK_CLIENT_ERROR',
      ERROR_MESSAGE: 'queue is unavailable',
      RULE_ARN: ruleArn,
      TARGET_ARN: queueArn('payment'),
      RETRY_ATTEMPTS: '2',
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
    });
    expect(service.undeliverable).toEqual([]);
  });

  it('succeeds on a retry without touching the DLQ', async () => {
    const { service, dispatcher } = setup();
    withSubscription(service, { DeadLetterConfig: { Arn: dlq } });
    let failuresLeft = 2;
    dispatcher.failures.set(queueArn('payment'), () => {
      if (--failuresLeft === 0) dispatcher.failures.delete(queueArn('payment'));
      return new Error('flaky');
    });

    service.putEvents([orderPlaced()]);
    await service.whenIdle();

    expect(dispatcher.to(queueArn('payment'))).toHaveLength(1);
    expect(dispatcher.to(dlq)).toHaveLength(0);
  });

  it('dead-letters a missing target at once, without retries or an exhausted condition', async () => {
    const { service, dispatcher } = setup();
    withSubscription(service, { DeadLetterConfig: { Arn: dlq } });
    dispatcher.failures.set(queueArn('payment'), () => Object.assign(new Error('no queue'), { name: 'QueueDoesNotExist' }));

    service.putEvents([orderPlaced()]);
    await service.whenIdle();

    expect(dispatcher.attempts.filter((arn) => arn === queueArn('payment'))).toHaveLength(1);
    expect(dispatcher.to(dlq)[0]?.context.messageAttributes).toMatchObject({ ERROR_CODE: 'NO_RESOURCE', RETRY_ATTEMPTS: '0' });
    expect(dispatcher.to(dlq)[0]?.context.messageAttributes).not.toHaveProperty('EXHAUSTED_RETRY_CONDITION');
  });

  it('takes the error code from a TargetDeliveryError', async () => {
    const { service, dispatcher } = setup();
    withSubscription(service, { DeadLetterConfig: { Arn: dlq } });
    dispatcher.failures.set(queueArn('payment'), () => new TargetDeliveryError('NO_PERMISSIONS', 'denied', false));

    service.putEvents([orderPlaced()]);
    await service.whenIdle();

    expect(dispatcher.to(dlq)[0]?.context.messageAttributes).toMatchObject({ ERROR_CODE: 'NO_PERMISSIONS', ERROR_MESSAGE: 'denied' });
  });

  it('stops retrying once the event is older than MaximumEventAgeInSeconds', async () => {
    let now = new Date('2026-03-01T10:00:00Z');
    const { service, dispatcher } = setup({ now: () => now });
    withSubscription(service, { RetryPolicy: { MaximumEventAgeInSeconds: 60 }, DeadLetterConfig: { Arn: dlq } });
    dispatcher.failures.set(queueArn('payment'), () => {
      now = new Date(now.getTime() + 61_000);
      return new Error('down');
    });

    service.putEvents([orderPlaced()]);
    await service.whenIdle();

    expect(dispatcher.to(dlq)[0]?.context.messageAttributes).toMatchObject({
      EXHAUSTED_RETRY_CONDITION: 'MaximumEventAgeInSeconds',
      RETRY_ATTEMPTS: '0',
    });
  });

  it('records and logs a failed delivery that has no DLQ instead of dropping it', async () => {
    const { service, dispatcher, logger } = setup();
    withSubscription(service, { RetryPolicy: { MaximumRetryAttempts: 0 } });
    dispatcher.failures.set(queueArn('payment'), () => new Error('down'));

    service.putEvents([orderPlaced()]);
    await service.whenIdle();

    expect(service.undeliverable).toEqual([
      expect.objectContaining({ targetArn: queueArn('payment'), errorCode: 'SDK_CLIENT_ERROR', reason: 'no-dead-letter-queue' }),
    ]);
    expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('no dead-letter queue'), expect.anything());
  });

  it('records an event whose DLQ refuses it too', async () => {
    const { service, dispatcher } = setup();
    withSubscription(service, { RetryPolicy: { MaximumRetryAttempts: 0 }, DeadLetterConfig: { Arn: dlq } });
    dispatcher.failures.set(queueArn('payment'), () => new Error('down'));
    dispatcher.failures.set(dlq, () => new Error('dlq down'));

    service.putEvents([orderPlaced()]);
    await service.whenIdle();

    expect(service.undeliverable[0]?.reason).toBe('dead-letter-queue-failed');
    expect(service.undeliverable[0]?.errorMessage).toContain('dlq down');
  });
});

describe('EventBridgeService faults', () => {
  it('asks the fault plan for copies and a delay once per (rule, target) delivery', async () => {
    const contexts: DeliveryContext[] = [];
    const faults: FaultPlan = {
      ...NO_FAULTS,
      deliveryCopies: (context) => {
        contexts.push(context);
        return 2;
      },
      deliveryDelayMs: () => 1,
    };
    const { service, dispatcher } = setup({ faults });
    const ruleArn = withSubscription(service);
    service.putTargets({ Rule: 'payment-orders', EventBusName: 'ordering', Targets: [{ Id: 'audit', Arn: queueArn('audit') }] });

    service.putEvents([orderPlaced()]);
    await service.whenIdle();

    expect(contexts).toEqual([
      { ruleArn, targetArn: queueArn('payment'), detailType: 'OrderPlaced' },
      { ruleArn, targetArn: queueArn('audit'), detailType: 'OrderPlaced' },
    ]);
    expect(dispatcher.to(queueArn('payment'))).toHaveLength(2);
    expect(dispatcher.to(queueArn('audit'))).toHaveLength(2);
  });

  it('holds a copy back by the delay the plan gives, reordering deliveries', async () => {
    const faults: FaultPlan = {
      ...NO_FAULTS,
      deliveryDelayMs: (context) => (context.detailType === 'OrderPlaced' ? 30 : 0),
    };
    const { service, dispatcher } = setup({ faults });
    withSubscription(service);

    service.putEvents([orderPlaced(), { ...orderPlaced(), DetailType: 'OrderCancelled' }]);
    await service.whenIdle();

    expect(dispatcher.delivered.map((delivery) => delivery.context.event['detail-type'])).toEqual(['OrderCancelled', 'OrderPlaced']);
  });
});

describe('EventBridgeService buses and rules', () => {
  it('always has the default bus and lists buses by prefix', () => {
    const { service } = setup();
    service.createEventBus({ Name: 'ordering-dev' });
    service.createEventBus({ Name: 'audit' });

    expect(service.listEventBuses().EventBuses.map((bus) => bus.Name)).toEqual(['audit', 'default', 'ordering-dev']);
    expect(service.listEventBuses({ NamePrefix: 'ord' }).EventBuses).toEqual([
      expect.objectContaining({ Name: 'ordering-dev', Arn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/ordering-dev` }),
    ]);
  });

  it('refuses a bus that exists, a missing bus and deleting the default bus with AWS codes', () => {
    const { service } = setup();
    service.createEventBus({ Name: 'ordering' });

    expect(awsError(() => service.createEventBus({ Name: 'ordering' })).code).toBe('ResourceAlreadyExistsException');
    expect(awsError(() => service.describeEventBus({ Name: 'missing' })).code).toBe('ResourceNotFoundException');
    expect(awsError(() => service.deleteEventBus({ Name: 'default' })).code).toBe('ValidationException');
  });

  it('refuses bus features the local cloud does not run, naming them', () => {
    const { service } = setup();

    const error = awsError(() => service.createEventBus({ Name: 'partner', EventSourceName: 'aws.partner/x' }));

    expect(error.message).toContain('EventSourceName is not supported by the local cloud');
  });

  it('builds rule ARNs as AWS does for the default and custom buses', () => {
    const { service } = setup();
    service.createEventBus({ Name: 'ordering' });

    expect(service.putRule({ Name: 'r', EventPattern: '{"source":["x"]}' }).RuleArn).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:rule/r`);
    expect(service.putRule({ Name: 'r', EventBusName: 'ordering', EventPattern: '{"source":["x"]}' }).RuleArn).toBe(
      `arn:aws:events:${REGION}:${ACCOUNT}:rule/ordering/r`,
    );
  });

  it('accepts a pattern object, as a CloudFormation template holds it', () => {
    const { service } = setup();

    service.putRule({ Name: 'r', EventPattern: { source: [{ prefix: '' }] } });

    expect(service.describeRule({ Name: 'r' }).EventPattern).toBe('{"source":[{"prefix":""}]}');
  });

  it('refuses an invalid pattern with the matcher message and a schedule as unsupported', () => {
    const { service } = setup();

    const invalid = awsError(() => service.putRule({ Name: 'r', EventPattern: '{"source":"order"}' }));
    const scheduled = awsError(() => service.putRule({ Name: 'r', ScheduleExpression: 'rate(5 minutes)' }));

    expect(invalid.code).toBe('InvalidEventPatternException');
    expect(invalid.message).toMatch(/^Event pattern is not valid\. Reason:/);
    expect(scheduled.code).toBe('ValidationException');
    expect(scheduled.message).toContain('ScheduleExpression (rate(5 minutes)) is not supported by the local cloud');
  });

  it('keeps a rule that still has targets, as AWS does, and deletes it once they are removed', () => {
    const { service } = setup();
    withSubscription(service);

    expect(awsError(() => service.deleteRule({ Name: 'payment-orders', EventBusName: 'ordering' })).message).toBe(
      "Rule can't be deleted since it has targets.",
    );
    service.removeTargets({ Rule: 'payment-orders', EventBusName: 'ordering', Ids: ['queue'] });
    service.deleteRule({ Name: 'payment-orders', EventBusName: 'ordering' });

    expect(service.listRules({ EventBusName: 'ordering' }).Rules).toEqual([]);
  });

  it('keeps its targets when a rule is put again', () => {
    const { service } = setup();
    withSubscription(service);

    service.putRule({ Name: 'payment-orders', EventBusName: 'ordering', EventPattern: '{"source":["order","payment"]}', State: 'DISABLED' });

    expect(service.listTargetsByRule({ Rule: 'payment-orders', EventBusName: 'ordering' }).Targets).toEqual([{ Id: 'queue', Arn: queueArn('payment') }]);
    expect(service.describeRule({ Name: 'payment-orders', EventBusName: 'ordering' }).State).toBe('DISABLED');
  });

  it.each([
    ['EcsParameters', { EcsParameters: { TaskDefinitionArn: 'arn:aws:ecs:x' } }],
    ['HttpParameters', { HttpParameters: { HeaderParameters: {} } }],
    ['RunCommandParameters', { RunCommandParameters: { RunCommandTargets: [] } }],
    ['SqsParameters.MessageGroupId', { SqsParameters: { MessageGroupId: 'g' } }],
  ])('refuses the unsupported target setting %s, naming the rule and target', (feature, extra) => {
    const { service } = setup();
    service.putRule({ Name: 'r', EventPattern: '{"source":["x"]}' });

    const error = awsError(() => service.putTargets({ Rule: 'r', Targets: [{ Id: 't', Arn: queueArn('q'), ...extra }] }));

    expect(error.code).toBe('ValidationException');
    expect(error.message).toContain('rule r, target t');
    expect(error.message).toContain(feature);
  });

  it('refuses a FIFO queue as dead-letter queue and more than five targets on a rule', () => {
    const { service } = setup();
    service.putRule({ Name: 'r', EventPattern: '{"source":["x"]}' });
    const targets = Array.from({ length: 6 }, (_, i) => ({ Id: `t${i}`, Arn: queueArn(`q${i}`) }));

    expect(awsError(() => service.putTargets({ Rule: 'r', Targets: [{ Id: 't', Arn: queueArn('q'), DeadLetterConfig: { Arn: queueArn('d.fifo') } }] })).code).toBe(
      'ValidationException',
    );
    expect(awsError(() => service.putTargets({ Rule: 'r', Targets: targets })).code).toBe('LimitExceededException');
  });
});

describe('EventBridgeService TestEventPattern', () => {
  const event = {
    id: 'e-1',
    account: ACCOUNT,
    source: 'order',
    time: '2026-01-01T00:00:00Z',
    region: REGION,
    resources: [],
    'detail-type': 'OrderPlaced',
    detail: { total: 12 },
  };

  it('answers whether the pattern matches a full envelope', () => {
    const { service } = setup();

    expect(service.testEventPattern({ EventPattern: '{"detail":{"total":[{"numeric":[">",10]}]}}', Event: JSON.stringify(event) })).toEqual({ Result: true });
    expect(service.testEventPattern({ EventPattern: '{"source":["payment"]}', Event: JSON.stringify(event) })).toEqual({ Result: false });
  });

  it('refuses an event without the mandatory envelope fields', () => {
    const { service } = setup();
    const withoutId: Partial<typeof event> = { ...event };
    delete withoutId.id;

    const error = awsError(() => service.testEventPattern({ EventPattern: '{"source":["order"]}', Event: JSON.stringify(withoutId) }));

    expect(error.code).toBe('ValidationException');
    expect(error.message).toContain('Parameter Event is not valid.');
  });
});

describe('EventBridgeService stop', () => {
  it('abandons pending deliveries loudly, resolves whenIdle and refuses new events', async () => {
    const { service, logger } = setup({ faults: { ...NO_FAULTS, deliveryDelayMs: () => 60_000 } });
    withSubscription(service);
    service.putEvents([orderPlaced()]);
    const idle = service.whenIdle();

    service.stop();

    await expect(idle).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('1 delivery(ies) pending'), expect.anything());
    expect(awsError(() => service.putEvents([orderPlaced()])).code).toBe('InternalFailure');
  });
});
