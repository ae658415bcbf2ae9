import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { LambdaFunctionError } from '../../local/lambda/invoker';
import type { LambdaRuntime } from '../../local/lambda/lambdaRuntime';
import { createSeededFaultPlan, type FaultStats, type SeededFaultPlan } from '../../local/seededFaults';
import { STOCK_SEED } from '../../services/inventory/src/domain/stockSeed';
import { listQueueUrls, queueNameOf } from '../dlqTools';
import { findViolations, isDeadLetterQueueName, readStores, tablesOf, type InvariantReport, type StoreClients, type StoreSnapshot } from '../invariants';
import { STAGE, startProjectCloud } from '../localCloud';
import { readPackagedTemplate, STACKS } from '../stacks';
import { planOrders, type PlannedOrder } from './orderMix';
import { judgeOutcomes, type OrderResult, type OutcomeVerdicts } from './orderOutcomes';
import { sendPoison, type PoisonMessage } from './poison';
import { retriedFunctions, type Retrier } from './retriedFunctions';

export interface ChaosOptions {
  orders: number;
  seed: number | string;
  duplicateRate: number;
  maxCopies: number;
  reorderRate: number;
  maxDelayMs: number;
  transientErrorRate: number;
  throttleRate: number;
  visibilityExpiryRate: number;
  /**
   * Share of invocations that run but whose caller hears `Sandbox.Timedout` (a function that overran its
   * timeout after its writes landed). The functions `faultCallers` retry get it: workflows retry it
   * (services/common.yml transientErrors), queues redeliver, HTTP clients repeat with their key, so what it
   * measures is whether each function is safe to run again after it already ran.
   */
  replyLossRate: number;
  /** Malformed messages sent to the bus and the queues during the run. */
  poison: number;
  /** Orders in flight at once: a new one is placed when one ends. */
  concurrency: number;
  /** Share of orders whose POST is sent 2–3 times at once with the same Idempotency-Key. */
  duplicatePostRate: number;
  /** Whose retries Lambda faults may rely on (see retriedFunctions.ts); a function no listed caller retries is spared. */
  faultCallers: readonly Retrier[];
  /**
   * AWS API faults, answered by the edge to the functions' SDK clients, per request (every SDK retry draws
   * again; see local/seededFaults.ts): DynamoDB throttling, throughput exceeded, internal errors and replies
   * lost after a write; PutEvents throttled and single entries failed; Step Functions StartExecution and
   * SendTask* throttled; SQS sends and deletes (the event source mappings' too) throttled or failed. The
   * run's own requests (orders watched, poison sent, stores read) are never faulted.
   */
  dynamodbThrottleRate: number;
  dynamodbThroughputExceededRate: number;
  dynamodbInternalErrorRate: number;
  dynamodbReplyLossRate: number;
  putEventsThrottleRate: number;
  putEventsEntryFailureRate: number;
  sfnThrottleRate: number;
  sqsThrottleRate: number;
  sqsInternalErrorRate: number;
  /** Longest wait for the system to go quiet once every order ended, and longest stretch with no order ending. */
  quietTimeoutMs: number;
  /** Local cloud and function output; dropped when absent. */
  log?: (source: string, line: string) => void;
  /** Progress lines. */
  progress?: (line: string) => void;
}

export const DEFAULT_OPTIONS: ChaosOptions = {
  orders: 100,
  seed: 1,
  duplicateRate: 0.35,
  maxCopies: 3,
  reorderRate: 0.3,
  maxDelayMs: 2_000,
  transientErrorRate: 0.05,
  throttleRate: 0.02,
  visibilityExpiryRate: 0.05,
  replyLossRate: 0.02,
  poison: 10,
  concurrency: 25,
  duplicatePostRate: 0.1,
  // Every caller that retries, SQS consumers included: their retry is a redelivery one visibility timeout later
  // (60 s), which makes a run minutes longer, and which every saga wait is sized to outlast (services/common.yml).
  faultCallers: ['workflow-retry', 'http-client', 'sqs-redelivery'],
  dynamodbThrottleRate: 0.02,
  dynamodbThroughputExceededRate: 0.02,
  dynamodbInternalErrorRate: 0.02,
  dynamodbReplyLossRate: 0.02,
  putEventsThrottleRate: 0.02,
  putEventsEntryFailureRate: 0.02,
  sfnThrottleRate: 0.02,
  sqsThrottleRate: 0.02,
  sqsInternalErrorRate: 0.02,
  quietTimeoutMs: 600_000,
};

export type { OrderResult } from './orderOutcomes';

/** The access key the run's own SDK clients sign with: the fault plan spares their requests by it. */
const RUNNER_ACCESS_KEY_ID = 'chaos-runner';

/**
 * The run's own clients: the same as the invariant checker's (`storeClients`), signed with the run's access
 * key. Watching orders, sending poison and reading the stores are the test's requests, not the system's: a
 * fault there would be a failure of the test.
 */
const runnerClients = (endpoint: string): StoreClients => {
  const config = { endpoint, region: 'eu-west-1', credentials: { accessKeyId: RUNNER_ACCESS_KEY_ID, secretAccessKey: 'local' } };
  return { dynamo: DynamoDBDocumentClient.from(new DynamoDBClient(config)), sqs: new SQSClient(config), sfn: new SFNClient(config) };
};

export interface ChaosReport {
  options: Omit<ChaosOptions, 'log' | 'progress'>;
  faults: FaultStats;
  client: { posts: number; duplicatePosts: number; retriedPosts: number };
  poison: PoisonMessage[];
  invariants: InvariantReport;
  /** What the run itself saw go wrong at the API (a duplicate POST answered with another order, a refused request). */
  clientViolations: string[];
  results: OrderResult[];
  /** The orders that ended other than their scenario intends: each a saga timeout, or a violation. */
  outcomes: OutcomeVerdicts;
  timings: { startupMs: number; placingMs: number; quietMs: number; checkMs: number; totalMs: number; ordersPerSecond: number };
  /** Functions never faulted, and why. */
  spared: Record<string, string>;
  /** What the invariants were checked on, for a closer look at a violation (`--json`). */
  snapshot: StoreSnapshot;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for `promise`, at most `ms`; the timer is cleared either way, so nothing outlives the run. */
const atMost = async (promise: Promise<unknown>, ms: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
};
const isTransientStatus = (status: number) => status >= 500 || status === 429;

/**
 * POST /orders as a careful client does, signed in as the order's customer: a 5xx, a 429 or a dropped
 * connection is retried with the same key.
 */
const postOrder = async (httpUrl: string, token: string, order: PlannedOrder): Promise<{ orderId: string; retries: number }> => {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${httpUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': order.idempotencyKey, authorization: `Bearer ${token}` },
      body: JSON.stringify(order.body),
    }).catch((error: unknown) => error as Error);
    if (!(response instanceof Error)) {
      const answer = (await response.json().catch(() => ({}))) as { orderId?: string; message?: string };
      if (response.status === 202 && answer.orderId) return { orderId: answer.orderId, retries: attempt };
      if (!isTransientStatus(response.status)) throw new Error(`POST /orders (${order.idempotencyKey}) answered ${response.status}: ${JSON.stringify(answer)}`);
    }
    if (attempt >= 8) throw new Error(`POST /orders (${order.idempotencyKey}) kept failing: ${response instanceof Error ? response.message : response.status}`);
    // Exponential backoff with full jitter: retrying at once only adds to whatever made the API fail.
    await sleep(Math.random() * Math.min(10_000, 200 * 2 ** attempt));
  }
};

/**
 * Reads order statuses straight from the table (no Lambda in the way) and wakes whoever waits on one; on the
 * way, samples the stock counts, since "never negative" is about every moment, not only the last.
 */
const watchOrders = (clients: StoreClients, stage: string) => {
  const waiting = new Map<string, () => void>();
  const terminal = new Set<string>();
  const lowestStock: Record<string, number> = {};
  const stopped = new AbortController();
  const scanOnce = async () => {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await clients.dynamo.send(
        new ScanCommand({ TableName: tablesOf(stage).orders, ProjectionExpression: 'orderId, #status', ExpressionAttributeNames: { '#status': 'status' }, ExclusiveStartKey: startKey }),
      );
      for (const item of page.Items ?? []) {
        if (item.status === 'COMPLETED' || item.status === 'CANCELLED') terminal.add(String(item.orderId));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    for (const [orderId, wake] of waiting) {
      if (terminal.has(orderId)) {
        waiting.delete(orderId);
        wake();
      }
    }
    const { Items = [] } = await clients.dynamo.send(new ScanCommand({ TableName: tablesOf(stage).stock, ProjectionExpression: 'sku, available' }));
    for (const { sku, available } of Items as { sku: string; available: number }[]) lowestStock[sku] = Math.min(lowestStock[sku] ?? available, available);
  };
  const loop = (async () => {
    while (!stopped.signal.aborted) {
      // A failed scan (the edge busy under load) is simply tried again on the next tick.
      if (waiting.size > 0) await scanOnce().catch(() => undefined);
      await sleep(1_000);
    }
  })();
  return {
    untilTerminal: (orderId: string) => (terminal.has(orderId) ? Promise.resolve() : new Promise<void>((resolve) => waiting.set(orderId, resolve))),
    pending: () => waiting.size,
    lowestStock: () => ({ ...lowestStock }),
    stop: async () => {
      stopped.abort();
      await loop;
    },
  };
};

/** Whether every consumer queue is empty (DLQs aside): nothing visible, in flight or delayed. */
const queuesEmpty = async (clients: StoreClients): Promise<boolean> => {
  for (const url of (await listQueueUrls(clients.sqs)).filter((candidate) => !isDeadLetterQueueName(queueNameOf(candidate)))) {
    const { Attributes = {} } = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    const count = (['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] as const).reduce(
      (sum, name) => sum + Number(Attributes[name] ?? 0),
      0,
    );
    if (count > 0) return false;
  }
  return true;
};

/**
 * The local HTTP API reports every failed invocation on stderr; the injected ones are expected, and counted
 * in the fault table instead. Anything else still gets through.
 */
const muteInjectedErrors = (): (() => void) => {
  const original = console.error;
  console.error = (...args: unknown[]) => {
    if (args.some((arg) => String(arg).includes('(injected'))) return;
    original(...args);
  };
  return () => {
    console.error = original;
  };
};

/**
 * A lost reply happens after the function ran, which no FaultPlan hook can express (they all act before it
 * runs): the runtime's invoke is wrapped instead. Step Functions, the event source mappings and the HTTP API
 * all call the runtime through this one method, so each of them sees the timeout.
 */
const loseReplies = (lambda: LambdaRuntime, faults: SeededFaultPlan) => {
  const invoke = lambda.invoke.bind(lambda);
  lambda.invoke = async (functionNameOrArn, payload) => {
    const result = await invoke(functionNameOrArn, payload);
    const functionName = functionNameOrArn.replace(/^arn:aws:lambda:[^:]+:[^:]+:function:/, '').replace(/:(\$LATEST|\d+)$/, '');
    if (faults.replyLost(functionName)) throw new LambdaFunctionError('Sandbox.Timedout', 'Task timed out (injected: the function ran, its reply was lost)');
    return result;
  };
};

/**
 * One chaos run: a fresh local cloud with a seeded fault plan, N orders mixing every scenario (some POSTs
 * duplicated), malformed messages on the bus and in the queues, a wait until the system is quiet, then
 * every invariant of DESIGN.md read from the stores. Needs the packaged templates (`npm run package`).
 *
 * @example
 * ```ts
 * const report = await runChaos({ ...DEFAULT_OPTIONS, orders: 50, seed: 7 });
 * if (report.invariants.violations.length > 0) process.exitCode = 1;
 * ```
 */
export const runChaos = async (options: ChaosOptions): Promise<ChaosReport> => {
  const progress = options.progress ?? (() => undefined);
  const started = Date.now();
  const stacks = STACKS.map(({ name }) => ({ stackName: name === 'platform' ? `ordering-platform-${STAGE}` : `ordering-${name}-${STAGE}`, template: readPackagedTemplate(name) as never }));
  const { safe, unsafe } = retriedFunctions(stacks, { httpClientsRetry: options.faultCallers.includes('http-client') });
  const spared: Record<string, string> = Object.fromEntries(unsafe);
  for (const [functionName, retriers] of safe) {
    if (!retriers.some((retrier) => options.faultCallers.includes(retrier))) spared[functionName] = `retried by ${retriers.join(', ')}, not in this run's fault callers`;
  }
  const faultable = (functionName: string) => spared[functionName] === undefined && safe.has(functionName);
  const faults = createSeededFaultPlan({
    ...options,
    retriedSafely: faultable,
    // Nothing consumes a DLQ but operators (and the invariant check): its visibility is theirs.
    expireVisibilityOn: (queueArn) => !isDeadLetterQueueName(queueArn.slice(queueArn.lastIndexOf(':') + 1)),
    // The same functions as the other Lambda faults: a lost reply on an SQS consumer holds its message for a
    // whole visibility timeout (60 s), so it comes with --fault-callers sqs-redelivery, like the rest.
    replyLossOn: faultable,
    apiFaultsOn: (call) => call.accessKeyId !== RUNNER_ACCESS_KEY_ID,
  });

  const unmute = muteInjectedErrors();
  // Start-up seeds the stock with a direct invoke, which nothing retries: faults begin with the first order.
  faults.setEnabled(false);
  const cloud = await startProjectCloud({ edgePort: 0, httpPort: 0, faults, retryIntervalMs: 50, log: options.log ?? (() => undefined) });
  faults.setEnabled(true);
  loseReplies(cloud.lambda, faults);
  const clients = runnerClients(cloud.edgeUrl);
  const watcher = watchOrders(clients, STAGE);
  try {
    const startupMs = Date.now() - started;
    progress(`local cloud up in ${(startupMs / 1000).toFixed(1)} s; placing ${options.orders} orders, ${options.concurrency} at a time`);
    const planned = planOrders(options);
    const poisonEvery = options.poison > 0 ? Math.max(1, Math.floor(planned.length / options.poison)) : Infinity;
    const poison: PoisonMessage[] = [];
    const poisonTarget = { endpoint: cloud.edgeUrl, stage: STAGE, busName: `ordering-${STAGE}`, runId: String(options.seed), accessKeyId: RUNNER_ACCESS_KEY_ID };
    const clientViolations: string[] = [];
    const client = { posts: 0, duplicatePosts: 0, retriedPosts: 0 };
    const orderIds = new Map<number, string>();
    const placingStarted = Date.now();
    const run = { lastProgressAt: Date.now(), ended: false };
    let next = 0;
    let poisonSent = 0;
    let done = 0;

    const worker = async () => {
      for (let index = next++; index < planned.length; index = next++) {
        const order = planned[index] as PlannedOrder;
        if (index % poisonEvery === 0 && poisonSent < options.poison) {
          poison.push(...(await sendPoison({ ...poisonTarget, from: poisonSent++, count: 1 })));
        }
        let answers: { orderId: string; retries: number }[];
        try {
          // The customer's own ID token, from the local issuer, as their browser would hold it; a duplicate
          // POST is the same customer sending again.
          const token = await cloud.identity.issueToken({ subject: order.customerId });
          answers = await Promise.all(Array.from({ length: order.posts }, () => postOrder(cloud.httpUrl, token, order)));
        } catch (error) {
          clientViolations.push(error instanceof Error ? error.message : String(error));
          continue;
        }
        client.posts += answers.length;
        client.duplicatePosts += answers.length - 1;
        client.retriedPosts += answers.reduce((sum, answer) => sum + answer.retries, 0);
        const ids = new Set(answers.map((answer) => answer.orderId));
        if (ids.size > 1) clientViolations.push(`POST /orders with key ${order.idempotencyKey} sent ${order.posts} times created ${ids.size} orders: ${[...ids].join(', ')}`);
        const orderId = answers[0]?.orderId ?? '';
        orderIds.set(index, orderId);
        await watcher.untilTerminal(orderId);
        done++;
        run.lastProgressAt = Date.now();
        if (done % Math.max(1, Math.floor(planned.length / 10)) === 0) progress(`${done}/${planned.length} orders ended (${((Date.now() - placingStarted) / 1000).toFixed(0)} s)`);
      }
    };
    const allEnded = Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker)).then(() => (run.ended = true));
    // Every saga ends by its own timeouts; this only bounds a system that stopped making progress.
    const stalled = await Promise.race([
      allEnded.then(() => false),
      (async () => {
        while (!run.ended && Date.now() - run.lastProgressAt < options.quietTimeoutMs) await sleep(1_000);
        return !run.ended;
      })(),
    ]);
    if (stalled) clientViolations.push(`${watcher.pending()} orders were still not terminal after ${options.quietTimeoutMs / 1000} s without progress`);
    if (poisonSent < options.poison) poison.push(...(await sendPoison({ ...poisonTarget, from: poisonSent, count: options.poison - poisonSent })));
    const placingMs = Date.now() - placingStarted;

    // Quiet: every delivery, execution and consumer queue settled, twice in a row a few seconds apart (the
    // simulated carrier may still post an echoed or late report for a finished shipment).
    progress('all orders ended; waiting for the system to go quiet');
    const quietStarted = Date.now();
    let quietChecks = 0;
    while (quietChecks < 2 && Date.now() < quietStarted + options.quietTimeoutMs) {
      await atMost(cloud.whenIdle(), 5_000);
      const idle = cloud.stepFunctions.runningCount === 0 && (await queuesEmpty(clients));
      quietChecks = idle ? quietChecks + 1 : 0;
      await sleep(idle ? 2_000 : 1_000);
    }
    if (quietChecks < 2) progress(`the system did not go quiet within ${options.quietTimeoutMs / 1000} s; checking anyway`);
    const quietMs = Date.now() - quietStarted;

    faults.setEnabled(false);
    const checkStarted = Date.now();
    const snapshot = await readStores(clients, STAGE);
    const invariants = findViolations(snapshot, {
      initialStock: Object.fromEntries(STOCK_SEED.map(({ sku, available }) => [sku, available])),
      orderIds: [...orderIds.values()],
      poisonIds: poison.map((message) => message.id),
      lowestStockSeen: watcher.lowestStock(),
    });
    const checkMs = Date.now() - checkStarted;

    const byId = new Map(snapshot.orders.map((order) => [order.orderId, order]));
    const results: OrderResult[] = [...orderIds].map(([index, orderId]) => {
      const order = planned[index] as PlannedOrder;
      const stored = byId.get(orderId);
      const actual = { status: stored?.status ?? 'MISSING', ...(stored?.cancellationReason && { reason: stored.cancellationReason }) };
      return { order, orderId, actual, expected: order.acceptable.some((outcome) => outcome.status === actual.status && outcome.reason === actual.reason) };
    });
    const totalMs = Date.now() - started;
    const { log: _log, progress: _progress, ...reported } = options;
    return {
      options: reported,
      faults: faults.stats(),
      client,
      poison,
      invariants,
      clientViolations,
      results,
      outcomes: judgeOutcomes(results, snapshot.shipments),
      timings: { startupMs, placingMs, quietMs, checkMs, totalMs, ordersPerSecond: planned.length / ((placingMs + quietMs) / 1000) },
      spared,
      snapshot,
    };
  } finally {
    await watcher.stop();
    clients.dynamo.destroy();
    clients.sqs.destroy();
    clients.sfn.destroy();
    await cloud.stop();
    unmute();
  }
};
