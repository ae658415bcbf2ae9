import { cpus } from 'node:os';
import type { ApiFaultCount } from '../../local/seededFaults';
import { INVARIANTS } from '../invariants';
import type { ChaosReport } from './runChaos';

const table = (header: string[], rows: (string | number)[][]): string =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');

const share = (count: number, of: number, base: string) => `${count} of ${of} ${base} (${of === 0 ? '0' : ((100 * count) / of).toFixed(1)}%)`;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const SERVICE_NAMES: Record<ApiFaultCount['service'], string> = { dynamodb: 'DynamoDB', events: 'EventBridge', states: 'Step Functions', sqs: 'SQS', secretsmanager: 'Secrets Manager' };

/**
 * One row per AWS API fault: `DynamoDB ThrottlingException (UpdateItem, PutItem, GetItem)`, the operations it
 * hit most hit first, and `123 of 45678 DynamoDB requests (0.3%)`, its count against the requests it was
 * decided on.
 *
 * @example
 * ```ts
 * console.log(table(['fault', 'injected'], apiFaultRows(report.faults.api)));
 * ```
 */
export const apiFaultRows = (counts: readonly ApiFaultCount[]): string[][] =>
  counts.map(({ service, fault, byOperation, injected, base, of }) => {
    const operations = Object.entries(byOperation)
      .sort(([, a], [, b]) => b - a)
      .map(([operation]) => operation);
    return [`${SERVICE_NAMES[service]} ${fault}${operations.length > 0 ? ` (${operations.join(', ')})` : ''}`, share(injected, base, of)];
  });

/** How the run judges an order that ended other than its scenario intends; printed with every report. */
export const OUTCOME_RULE =
  'An order that ends other than its scenario intends is a violation, unless a saga timeout ended it: cancelled OUTCOMES_TIMED_OUT ' +
  '(its wait for the payment and stock outcomes ran out), or SHIPMENT_FAILED with its shipment FAILED for DISPATCH_TIMED_OUT or ' +
  'DELIVERY_TIMED_OUT (shipping’s waits for the carrier ran out) or not FAILED at all (its own wait for the shipment ran out).';

/** Rows of one count per distinct key, with the first order as an example. */
const grouped = <T extends { orderId: string }>(items: readonly T[], key: (item: T) => string[]): (string | number)[][] => {
  const groups = new Map<string, { columns: string[]; orders: number; example: string }>();
  for (const item of items) {
    const columns = key(item);
    const group = groups.get(columns.join('|')) ?? { columns, orders: 0, example: item.orderId };
    group.orders++;
    groups.set(columns.join('|'), group);
  }
  return [...groups.values()].map(({ columns, orders, example }) => [...columns, orders, example]);
};

/**
 * The run as Markdown tables: faults injected, invariants (each with its violations), dead letters,
 * outcomes that differ from their scenario's, timings. Meant for a terminal and for pasting into an issue.
 *
 * @example
 * ```ts
 * console.log(formatReport(await runChaos(options)));
 * ```
 */
export const formatReport = (report: ChaosReport): string => {
  const { faults, invariants, client, poison, timings, options } = report;
  const lines: string[] = [];
  lines.push(`## Chaos run: ${options.orders} orders, seed ${String(options.seed)}`);
  lines.push('');
  lines.push(table(['fault', 'injected'], [
    ['EventBridge deliveries duplicated', `${share(faults.duplicatedDeliveries, faults.deliveries, 'deliveries')}, ${faults.extraCopies} extra copies`],
    ['EventBridge delivery copies delayed (reordered)', faults.delayedDeliveries],
    ['Lambda transient errors (Lambda.ServiceException)', share(faults.transientErrors, faults.faultableInvocations, 'faultable invocations')],
    ['Lambda throttles (Lambda.TooManyRequestsException)', share(faults.throttles, faults.faultableInvocations, 'faultable invocations')],
    ['SQS visibility timeouts expired in flight', faults.visibilityExpiries],
    ['Lambda replies lost after the function ran (Sandbox.Timedout)', share(faults.lostReplies, faults.faultableInvocations, 'faultable invocations')],
    ['Lambda faults spared (function not retried safely)', faults.sparedInvocations],
    ...apiFaultRows(faults.api),
    ['POST /orders sent again with the same key', client.duplicatePosts],
    ['POST /orders retried after a 5xx', client.retriedPosts],
    ['malformed messages (bus and queues)', poison.length],
  ]));
  const spared = Object.entries(report.spared);
  if (spared.length > 0) lines.push(`Never faulted: ${spared.map(([functionName, why]) => `${functionName} (${why})`).join('; ')}`);
  lines.push('');
  const byInvariant = new Map<string, number>();
  for (const violation of invariants.violations) byInvariant.set(violation.invariant, (byInvariant.get(violation.invariant) ?? 0) + 1);
  lines.push(
    table(['invariant', 'violations'], [
      ...Object.entries(INVARIANTS).map(([name, text]) => [`${text} (${name})`, byInvariant.get(name) ?? 0]),
      ['Every order ends as its scenario intends, or by a saga timeout (scenario-outcomes)', report.outcomes.violations.length],
    ]),
  );
  for (const violation of invariants.violations.slice(0, 50)) lines.push(`- ${violation.invariant} — ${violation.subject}: ${violation.detail}`);
  if (invariants.violations.length > 50) lines.push(`- … and ${invariants.violations.length - 50} more`);
  for (const problem of report.clientViolations) lines.push(`- client: ${problem}`);
  lines.push('');
  const { orders } = invariants;
  lines.push(`Orders: ${orders.total} (completed ${orders.completed}; cancelled ${Object.entries(orders.cancelled).map(([reason, n]) => `${reason} ${n}`).join(', ') || '0'}; other ${orders.other})`);
  const { timedOut, violations } = report.outcomes;
  lines.push(`Orders as their scenario intends: ${report.results.length - timedOut.length - violations.length} of ${report.results.length}; ${timedOut.length} orders cancelled by a saga timeout; ${violations.length} violation(s)`);
  lines.push(OUTCOME_RULE);
  if (timedOut.length > 0) {
    lines.push(table(['scenario', 'outcome', 'saga timeout', 'orders', 'example'], grouped(timedOut, (order) => [order.scenario, order.outcome, order.cause])));
  }
  if (violations.length > 0) {
    lines.push('Orders that ended other than their scenario allows, for no named cause (scenario-outcomes violations):');
    lines.push(table(['scenario', 'outcome', 'allowed', 'orders', 'example'], grouped(violations, (order) => [order.scenario, order.outcome, order.allowed.join(' or ')])));
  }
  lines.push('');
  lines.push(
    table(
      ['dead-letter queue', 'messages', 'malformed (sent by the run)', 'moved by SQS after maxReceiveCount', 'without reason'],
      invariants.deadLetters.map((row) => [row.queue, row.messages, row.poison, row.movedBySqs, row.withoutReason]),
    ),
  );
  if (invariants.unsuccessfulExecutions.length > 0) {
    lines.push('');
    lines.push('Executions that did not succeed (not an invariant by itself; each alarms on AWS), by workflow, last state and error:');
    const groups = new Map<string, { count: number; example: string }>();
    for (const execution of invariants.unsuccessfulExecutions) {
      const key = `${execution.stateMachine} | ${execution.lastState ?? '?'} | ${execution.status} ${execution.error ?? ''}`;
      const group = groups.get(key) ?? { count: 0, example: execution.name };
      group.count++;
      groups.set(key, group);
    }
    lines.push(table(['workflow', 'last state', 'ended', 'executions', 'example'], [...groups].map(([key, { count, example }]) => [...key.split(' | '), count, example])));
  }
  lines.push('');
  lines.push(
    `Wall time ${seconds(timings.totalMs)} (start ${seconds(timings.startupMs)}, orders ${seconds(timings.placingMs)}, quiet ${seconds(timings.quietMs)}, check ${seconds(timings.checkMs)}); ` +
      `${timings.ordersPerSecond.toFixed(2)} orders/s at ${options.concurrency} in flight; ${cpus().length} CPU(s) ${cpus()[0]?.model ?? ''}, Node ${process.version}`,
  );
  return lines.join('\n');
};
