import { createSeededFaultPlan, seededRandom, type SeededFaultOptions } from '../../local/seededFaults';

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
