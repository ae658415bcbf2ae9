/**
 * `npm run report:incomplete`: the orders stuck past their deadline in a non-terminal status, as a table. The
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
export const formatReport = (report: IncompleteOrdersReport): string => {
  const { summary } = report;
  const header = `${summary.stuck} order(s) stuck past their deadline at ${report.checkedAt}`;
  if (report.stuck.length === 0) return header;
  const rows = [
    ['order', 'status', 'awaiting', 'outcomes recorded', 'last event', 'overdue'],
    ...report.stuck.map((order) => [
      order.orderId,
      order.status,
      order.awaiting,
      order.recorded.join(', ') || '-',
      order.lastEvent ? `${order.lastEvent.detailType} at ${order.lastEvent.recordedAt}` : '-',
      duration(order.overdueSeconds),
    ]),
  ];
  const widths = rows[0]?.map((_cell, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  const lines = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
  const byStatus = Object.entries(summary.byStatus).map(([status, count]) => `${status} ${count}`).join(', ');
  return [header, '', ...lines, '', `by status: ${byStatus}; oldest ${duration(summary.oldestOverdueSeconds)} overdue`].join('\n');
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
