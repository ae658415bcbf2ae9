/**
 * `npm run report:incomplete`: the orders stuck past their deadline in a non-terminal status, and the cancelled
 * orders still owed a refund, a stock release or a shipment cancellation past its due time, as tables. The
 * same domain code and table adapter as the scheduled `reportIncompleteOrders` function, run from here against
 * the orders table of a stage (`--stage`, default dev; `--json` for the raw report). Talks to the local cloud
 * unless AWS_ENDPOINT_URL or AWS_PROFILE is set, like `npm run tail`.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createOverdueOrders } from '../services/order/src/adapters/overdueOrders';
import { reportIncompleteOrders, type IncompleteOrdersReport } from '../services/order/src/domain/incompleteOrders';
import { cliSdkConfig } from './sdkConfig';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const option = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? (process.argv[index + 1] ?? fallback) : fallback;
};

const duration = (seconds: number): string => {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7_200) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3_600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
};

/** A plain-text table, columns padded to their widest cell. */
const table = (rows: string[][]): string[] => {
  const widths = rows[0]?.map((_cell, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
};

/** The report as tables: stuck orders, then cancelled orders still owed a compensation past its due time. */
export const formatReport = (report: IncompleteOrdersReport): string => {
  const { summary } = report;
  const lines = [`${summary.stuck} order(s) stuck past their deadline at ${report.checkedAt}`];
  if (report.stuck.length > 0) {
    lines.push(
      '',
      ...table([
        ['order', 'status', 'awaiting', 'outcomes recorded', 'last event', 'overdue'],
        ...report.stuck.map((order) => [
          order.orderId,
          order.status,
          order.awaiting,
          order.recorded.join(', ') || '-',
          order.lastEvent ? `${order.lastEvent.detailType} at ${order.lastEvent.recordedAt}` : '-',
          duration(order.overdueSeconds),
        ]),
      ]),
    );
    const byStatus = Object.entries(summary.byStatus).map(([status, count]) => `${status} ${count}`).join(', ');
    lines.push('', `by status: ${byStatus}; oldest ${duration(summary.oldestOverdueSeconds)} overdue`);
  }
  if (report.compensationOwed.length > 0) {
    lines.push(
      '',
      `${summary.compensationOwed} cancelled order(s) still owed a compensation past its due time`,
      '',
      ...table([
        ['order', 'cancelled', 'owed', 'overdue'],
        ...report.compensationOwed.map((order) => [
          order.orderId,
          [order.cancellationReason, order.cancelledAt && `at ${order.cancelledAt}`].filter(Boolean).join(' ') || '-',
          order.owed.join(', '),
          duration(order.overdueSeconds),
        ]),
      ]),
    );
  }
  return lines.join('\n');
};

const main = async () => {
  const stage = option('stage', 'dev');
  const client = new DynamoDBClient(cliSdkConfig());
  const orders = createOverdueOrders({ client, tableName: `ordering-order-${stage}-orders` });
  const report = await reportIncompleteOrders({ orders, now: new Date() });
  console.log(process.argv.includes('--json') ? JSON.stringify(report, null, 2) : formatReport(report));
};

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    if ((error as { code?: string }).code === 'ECONNREFUSED') console.error('is the local cloud running? (npm start)');
    process.exit(1);
  });
}
