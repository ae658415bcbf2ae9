/**
 * `npm run chaos -- --orders N --seed S [options]`: places N orders on a fresh local cloud whose EventBridge
 * duplicates and reorders deliveries, whose Lambda fails and throttles invocations, whose SQS lets visibility
 * timeouts expire mid-batch, and whose AWS APIs answer the functions' SDK clients with throttles, internal
 * errors, lost replies and failed PutEvents entries; sends malformed messages; waits until the system is
 * quiet; then checks every invariant of DESIGN.md against the stores, and that every order ended as its
 * scenario intends (or by a saga timeout, counted apart). Prints the faults injected, the violations, wall
 * time and throughput; exits 1 on any violation. The same seed injects the same faults.
 *
 * Options (defaults in scripts/chaos/runChaos.ts): --duplicate-rate (0.35), --max-copies (3), --reorder-rate
 * (0.3), --max-delay-ms (2000), --transient-error-rate (0.05), --throttle-rate (0.02), --visibility-expiry-rate
 * (0.05), --reply-loss-rate (0.02: a function runs but its caller hears Sandbox.Timedout), --poison N (10),
 * --concurrency C (orders in flight, 25), --duplicate-post-rate (0.1), --fault-callers (workflow-retry,
 * http-client,sqs-redelivery; leave sqs-redelivery out to spare SQS consumers the Lambda faults),
 * --quiet-timeout-s (600), --json <file> (the whole report), --verbose (function logs).
 *
 * AWS API faults, each a share of requests, drawn again on every SDK retry (0.02 each):
 * --dynamodb-throttle-rate (ThrottlingException), --dynamodb-throughput-exceeded-rate
 * (ProvisionedThroughputExceededException), --dynamodb-internal-error-rate (InternalServerError, HTTP 500),
 * --dynamodb-reply-loss-rate (a write lands, its connection is reset before the reply), --put-events-throttle-rate
 * (ThrottlingException), --put-events-entry-failure-rate (a share of entries: InternalFailure inside an HTTP
 * 200), --sfn-throttle-rate (StartExecution, SendTaskSuccess/Failure/Heartbeat), --sqs-throttle-rate
 * (RequestThrottled) and --sqs-internal-error-rate (InternalFailure) on SendMessage, DeleteMessage, their batch
 * forms and the event source mappings' deletes. The run's own requests are never faulted.
 *
 * Lambda faults go only to functions whose every caller retries them (scripts/chaos/retriedFunctions.ts):
 * workflow tasks whose Retry names Lambda's errors; HTTP functions, because this runner — their client —
 * resends every 5xx, a POST with the same Idempotency-Key (the API promises that is safe), and the simulated
 * carrier resends its callbacks; SQS consumers, whose retry is a redelivery a whole visibility timeout later
 * (60 s), which makes a run minutes longer. Never a function invoked directly (seedStock).
 */
import { writeFileSync } from 'node:fs';
import { formatReport } from './chaos/report';
import type { Retrier } from './chaos/retriedFunctions';
import { DEFAULT_OPTIONS, runChaos, type ChaosOptions } from './chaos/runChaos';
import { ensurePackaged } from './localCloud';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** The options whose value is a number. */
type NumericOption = { [K in keyof ChaosOptions]-?: ChaosOptions[K] extends number ? K : never }[keyof ChaosOptions];

const NUMERIC: Record<string, NumericOption> = {
  '--orders': 'orders',
  '--duplicate-rate': 'duplicateRate',
  '--max-copies': 'maxCopies',
  '--reorder-rate': 'reorderRate',
  '--max-delay-ms': 'maxDelayMs',
  '--transient-error-rate': 'transientErrorRate',
  '--throttle-rate': 'throttleRate',
  '--visibility-expiry-rate': 'visibilityExpiryRate',
  '--reply-loss-rate': 'replyLossRate',
  '--poison': 'poison',
  '--concurrency': 'concurrency',
  '--duplicate-post-rate': 'duplicatePostRate',
  '--dynamodb-throttle-rate': 'dynamodbThrottleRate',
  '--dynamodb-throughput-exceeded-rate': 'dynamodbThroughputExceededRate',
  '--dynamodb-internal-error-rate': 'dynamodbInternalErrorRate',
  '--dynamodb-reply-loss-rate': 'dynamodbReplyLossRate',
  '--put-events-throttle-rate': 'putEventsThrottleRate',
  '--put-events-entry-failure-rate': 'putEventsEntryFailureRate',
  '--sfn-throttle-rate': 'sfnThrottleRate',
  '--sqs-throttle-rate': 'sqsThrottleRate',
  '--sqs-internal-error-rate': 'sqsInternalErrorRate',
};
const RETRIERS: readonly Retrier[] = ['workflow-retry', 'sqs-redelivery', 'http-client'];

const parseArgs = (argv: readonly string[]): { options: ChaosOptions; json?: string; verbose: boolean } => {
  const options: ChaosOptions = { ...DEFAULT_OPTIONS };
  let json: string | undefined;
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? '';
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    const key = NUMERIC[flag];
    if (key) {
      const raw = value();
      const parsed = Number(raw);
      if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${flag} must be a non-negative number, got ${raw}`);
      options[key] = parsed;
    } else if (flag === '--seed') {
      const raw = value();
      options.seed = /^\d+$/.test(raw) ? Number(raw) : raw;
    } else if (flag === '--fault-callers') {
      const callers = value().split(',').filter(Boolean);
      const unknown = callers.filter((caller) => !RETRIERS.includes(caller as Retrier));
      if (unknown.length > 0) throw new Error(`--fault-callers: ${unknown.join(', ')} unknown; choose from ${RETRIERS.join(', ')}`);
      options.faultCallers = callers as Retrier[];
    } else if (flag === '--quiet-timeout-s') options.quietTimeoutMs = Number(value()) * 1000;
    else if (flag === '--json') json = value();
    else if (flag === '--verbose') verbose = true;
    else throw new Error(`unknown option ${flag}`);
  }
  if (!Number.isInteger(options.orders) || options.orders < 1) throw new Error('--orders must be a whole number ≥ 1');
  return { options, ...(json && { json }), verbose };
};

const main = async () => {
  const { options, json, verbose } = parseArgs(process.argv.slice(2));
  ensurePackaged();
  const report = await runChaos({
    ...options,
    progress: (line) => console.log(`[chaos] ${line}`),
    ...(verbose && { log: (source: string, line: string) => console.log(`[${source}] ${line}`) }),
  });
  console.log(`\n${formatReport(report)}`);
  if (json) writeFileSync(json, JSON.stringify(report, null, 2));
  const failures = report.invariants.violations.length + report.clientViolations.length + report.outcomes.violations.length;
  console.log(failures === 0 ? '\nno violations' : `\n${failures} violation(s)`);
  process.exitCode = failures === 0 ? 0 : 1;
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
