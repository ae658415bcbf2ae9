import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { AcceptedEvent } from '../../../local/eventbridge/eventBridgeService';
import type { LocalCloud } from '../../../local/cloud';
import type { FaultPlan } from '../../../local/faults';
import { startProjectCloud } from '../../../scripts/localCloud';
import { ROOT } from '../../../scripts/stacks';

export const REGION = 'eu-west-1';
export const ACCOUNT_ID = '000000000000';
export const BUS_NAME = 'ordering-dev';

/**
 * How long an order may take to reach COMPLETED or CANCELLED. The slowest path (shipment timeout) waits for
 * the dev stage's 10 s dispatch timeout; the rest is the local cloud's pace, cold starts and a busy machine.
 */
export const ORDER_TIMEOUT_MS = 150_000;

/** How long compensations (refunds, releases) may take after an order's final status. */
export const SETTLE_TIMEOUT_MS = 60_000;

/** How long the teardown lets work in flight finish before it stops the cloud. */
const TEARDOWN_SETTLE_MS = 20_000;

type ClientConfig = ReturnType<typeof clientConfig>;

export interface E2eCloud {
  /** The running cloud (throws if it did not start). */
  readonly cloud: LocalCloud;
  /** Where the cloud's and the functions' output goes: read it when a test fails. */
  readonly logFile: string;
  /** One real SDK client of that class per file, aimed at the edge port, destroyed with the cloud. */
  client<T extends { destroy(): void }>(Client: new (config: ClientConfig) => T): T;
}

/**
 * One local cloud for the test file that calls this (at the top, before its own hooks): started in a
 * `beforeAll` on free ports from the packaged templates (`npm test` packages first; the tests never do) and
 * stopped in an `afterAll`, misbehaving as `faults` says (none by default), its workflows retrying every
 * `retryIntervalMs` if given (AWS's intervals otherwise). Output goes to
 * `.local-cloud/e2e/<name>.log`, not to the test report. Bundles are unzipped per jest worker (the local
 * runtime extracts atomically, so sharing would be safe too; separate folders keep each worker's code caches
 * its own).
 */
export const useE2eCloud = (name: string, { faults, retryIntervalMs }: { faults?: FaultPlan; retryIntervalMs?: number } = {}): E2eCloud => {
  const dir = path.join(ROOT, '.local-cloud/e2e');
  const logFile = path.join(dir, `${name}.log`);
  let cloud: LocalCloud | undefined;
  let log: WriteStream | undefined;
  const clients = new Map<unknown, { destroy(): void }>();

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    const output = createWriteStream(logFile);
    log = output;
    const started = Date.now();
    cloud = await startProjectCloud({
      edgePort: 0,
      httpPort: 0,
      ...(faults && { faults }),
      ...(retryIntervalMs !== undefined && { retryIntervalMs }),
      workDir: path.join(dir, `functions-${process.env.JEST_WORKER_ID ?? '1'}`),
      log: (source, line) => output.write(`+${((Date.now() - started) / 1000).toFixed(2)}s [${source}] ${line}\n`),
    });
  });

  afterAll(async () => {
    for (const client of clients.values()) client.destroy();
    // Stopping while functions still run leaves their worker threads alive, and jest then never exits: let
    // the work in flight finish first (bounded, so a stuck order cannot hold the run).
    if (cloud) await busyWork(cloud, TEARDOWN_SETTLE_MS);
    await cloud?.stop();
    await new Promise<void>((resolve) => (log ? log.end(resolve) : resolve()));
  });

  const running = (): LocalCloud => {
    if (!cloud) throw new Error(`the local cloud did not start (see ${logFile})`);
    return cloud;
  };

  return {
    get cloud() {
      return running();
    },
    logFile,
    client<T extends { destroy(): void }>(Client: new (config: ClientConfig) => T): T {
      const existing = clients.get(Client) as T | undefined;
      if (existing) return existing;
      const created = new Client(clientConfig(running()));
      clients.set(Client, created);
      return created;
    },
  };
};

/** Settings for a real AWS SDK client aimed at the local cloud's edge port. */
export const clientConfig = (cloud: LocalCloud) => ({
  endpoint: cloud.edgeUrl,
  region: REGION,
  credentials: { accessKeyId: 'e2e', secretAccessKey: 'e2e' },
});

/**
 * What is still in flight, or undefined once nothing is: no bus delivery, workflow execution, consumer
 * message or carrier callback pending (the cloud's own `whenIdle`, which covers the queues event source
 * mappings consume) and, to name them, no message in any other queue but a dead-letter queue. Waits up to
 * `timeoutMs` for `whenIdle`.
 */
export const busyWork = async (cloud: LocalCloud, timeoutMs: number): Promise<string | undefined> => {
  let timer: NodeJS.Timeout | undefined;
  const idle = await Promise.race([
    cloud.whenIdle().then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, timeoutMs)))),
  ]);
  clearTimeout(timer);
  const queued = cloud.sqs
    .listQueues()
    .filter((url) => !url.endsWith('-dlq'))
    .map((url) => ({ queue: url.split('/').pop(), ...cloud.sqs.depth(url) }))
    .filter(({ visible, inFlight, delayed }) => visible + inFlight + delayed > 0);
  const messages = queued.length > 0 ? `messages still queued: ${JSON.stringify(queued)}` : undefined;
  if (!idle) return `work still in flight after ${timeoutMs} ms (${cloud.stepFunctions.runningCount} workflow executions running${messages ? `; ${messages}` : ''})`;
  return messages;
};

/**
 * Runs `probe` until it stops throwing (an `expect` inside it, typically) and returns its result; after
 * `timeoutMs` the probe's last failure is thrown, so a test fails with the assertion that never held.
 */
export const eventually = async <T>(probe: () => Promise<T> | T, { timeoutMs, intervalMs = 250 }: { timeoutMs: number; intervalMs?: number }): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
};

export interface BusEvent {
  /** Position in the bus's log: acceptance order. */
  position: number;
  detailType: string;
  source: string;
  idempotencyKey: string;
  causationId: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** Every event the bus accepted about one order (by correlation id), in the order it accepted them. */
export const busEventsOf = (eventLog: readonly AcceptedEvent[], orderId: string): BusEvent[] =>
  eventLog.flatMap(({ event }, position) => {
    const detail = event.detail as { metadata?: Record<string, string>; data?: Record<string, unknown> };
    const metadata = detail.metadata ?? {};
    if (metadata['correlation-id'] !== orderId) return [];
    return [
      {
        position,
        detailType: event['detail-type'],
        source: event.source,
        idempotencyKey: metadata['idempotency-key'] ?? '',
        causationId: metadata['causation-id'] ?? '',
        occurredAt: metadata['occurred-at'] ?? '',
        data: detail.data ?? {},
      },
    ];
  });
