import { DEFAULT_OPTIONS, runChaos, type ChaosReport } from '../../scripts/chaos/runChaos';

/**
 * A small chaos run inside `npm test`: a fresh local cloud from the packaged templates, a fixed seed, every
 * kind of fault the seeded plan injects (lost replies and AWS API faults included), malformed messages,
 * duplicated POSTs. 20 orders, all in flight at once: about 30 s on an idle 2-CPU machine, 45–90 s on one
 * shared with other builds. Most of it is the carrier scenarios' own waits (a lost parcel ends at the 10 s
 * dispatch timeout, a stuck one at the 20 s delivery timeout), which fewer orders would not shorten.
 *
 * Two defaults are left out because their retry is an SQS redelivery one visibility timeout (60 s) later, which
 * would double the run: Lambda faults on SQS consumers (`sqs-redelivery`) and failed SQS deletes (the event
 * source mappings' deletes are most of the SQS calls). The tests of `local/` show both at work;
 * `npm run chaos -- --orders 1000` runs everything.
 */
const ORDERS = 20;
const SEED = 20261125;

describe('chaos', () => {
  let report: ChaosReport;

  beforeAll(async () => {
    report = await runChaos({
      ...DEFAULT_OPTIONS,
      orders: ORDERS,
      seed: SEED,
      concurrency: ORDERS,
      poison: 5,
      faultCallers: ['workflow-retry', 'http-client'],
      sqsThrottleRate: 0,
      sqsInternalErrorRate: 0,
      // Higher than the CLI's defaults, so that a run this small still injects every kind of fault.
      throttleRate: 0.03,
      visibilityExpiryRate: 0.2,
      dynamodbReplyLossRate: 0.04,
      putEventsEntryFailureRate: 0.05,
      sfnThrottleRate: 0.05,
      quietTimeoutMs: 120_000,
    });
  }, 300_000);

  it('keeps every invariant of DESIGN.md when deliveries are duplicated and reordered, invocations fail or lose their replies, visibility expires and AWS APIs fail', () => {
    expect(report.invariants.violations).toEqual([]);
    expect(report.clientViolations).toEqual([]);
    expect(report.outcomes.violations).toEqual([]);
    expect(report.invariants.orders.total).toBe(ORDERS);
  });

  it('injects every kind of fault when the run is seeded', () => {
    expect(report.faults.duplicatedDeliveries).toBeGreaterThan(0);
    expect(report.faults.delayedDeliveries).toBeGreaterThan(0);
    expect(report.faults.transientErrors).toBeGreaterThan(0);
    expect(report.faults.throttles).toBeGreaterThan(0);
    expect(report.faults.visibilityExpiries).toBeGreaterThan(0);
    expect(report.faults.lostReplies).toBeGreaterThan(0);
    const injected = (service: string, fault: string) => report.faults.api.find((count) => count.service === service && count.fault === fault)?.injected ?? 0;
    expect(injected('dynamodb', 'ThrottlingException')).toBeGreaterThan(0);
    expect(injected('dynamodb', 'ProvisionedThroughputExceededException')).toBeGreaterThan(0);
    expect(injected('dynamodb', 'InternalServerError')).toBeGreaterThan(0);
    expect(injected('dynamodb', 'reply lost after the write landed')).toBeGreaterThan(0);
    expect(injected('events', 'entries InternalFailure')).toBeGreaterThan(0);
    expect(injected('states', 'ThrottlingException')).toBeGreaterThan(0);
    expect(report.client.duplicatePosts).toBeGreaterThan(0);
    expect(new Set(report.poison.map((message) => message.kind)).size).toBe(5);
  });

  it('dead-letters every malformed message with its reason when the run sends them', () => {
    const poisonDeadLettered = report.invariants.deadLetters.reduce((sum, queue) => sum + queue.poison, 0);
    expect(poisonDeadLettered).toBeGreaterThanOrEqual(report.poison.length);
    expect(report.invariants.deadLetters.every((queue) => queue.withoutReason === 0)).toBe(true);
  });

  it('completes some orders and cancels others when the mix holds every kind of scenario', () => {
    expect(report.invariants.orders.completed).toBeGreaterThan(0);
    expect(Object.values(report.invariants.orders.cancelled).reduce((sum, n) => sum + n, 0)).toBeGreaterThan(0);
  });
});
