import { NO_API_FAULT, type ApiCall, type ApiFault } from '../../local/faults';
import { createSeededFaultPlan, seededRandom, type SeededFaultOptions, type SeededFaultPlan } from '../../local/seededFaults';

const delivery = (detailType: string, rule = 'arn:aws:events:eu-west-1:000000000000:rule/ordering-dev/payment-onOrderPlaced') => ({
  ruleArn: rule,
  targetArn: 'arn:aws:sqs:eu-west-1:000000000000:ordering-payment-dev-onOrderPlaced',
  detailType,
});
const QUEUE = 'arn:aws:sqs:eu-west-1:000000000000:ordering-payment-dev-onOrderPlaced';
const DLQ = 'arn:aws:sqs:eu-west-1:000000000000:ordering-payment-dev-onOrderPlaced-dlq';
const everyFunction = () => true;

/** Every hook called in a fixed order, as a record of what the plan decided. */
const decisions = (options: SeededFaultOptions, calls = 200) => {
  const plan = createSeededFaultPlan(options);
  return Array.from({ length: calls }, () => [
    plan.deliveryCopies(delivery('OrderPlaced')),
    plan.deliveryDelayMs(delivery('OrderPlaced')),
    plan.invocationFault('ordering-payment-dev-chargePayment'),
    plan.visibilityTimeoutOverride(QUEUE),
  ]);
};

const busy: SeededFaultOptions = {
  seed: 7,
  duplicateRate: 0.3,
  reorderRate: 0.3,
  transientErrorRate: 0.1,
  throttleRate: 0.1,
  visibilityExpiryRate: 0.2,
  retriedSafely: everyFunction,
};

describe('seededRandom', () => {
  it('returns the same sequence when the seed and stream are the same', () => {
    const a = seededRandom(42, 'mix');
    const b = seededRandom(42, 'mix');
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
  });

  it('returns different sequences when the seeds differ', () => {
    expect(seededRandom(1)()).not.toBe(seededRandom(2)());
  });

  it('returns numbers in [0, 1) spread over the interval', () => {
    const random = seededRandom('spread');
    const draws = Array.from({ length: 10_000 }, random);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(draws.reduce((sum, x) => sum + x, 0) / draws.length).toBeCloseTo(0.5, 1);
  });
});

describe('createSeededFaultPlan', () => {
  it('injects the same faults when the seed and the calls are the same', () => {
    expect(decisions(busy)).toEqual(decisions(busy));
  });

  it('injects other faults when the seed differs', () => {
    expect(decisions({ ...busy, seed: 8 })).not.toEqual(decisions(busy));
  });

  it("keeps one subject's faults when another subject's traffic interleaves differently", () => {
    // Arrange
    const alone = createSeededFaultPlan(busy);
    const interleaved = createSeededFaultPlan(busy);

    // Act
    const aloneFaults = Array.from({ length: 100 }, () => alone.invocationFault('fn-a'));
    const interleavedFaults = Array.from({ length: 100 }, (_, i) => {
      for (let n = 0; n < i % 3; n++) interleaved.invocationFault('fn-b');
      return interleaved.invocationFault('fn-a');
    });

    // Assert
    expect(interleavedFaults).toEqual(aloneFaults);
  });

  it('duplicates about the configured share of deliveries, into 2 to maxCopies copies', () => {
    const plan = createSeededFaultPlan({ seed: 1, duplicateRate: 0.3, maxCopies: 4 });
    const copies = Array.from({ length: 5_000 }, () => plan.deliveryCopies(delivery('OrderPlaced')));
    const duplicated = copies.filter((n) => n > 1);
    expect(duplicated.length / copies.length).toBeCloseTo(0.3, 1);
    expect(new Set(duplicated)).toEqual(new Set([2, 3, 4]));
    expect(plan.stats()).toMatchObject({ duplicatedDeliveries: duplicated.length, extraCopies: duplicated.reduce((sum, n) => sum + n - 1, 0) });
  });

  it('holds back about the configured share of copies, by 1 to maxDelayMs', () => {
    const plan = createSeededFaultPlan({ seed: 1, reorderRate: 0.3, maxDelayMs: 500 });
    const delays = Array.from({ length: 5_000 }, () => plan.deliveryDelayMs(delivery('PaymentSucceeded')));
    const delayed = delays.filter((ms) => ms > 0);
    expect(delayed.length / delays.length).toBeCloseTo(0.3, 1);
    expect(Math.min(...delayed)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...delayed)).toBeLessThanOrEqual(500);
    expect(plan.stats().delayedDeliveries).toBe(delayed.length);
  });

  it('fails and throttles about the configured shares of invocations when the function is retried safely', () => {
    const plan = createSeededFaultPlan({ seed: 3, transientErrorRate: 0.05, throttleRate: 0.02, retriedSafely: everyFunction });
    const faults = Array.from({ length: 20_000 }, () => plan.invocationFault('ordering-order-dev-advanceOrder'));
    expect(faults.filter((f) => f === 'transient-error').length / faults.length).toBeCloseTo(0.05, 2);
    expect(faults.filter((f) => f === 'throttle').length / faults.length).toBeCloseTo(0.02, 2);
    expect(plan.stats().byFunction['ordering-order-dev-advanceOrder']).toEqual({
      transientErrors: faults.filter((f) => f === 'transient-error').length,
      throttles: faults.filter((f) => f === 'throttle').length,
      lostReplies: 0,
    });
  });

  it('never faults an invocation when no caller of the function retries it', () => {
    // Arrange
    const plan = createSeededFaultPlan({ seed: 3, transientErrorRate: 0.5, throttleRate: 0.5, retriedSafely: (name) => name !== 'ordering-inventory-dev-seedStock' });

    // Act
    const faults = Array.from({ length: 100 }, () => plan.invocationFault('ordering-inventory-dev-seedStock'));

    // Assert
    expect(new Set(faults)).toEqual(new Set(['none']));
    expect(plan.stats()).toMatchObject({ transientErrors: 0, throttles: 0, sparedInvocations: 100 });
  });

  it('never faults an invocation when no retried functions are named', () => {
    const plan = createSeededFaultPlan({ seed: 3, transientErrorRate: 1 });
    expect(plan.invocationFault('ordering-order-dev-placeOrder')).toBe('none');
  });

  it('expires visibility early on about the configured share of receives, only on the queues allowed', () => {
    // Arrange
    const plan = createSeededFaultPlan({ seed: 5, visibilityExpiryRate: 0.2, visibilityExpirySeconds: 1, expireVisibilityOn: (arn) => !arn.endsWith('-dlq') });

    // Act
    const overrides = Array.from({ length: 5_000 }, () => plan.visibilityTimeoutOverride(QUEUE));
    const onDlq = Array.from({ length: 100 }, () => plan.visibilityTimeoutOverride(DLQ));

    // Assert
    expect(overrides.filter((seconds) => seconds === 1).length / overrides.length).toBeCloseTo(0.2, 1);
    expect(overrides.filter((seconds) => seconds !== 1 && seconds !== undefined)).toEqual([]);
    expect(new Set(onDlq)).toEqual(new Set([undefined]));
    expect(plan.stats().visibilityExpiries).toBe(overrides.filter((seconds) => seconds === 1).length);
  });

  it('loses about the configured share of replies, only of the functions named', () => {
    // Arrange
    const plan = createSeededFaultPlan({ seed: 4, replyLossRate: 0.1, replyLossOn: (name) => name === 'ordering-order-dev-advanceOrder' });

    // Act
    const lost = Array.from({ length: 5_000 }, () => plan.replyLost('ordering-order-dev-advanceOrder'));
    const elsewhere = Array.from({ length: 100 }, () => plan.replyLost('ordering-inventory-dev-seedStock'));

    // Assert
    expect(lost.filter(Boolean).length / lost.length).toBeCloseTo(0.1, 1);
    expect(elsewhere.some(Boolean)).toBe(false);
    expect(plan.stats().lostReplies).toBe(lost.filter(Boolean).length);
  });

  it('counts the deliveries and faultable invocations it decided on, the bases of the rates it reports', () => {
    // Arrange
    const plan = createSeededFaultPlan({ ...busy, retriedSafely: (name) => name === 'ordering-payment-dev-chargePayment' });

    // Act
    for (let n = 0; n < 300; n++) plan.deliveryCopies(delivery('OrderPlaced'));
    for (let n = 0; n < 40; n++) plan.invocationFault('ordering-payment-dev-chargePayment');
    for (let n = 0; n < 25; n++) plan.invocationFault('ordering-inventory-dev-seedStock');
    plan.setEnabled(false);
    plan.deliveryCopies(delivery('OrderPlaced'));
    plan.invocationFault('ordering-payment-dev-chargePayment');

    // Assert
    const stats = plan.stats();
    expect(stats.deliveries).toBe(300);
    expect(stats.faultableInvocations).toBe(40);
    expect(stats.duplicatedDeliveries / stats.deliveries).toBeCloseTo(0.3, 1);
  });

  it('injects nothing while disabled, and again once enabled', () => {
    // Arrange
    const plan = createSeededFaultPlan({ ...busy, duplicateRate: 1, reorderRate: 1, transientErrorRate: 1, throttleRate: 0, visibilityExpiryRate: 1 });

    // Act
    plan.setEnabled(false);
    const disabled = [plan.deliveryCopies(delivery('OrderPlaced')), plan.deliveryDelayMs(delivery('OrderPlaced')), plan.invocationFault('fn'), plan.visibilityTimeoutOverride(QUEUE)];
    plan.setEnabled(true);
    const enabled = plan.invocationFault('fn');

    // Assert
    expect(disabled).toEqual([1, 0, 'none', undefined]);
    expect(enabled).toBe('transient-error');
  });

  it('refuses a rate when it is not between 0 and 1', () => {
    expect(() => createSeededFaultPlan({ seed: 1, duplicateRate: 1.5 })).toThrow(/duplicateRate/);
    expect(() => createSeededFaultPlan({ seed: 1, transientErrorRate: 0.7, throttleRate: 0.7 })).toThrow(/must not exceed 1/);
  });

  it('hands out a copy of its counters, not the live object', () => {
    const plan = createSeededFaultPlan({ ...busy, transientErrorRate: 1, throttleRate: 0 });
    const before = plan.stats();
    plan.invocationFault('fn');
    expect(before.transientErrors).toBe(0);
    expect(plan.stats().transientErrors).toBe(1);
  });
});

const dynamoCall = (operation: string, table = 'ordering-order-dev-orders'): ApiCall => ({ service: 'dynamodb', operation, input: { TableName: table } });
const putEvents = (entries: number): ApiCall => ({
  service: 'events',
  operation: 'PutEvents',
  input: { Entries: Array.from({ length: entries }, () => ({ EventBusName: 'ordering-dev', Source: 'ordering.order', DetailType: 'OrderPlaced', Detail: '{}' })) },
});
const apiCount = (plan: SeededFaultPlan, service: string, fault: string) => plan.stats().api.find((count) => count.service === service && count.fault === fault);

describe('createSeededFaultPlan API faults', () => {
  it('throttles, fails and loses the replies of about the configured shares of DynamoDB requests, each counted against its base', () => {
    // Arrange
    const plan = createSeededFaultPlan({ seed: 11, dynamodbThrottleRate: 0.05, dynamodbThroughputExceededRate: 0.03, dynamodbInternalErrorRate: 0.02, dynamodbReplyLossRate: 0.04 });

    // Act
    const writes = Array.from({ length: 20_000 }, () => plan.apiFault(dynamoCall('UpdateItem')));
    const reads = Array.from({ length: 5_000 }, () => plan.apiFault(dynamoCall('GetItem')));

    // Assert
    const share = (faults: ApiFault[], wanted: ApiFault) => faults.filter((fault) => JSON.stringify(fault) === JSON.stringify(wanted)).length / faults.length;
    expect(share(writes, { kind: 'error', error: 'ThrottlingException' })).toBeCloseTo(0.05, 2);
    expect(share(writes, { kind: 'error', error: 'ProvisionedThroughputExceededException' })).toBeCloseTo(0.03, 2);
    expect(share(writes, { kind: 'error', error: 'InternalServerError' })).toBeCloseTo(0.02, 2);
    expect(share(writes, { kind: 'reply-lost' })).toBeCloseTo(0.04, 2);
    expect(reads.some((fault) => fault.kind === 'reply-lost')).toBe(false);
    expect(apiCount(plan, 'dynamodb', 'ThrottlingException')).toMatchObject({ base: 25_000, of: 'DynamoDB requests' });
    expect(apiCount(plan, 'dynamodb', 'reply lost after the write landed')).toMatchObject({
      base: 20_000,
      of: 'DynamoDB writes',
      injected: writes.filter((fault) => fault.kind === 'reply-lost').length,
      byOperation: { UpdateItem: writes.filter((fault) => fault.kind === 'reply-lost').length },
    });
  });

  it('fails about the configured share of PutEvents entries, at their own positions, when the request is not throttled', () => {
    // Arrange
    const plan = createSeededFaultPlan({ seed: 12, putEventsThrottleRate: 0.1, putEventsEntryFailureRate: 0.2 });

    // Act
    const faults = Array.from({ length: 5_000 }, () => plan.apiFault(putEvents(4)));

    // Assert
    const failedEntries = faults.flatMap((fault) => (fault.kind === 'failed-entries' ? fault.entries : []));
    expect(faults.filter((fault) => fault.kind === 'error').length / faults.length).toBeCloseTo(0.1, 1);
    expect(new Set(failedEntries.map((entry) => entry.index))).toEqual(new Set([0, 1, 2, 3]));
    expect(new Set(failedEntries.map((entry) => entry.errorCode))).toEqual(new Set(['InternalFailure']));
    const entriesDecided = apiCount(plan, 'events', 'entries InternalFailure');
    expect(entriesDecided?.base).toBe(4 * faults.filter((fault) => fault.kind !== 'error').length);
    expect(failedEntries.length / (entriesDecided?.base ?? 1)).toBeCloseTo(0.2, 1);
    expect(entriesDecided?.injected).toBe(failedEntries.length);
  });

  it('throttles only StartExecution and the SendTask* calls of Step Functions', () => {
    const plan = createSeededFaultPlan({ seed: 13, sfnThrottleRate: 1 });

    const faulted = ['StartExecution', 'SendTaskSuccess', 'SendTaskFailure', 'SendTaskHeartbeat', 'DescribeExecution', 'GetExecutionHistory'].map((operation) => [
      operation,
      plan.apiFault({ service: 'states', operation, input: { stateMachineArn: 'arn:aws:states:eu-west-1:000000000000:stateMachine:order' } }).kind,
    ]);

    expect(Object.fromEntries(faulted)).toEqual({
      StartExecution: 'error',
      SendTaskSuccess: 'error',
      SendTaskFailure: 'error',
      SendTaskHeartbeat: 'error',
      DescribeExecution: 'none',
      GetExecutionHistory: 'none',
    });
  });

  it('faults only SQS sends and deletes, and counts the event source mappings’ deletes as an operation of their own', () => {
    // Arrange
    const plan = createSeededFaultPlan({ seed: 14, sqsThrottleRate: 0.5, sqsInternalErrorRate: 0.5 });
    const queue = { QueueUrl: 'http://localhost:4566/000000000000/ordering-payment-dev-onOrderPlaced' };

    // Act
    const receive = plan.apiFault({ service: 'sqs', operation: 'ReceiveMessage', input: queue });
    const sends = ['SendMessage', 'SendMessageBatch', 'DeleteMessage'].map((operation) => plan.apiFault({ service: 'sqs', operation, input: queue }));
    const pollerDelete = plan.apiFault({ service: 'sqs', operation: 'DeleteMessageBatch', input: queue, caller: 'event-source-mapping' });

    // Assert
    expect(receive).toEqual(NO_API_FAULT);
    expect([...sends, pollerDelete].every((fault) => fault.kind === 'error')).toBe(true);
    const byOperation = { ...apiCount(plan, 'sqs', 'RequestThrottled')?.byOperation, ...apiCount(plan, 'sqs', 'InternalFailure')?.byOperation };
    expect(Object.keys(byOperation).sort()).toEqual(['DeleteMessage', 'SendMessage', 'SendMessageBatch', 'event source mapping DeleteMessageBatch']);
  });

  it('never faults a call that apiFaultsOn spares, nor counts it', () => {
    const plan = createSeededFaultPlan({ seed: 15, dynamodbThrottleRate: 1, apiFaultsOn: (call) => call.accessKeyId !== 'chaos-runner' });

    const spared = plan.apiFault({ ...dynamoCall('Scan'), accessKeyId: 'chaos-runner' });
    const faulted = plan.apiFault({ ...dynamoCall('Scan'), accessKeyId: 'local' });

    expect(spared).toEqual(NO_API_FAULT);
    expect(faulted).toEqual({ kind: 'error', error: 'ThrottlingException' });
    expect(apiCount(plan, 'dynamodb', 'ThrottlingException')).toMatchObject({ base: 1, injected: 1 });
  });

  it("keeps one table's faults when another table's traffic interleaves differently", () => {
    // Arrange
    const options: SeededFaultOptions = { seed: 16, dynamodbThrottleRate: 0.2, dynamodbInternalErrorRate: 0.2 };
    const alone = createSeededFaultPlan(options);
    const interleaved = createSeededFaultPlan(options);

    // Act
    const aloneFaults = Array.from({ length: 100 }, () => alone.apiFault(dynamoCall('PutItem', 'orders')));
    const interleavedFaults = Array.from({ length: 100 }, (_, i) => {
      for (let n = 0; n < i % 3; n++) interleaved.apiFault(dynamoCall('PutItem', 'stock'));
      return interleaved.apiFault(dynamoCall('PutItem', 'orders'));
    });

    // Assert
    expect(interleavedFaults).toEqual(aloneFaults);
  });

  it('injects no API fault while disabled', () => {
    const plan = createSeededFaultPlan({ seed: 17, dynamodbThrottleRate: 1, putEventsEntryFailureRate: 1 });

    plan.setEnabled(false);

    expect([plan.apiFault(dynamoCall('PutItem')), plan.apiFault(putEvents(3))]).toEqual([NO_API_FAULT, NO_API_FAULT]);
    expect(plan.stats().api.every((count) => count.base === 0 && count.injected === 0)).toBe(true);
  });

  it('refuses API fault rates of one service that add up to more than 1', () => {
    expect(() => createSeededFaultPlan({ seed: 1, dynamodbThrottleRate: 0.6, dynamodbReplyLossRate: 0.6 })).toThrow(/dynamodb/);
    expect(() => createSeededFaultPlan({ seed: 1, putEventsEntryFailureRate: 2 })).toThrow(/putEventsEntryFailureRate/);
  });
});
