import { DEFAULT_OPTIONS, runChaos, type ChaosReport } from '../../scripts/chaos/runChaos';

/**
 * A small chaos run inside `npm test`: a fresh local cloud from the packaged templates, a fixed seed, every
 * kind of fault the seeded plan injects (lost replies included), malformed messages, duplicated POSTs. 20
 * orders, all in flight at once: about 30 s on an idle 2-CPU machine, 45–90 s on one shared with other builds. Most of it is the carrier
 * scenarios' own waits (a lost parcel ends at the 10 s dispatch timeout, a stuck one at the 20 s delivery
 * timeout), which fewer orders would not shorten. `npm run chaos -- --orders 1000` is the big run.
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
      // Higher than the CLI's defaults, so that a run this small still injects every kind of fault.
      throttleRate: 0.03,
      visibilityExpiryRate: 0.2,
      quietTimeoutMs: 120_000,
    });
  }, 300_000);

  it('keeps every invariant of DESIGN.md when deliveries are duplicated and reordered, invocations fail or lose their replies and visibility expires', () => {
    expect(report.invariants.violations).toEqual([]);
    expect(report.clientViolations).toEqual([]);
    expect(report.invariants.orders.total).toBe(ORDERS);
  });

  it('injects every kind of fault when the run is seeded', () => {
    expect(report.faults.duplicatedDeliveries).toBeGreaterThan(0);
    expect(report.faults.delayedDeliveries).toBeGreaterThan(0);
    expect(report.faults.transientErrors).toBeGreaterThan(0);
    expect(report.faults.throttles).toBeGreaterThan(0);
    expect(report.faults.visibilityExpiries).toBeGreaterThan(0);
    expect(report.faults.lostReplies).toBeGreaterThan(0);
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
