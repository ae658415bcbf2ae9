/**
 * A step that fails for longer than its retries: DynamoDB throttles every write that would cancel an order,
 * so the order workflow's CancelOrder step runs out of retries and the execution fails. The failure must be
 * alarmed, must strand nothing for good, and `npm run redrive` must finish the saga once DynamoDB answers
 * again: the order cancelled, its charge refunded, its stock back.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DynamoDBClient, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { NO_API_FAULT, NO_FAULTS, type FaultPlan } from '../../local/faults';
import { STOCK_SEED } from '../../services/inventory/src/domain/stockSeed';
import { getOrder, placeOrder } from '../../scripts/orders';
import { ROOT } from '../../scripts/stacks';
import { ACCOUNT_ID, busyWork, eventually, ORDER_TIMEOUT_MS, REGION, SETTLE_TIMEOUT_MS, useE2eCloud } from './support/e2eCloud';
import { packagedTableName, scanTable, type LedgerItem, type PaymentItem, type StockItem } from './support/stores';

// Start-up, a saga that fails after its retries, a redrive and the compensations after it, on a busy machine.
jest.setTimeout(300_000);

const ORDERS_TABLE = 'ordering-order-dev-orders';
const ORDER_STATE_MACHINE = 'ordering-order-dev-order';

/** Throttles, while `blocked`, every UpdateItem of the orders table that moves an order to CANCELLED. */
const cancellations = { blocked: true, throttled: 0 };
const throttleCancellations: FaultPlan = {
  ...NO_FAULTS,
  apiFault: ({ service, operation, input }) => {
    if (!cancellations.blocked || service !== 'dynamodb' || operation !== 'UpdateItem' || input.TableName !== ORDERS_TABLE) return NO_API_FAULT;
    const values = unmarshall((input.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>);
    if (values[':to'] !== 'CANCELLED') return NO_API_FAULT;
    cancellations.throttled++;
    return { kind: 'error', error: 'ProvisionedThroughputExceededException' };
  },
};

// Retries a few milliseconds apart: the test is about how many there are and what follows, not their pacing.
const e2e = useE2eCloud('redrive', { faults: throttleCancellations, retryIntervalMs: 50 });
const sfn = () => e2e.client(SFNClient);
const dynamo = () => e2e.client(DynamoDBClient);
const run = promisify(execFile);

const executionArnOf = (orderId: string) => `arn:aws:states:${REGION}:${ACCOUNT_ID}:execution:${ORDER_STATE_MACHINE}:order-${orderId}`;

it('cancels and compensates the order after npm run redrive when DynamoDB throttled its cancellation past every retry, alarming meanwhile', async () => {
  // Charged, then refused by inventory (the gift box is sold out): the order must be cancelled and refunded.
  const token = await e2e.cloud.identity.issueToken({ subject: 'cus_redrive' });
  const { orderId } = await placeOrder(
    e2e.cloud.httpUrl,
    token,
    {
      lines: [{ sku: 'filter-papers', quantity: 1 }, { sku: 'seasonal-gift-box', quantity: 1 }],
      shippingAddress: { name: 'Ada Lovelace', line1: '12 Analytical Row', city: 'London', postalCode: 'N1 9GU', country: 'GB' },
    },
    `e2e-redrive-${Date.now().toString(36)}`,
  );
  const executionArn = executionArnOf(orderId);

  const failed = await eventually(
    async () => {
      const execution = await sfn().send(new DescribeExecutionCommand({ executionArn }));
      expect(execution.status).toBe('FAILED');
      return execution;
    },
    { timeoutMs: ORDER_TIMEOUT_MS, intervalMs: 1_000 },
  );

  expect(failed).toMatchObject({ error: 'TransientError', redriveStatus: 'REDRIVABLE' });
  expect(failed.cause).toContain('ProvisionedThroughputExceededException');
  // Step Functions retried CancelOrder (6 attempts), each invocation after the SDK's own 3 attempts.
  expect(cancellations.throttled).toBeGreaterThanOrEqual(6 * 3);
  await expect(getOrder(e2e.cloud.httpUrl, token, orderId)).resolves.toMatchObject({ status: 'PLACED' });
  const payments = await scanTable<PaymentItem>(dynamo(), packagedTableName('payment', 'PaymentsTable'));
  expect(payments.find((payment) => payment.orderId === orderId)).toMatchObject({ status: 'CHARGED' });

  const stateMachineArn = `arn:aws:states:${REGION}:${ACCOUNT_ID}:stateMachine:${ORDER_STATE_MACHINE}`;
  const alarm = e2e.cloud.cloudWatch
    .evaluateAlarms()
    .find((candidate) => candidate.MetricName === 'ExecutionsFailed' && candidate.Dimensions.some((dimension) => dimension.Value === stateMachineArn));
  expect(alarm).toMatchObject({ StateValue: 'ALARM' });
  const topicArn = String(alarm?.AlarmActions[0]);
  expect(e2e.cloud.sns.notifications(topicArn).map((notification) => JSON.parse(notification.Message) as { AlarmName: string; NewStateValue: string })).toContainEqual(
    expect.objectContaining({ AlarmName: alarm?.AlarmName, NewStateValue: 'ALARM' }),
  );

  cancellations.blocked = false;
  const redrive = await run('npx', ['tsx', 'scripts/redrive.ts', '--stage', 'dev', '--state-machine', ORDER_STATE_MACHINE], {
    cwd: ROOT,
    env: { ...process.env, AWS_ENDPOINT_URL: e2e.cloud.edgeUrl, AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'e2e', AWS_SECRET_ACCESS_KEY: 'e2e' },
  });

  expect(redrive.stdout).toContain(`order-${orderId}`);
  await eventually(
    async () => {
      await expect(getOrder(e2e.cloud.httpUrl, token, orderId)).resolves.toMatchObject({ status: 'CANCELLED', cancellationReason: 'OUT_OF_STOCK' });
      const busy = await busyWork(e2e.cloud, SETTLE_TIMEOUT_MS);
      if (busy) throw new Error(busy);
      const [paymentsAfter, ledger, stock] = await Promise.all([
        scanTable<PaymentItem>(dynamo(), packagedTableName('payment', 'PaymentsTable')),
        scanTable<LedgerItem>(dynamo(), packagedTableName('payment', 'ProviderLedgerTable')),
        scanTable<StockItem>(dynamo(), packagedTableName('inventory', 'StockTable')),
      ]);
      expect(paymentsAfter.find((payment) => payment.orderId === orderId)).toMatchObject({ status: 'REFUNDED' });
      expect(ledger.find((entry) => entry.idempotencyKey === `${orderId}:charge`)?.refund).toEqual(expect.objectContaining({ refundId: expect.any(String) as unknown }));
      // The filter papers were taken and given back when the gift box could not be had; nobody else orders here.
      expect(stock.find((item) => item.sku === 'filter-papers')?.available).toBe(STOCK_SEED.find((item) => item.sku === 'filter-papers')?.available);
    },
    { timeoutMs: ORDER_TIMEOUT_MS, intervalMs: 1_000 },
  );
  await expect(sfn().send(new DescribeExecutionCommand({ executionArn }))).resolves.toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
});
