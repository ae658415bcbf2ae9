/**
 * `npm run bench [-- --orders N --concurrency C]`: the project's speed and memory figures, printed, never
 * asserted (a timed assertion fails on a busy machine and proves nothing on an idle one). Measures, on the
 * local cloud from the packaged templates:
 * - start-up: templates read, tables created, functions pre-warmed;
 * - POST /orders: time to the 202 answer, the JWT authorizer's check included;
 * - one order at a time: time from POST to COMPLETED (the simulated carrier's own pace, 1 s to dispatch and
 *   2 s more to deliver, is part of it);
 * - throughput: N successful orders, C in flight;
 * - memory: the process's resident set and heap once the orders are done;
 * and, with no cloud, the EventBridge matcher: every packaged rule against every catalog sample.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { eventMatcher, parseEventPattern } from '../local/eventbridge/eventPattern';
import { ensurePackaged, startProjectCloud } from './localCloud';
import { SCENARIOS, placeOrder, waitForTerminal, type Scenario } from './orders';
import { ROOT } from './stacks';
import { packagedSubscriptions } from './subscriptions';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const option = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(name);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} takes a positive whole number`);
  return value;
};

const ORDERS = option('--orders', 100);
const CONCURRENCY = option('--concurrency', 25);
const SEQUENTIAL_ORDERS = 10;
const ORDER_TIMEOUT_MS = 120_000;

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const ms = (value: number) => `${value.toFixed(0)} ms`;
const spread = (values: readonly number[]) => `p50 ${ms(percentile(values, 50))}, p95 ${ms(percentile(values, 95))}, max ${ms(Math.max(...values))}`;
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

const success = SCENARIOS.find((scenario) => scenario.expected === 'COMPLETED') as Scenario;

/** Every packaged subscription pattern against every catalog sample, repeated until it has run a second. */
const benchMatcher = () => {
  const patterns = packagedSubscriptions().map(({ pattern }) => parseEventPattern(pattern));
  const samplesDir = path.join(ROOT, 'shared/contracts/samples');
  const events = readdirSync(samplesDir).map((file) => JSON.parse(readFileSync(path.join(samplesDir, file), 'utf8')) as object);
  let evaluations = 0;
  const started = performance.now();
  while (performance.now() - started < 1_000) {
    for (const event of events) {
      const matches = eventMatcher(event);
      for (const pattern of patterns) matches(pattern);
      evaluations += patterns.length;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { patterns: patterns.length, events: events.length, perSecond: evaluations / seconds };
};

const main = async () => {
  ensurePackaged();
  const matcher = benchMatcher();

  const startedAt = performance.now();
  const cloud = await startProjectCloud({ edgePort: 0, httpPort: 0, log: () => undefined });
  const startupMs = performance.now() - startedAt;
  const runId = Date.now().toString(36);
  try {
    // One signed-in customer places every order, as a busy shop's regular would; signing is not measured.
    const token = await cloud.identity.issueToken({ subject: success.customer });
    const posts: number[] = [];
    const place = async (key: string) => {
      const before = performance.now();
      const { orderId } = await placeOrder(cloud.httpUrl, token, success.body, key);
      posts.push(performance.now() - before);
      return orderId;
    };

    const sequential: number[] = [];
    for (let n = 0; n < SEQUENTIAL_ORDERS; n++) {
      const before = performance.now();
      const order = await waitForTerminal(cloud.httpUrl, token, await place(`bench-${runId}-one-${String(n)}`), ORDER_TIMEOUT_MS);
      if (order.status !== 'COMPLETED') throw new Error(`order ${order.orderId} ended ${order.status}`);
      sequential.push(performance.now() - before);
    }

    let next = 0;
    let completed = 0;
    const batchStarted = performance.now();
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, ORDERS) }, async () => {
        for (let n = next++; n < ORDERS; n = next++) {
          const order = await waitForTerminal(cloud.httpUrl, token, await place(`bench-${runId}-many-${String(n)}`), ORDER_TIMEOUT_MS);
          if (order.status === 'COMPLETED') completed++;
        }
      }),
    );
    const batchSeconds = (performance.now() - batchStarted) / 1000;
    const memory = process.memoryUsage();

    const rows: [string, string][] = [
      ['local cloud start-up (6 stacks, functions pre-warmed)', ms(startupMs)],
      ['POST /orders → 202', spread(posts)],
      [`one order at a time, POST → COMPLETED (${SEQUENTIAL_ORDERS} orders)`, spread(sequential)],
      [`${ORDERS} orders, ${CONCURRENCY} in flight`, `${(ORDERS / batchSeconds).toFixed(2)} orders/s (${batchSeconds.toFixed(1)} s; ${completed} completed)`],
      ['memory after the orders (whole process)', `rss ${megabytes(memory.rss)}, heap ${megabytes(memory.heapUsed)}`],
      [`EventBridge matcher (${matcher.patterns} rules × ${matcher.events} samples)`, `${Math.round(matcher.perSecond).toLocaleString('en')} pattern evaluations/s`],
    ];
    console.log('| measure | figure |\n|---|---|');
    for (const [measure, figure] of rows) console.log(`| ${measure} | ${figure} |`);
    console.log(`\n${cpus().length} CPU(s) ${cpus()[0]?.model ?? ''}, Node ${process.version}`);
  } finally {
    await cloud.stop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
