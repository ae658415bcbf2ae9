/**
 * `npm run demo`: the saga end to end on the local cloud. Places one order per scenario (success, payment
 * declined, out of stock, shipment timeout), each as its own signed-in customer, lets the simulated carrier
 * answer, prints each order's timeline
 * and a summary, and exits 0 only if every order reached its expected final state. `--verbose` shows the
 * functions' logs.
 */
import { ensurePackaged, startProjectCloud } from './localCloud';
import { SCENARIOS, placeOrder, timelineOf, waitForTerminal } from './orders';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const verbose = process.argv.includes('--verbose');
/** Longer than the slowest path: the dev stage's 10 s dispatch timeout plus cold starts. */
const ORDER_TIMEOUT_MS = 90_000;

const main = async () => {
  ensurePackaged();
  const started = Date.now();
  const cloud = await startProjectCloud({
    edgePort: 0,
    httpPort: 0,
    log: (source, line) => {
      if (verbose) console.log(`[${source}] ${line}`);
    },
  });
  try {
    const runId = Date.now().toString(36);
    const results = await Promise.all(
      SCENARIOS.map(async (scenario) => {
        // Signed in as the scenario's customer: the local issuer signs the ID token a browser would hold.
        const token = await cloud.identity.issueToken({ subject: scenario.customer });
        const placedAt = Date.now();
        const { orderId } = await placeOrder(cloud.httpUrl, token, scenario.body, `demo-${runId}-${scenario.name.replace(/ /g, '-')}`);
        const order = await waitForTerminal(cloud.httpUrl, token, orderId, ORDER_TIMEOUT_MS);
        return { scenario, orderId, order, seconds: (Date.now() - placedAt) / 1000 };
      }),
    );
    // Compensations (refunds, releases) follow the final status; give them a moment to reach the timeline.
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    for (const { scenario, orderId } of results) {
      console.log(`\n${scenario.name} — ${orderId}`);
      for (const entry of timelineOf(cloud.eventLog, orderId)) {
        console.log(`  +${(entry.atMs / 1000).toFixed(2).padStart(6)} s  ${entry.service.padEnd(10)} ${entry.event}`);
      }
    }

    const rows = results.map(({ scenario, orderId, order, seconds }) => {
      const ok = order.status === scenario.expected && (scenario.reason === undefined || order.cancellationReason === scenario.reason);
      return { ok, scenario: scenario.name, orderId, expected: [scenario.expected, scenario.reason].filter(Boolean).join(' / '), actual: [order.status, order.cancellationReason].filter(Boolean).join(' / '), seconds };
    });
    console.log('\n| scenario | order | expected | actual | seconds | |\n|---|---|---|---|---|---|');
    for (const row of rows) console.log(`| ${row.scenario} | ${row.orderId} | ${row.expected} | ${row.actual} | ${row.seconds.toFixed(1)} | ${row.ok ? 'ok' : 'FAILED'} |`);
    const failed = rows.filter((row) => !row.ok).length;
    console.log(`\n${rows.length - failed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    process.exitCode = failed === 0 ? 0 : 1;
  } finally {
    await cloud.stop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
