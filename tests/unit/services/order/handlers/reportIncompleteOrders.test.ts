import '../support/environment';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { ScheduledEvent } from 'aws-lambda';
import type { OverdueOrders } from '../../../../../services/order/src/domain/incompleteOrders';
import type { Order, OrderStatus } from '../../../../../services/order/src/domain/order';
import { makeHandler } from '../../../../../services/order/src/handlers/reportIncompleteOrders';
import { readPackagedTemplate } from '../../../../../scripts/stacks';
import { lambdaContext, placedOrder, serviceEvent } from '../support/events';
import { disabledTracer, silentLogger } from '../support/fakes';

const NOW = new Date('2026-11-25T11:00:00.000Z');

/** What the two indexes would list: orders of a status past their deadline, cancelled orders past their compensation due time. */
const overdueFrom = (orders: Order[]): OverdueOrders => ({
  list: (status: OrderStatus, before: Date) =>
    Promise.resolve(orders.filter((order) => order.status === status && Date.parse(order.deadline) < before.getTime())),
  listCompensationDue: (before: Date) =>
    Promise.resolve(orders.filter((order) => order.compensationDueBy !== undefined && Date.parse(order.compensationDueBy) < before.getTime())),
});

/** The EMF documents among the lines the function wrote to its log: what CloudWatch turns into the alarmed gauges. */
const emfDocuments = (lines: readonly unknown[]) =>
  lines.map((line) => JSON.parse(String(line)) as Record<string, unknown>).filter((document) => '_aws' in document);

const setup = (orders: Order[]) => {
  const logger = silentLogger();
  const warn = jest.spyOn(logger, 'warn');
  const info = jest.spyOn(logger, 'info');
  const metrics = new Metrics({ namespace: 'Ordering', serviceName: 'order', defaultDimensions: { stage: 'dev' } });
  const written: unknown[] = [];
  const handler = makeHandler({ orders: overdueFrom(orders), logger, tracer: disabledTracer(), metrics, now: () => NOW });
  const run = async () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((line) => written.push(line) > 0);
    try {
      return await handler(serviceEvent<ScheduledEvent>('reportIncompleteOrders'), lambdaContext('reportIncompleteOrders'));
    } finally {
      write.mockRestore();
    }
  };
  return { run, warn, info, metrics: () => emfDocuments(written) };
};

describe('reportIncompleteOrders', () => {
  it('logs one warning per stuck order with its correlation id, then a summary, and returns the report when orders are stuck', async () => {
    const placed = placedOrder('stuck-placed', { deadline: '2026-11-25T10:00:00.000Z' });
    const confirmed = placedOrder('stuck-confirmed', { status: 'CONFIRMED', deadline: '2026-11-25T10:30:00.000Z' });
    const onTime = placedOrder('on-time', { deadline: '2026-11-25T12:00:00.000Z' });
    const { run, warn } = setup([placed, confirmed, onTime]);

    const report = await run();

    expect(report.stuck.map((order) => order.orderId)).toEqual([placed.orderId, confirmed.orderId]);
    expect(warn.mock.calls).toEqual([
      ['order stuck past its deadline', expect.objectContaining({ correlationId: placed.orderId, status: 'PLACED', awaiting: 'payment outcome, stock outcome', overdueSeconds: 3600 })],
      ['order stuck past its deadline', expect.objectContaining({ correlationId: confirmed.orderId, status: 'CONFIRMED', awaiting: 'shipment creation', overdueSeconds: 1800 })],
      [
        'incomplete orders report',
        {
          checkedAt: NOW.toISOString(),
          stuck: 2,
          compensationOwed: 0,
          byStatus: { PLACED: 1, CONFIRMED: 1 },
          byAwaiting: expect.any(Object) as unknown,
          oldestOverdueSeconds: 3600,
        },
      ],
    ]);
  });

  it('warns about each cancelled order still owed a compensation past its due time, and counts it', async () => {
    const charged = placedOrder('owed-refund', {
      status: 'CANCELLED',
      cancellationReason: 'OUTCOMES_TIMED_OUT',
      compensationDueBy: '2026-11-25T10:45:00.000Z',
      outcomes: { PaymentSucceeded: { idempotencyKey: 'k', occurredAt: NOW.toISOString(), data: {} } } as Order['outcomes'],
    });
    const { run, warn, metrics } = setup([charged]);

    const report = await run();

    expect(report.compensationOwed).toEqual([
      { orderId: charged.orderId, cancellationReason: 'OUTCOMES_TIMED_OUT', owed: ['refund'], dueBy: '2026-11-25T10:45:00.000Z', overdueSeconds: 900 },
    ]);
    expect(warn).toHaveBeenCalledWith('cancelled order still owed a compensation', expect.objectContaining({ correlationId: charged.orderId, owed: ['refund'] }));
    expect(metrics()).toEqual([expect.objectContaining({ service: 'order', stage: 'dev', IncompleteOrders: 0, CompensationOwed: 1 })]);
  });

  it('emits both gauges, zeros included, on a run that finds nothing, so their alarms always have data', async () => {
    const { run, metrics } = setup([]);

    await run();

    const [document] = metrics();
    expect(document).toMatchObject({ IncompleteOrders: 0, CompensationOwed: 0, service: 'order', stage: 'dev' });
    expect(document?._aws).toMatchObject({
      CloudWatchMetrics: [{ Namespace: 'Ordering', Dimensions: [['service', 'stage']], Metrics: expect.arrayContaining([{ Name: 'IncompleteOrders', Unit: 'Count' }]) as unknown }],
    });
  });

  it('logs only an informational summary when no order is stuck', async () => {
    const { run, warn, info } = setup([placedOrder('on-time', { deadline: '2026-11-25T12:00:00.000Z' })]);

    const report = await run();

    expect(report.stuck).toEqual([]);
    expect(warn).not.toHaveBeenCalled();
    expect(info).toHaveBeenCalledWith('incomplete orders report', expect.objectContaining({ stuck: 0 }));
  });

  it('fails the invocation when the table cannot be read', async () => {
    const throttled = () => Promise.reject(new Error('ProvisionedThroughputExceededException'));
    const failing: OverdueOrders = { list: throttled, listCompensationDue: throttled };
    const metrics = new Metrics({ namespace: 'Ordering', serviceName: 'order' });
    const handler = makeHandler({ orders: failing, logger: silentLogger(), tracer: disabledTracer(), metrics, now: () => NOW });

    await expect(handler(serviceEvent<ScheduledEvent>('reportIncompleteOrders'), lambdaContext('reportIncompleteOrders'))).rejects.toThrow(
      'ProvisionedThroughputExceededException',
    );
  });
});

describe('reportIncompleteOrders, as packaged', () => {
  const template = readPackagedTemplate('order');
  const resources = Object.entries(template.Resources);
  const fn = template.Resources.ReportIncompleteOrdersLambdaFunction;

  it('runs every 15 minutes on a schedule that invokes the function', () => {
    const rules = resources.filter(([, resource]) => resource.Type === 'AWS::Events::Rule' && resource.Properties?.ScheduleExpression !== undefined);

    expect(rules.map(([, rule]) => rule.Properties)).toEqual([
      {
        Name: 'ordering-order-dev-reportIncompleteOrders',
        ScheduleExpression: 'rate(15 minutes)',
        State: 'ENABLED',
        Targets: [
          {
            Arn: { 'Fn::GetAtt': ['ReportIncompleteOrdersLambdaFunction', 'Arn'] },
            Id: expect.any(String) as unknown,
            RetryPolicy: { MaximumEventAgeInSeconds: 900, MaximumRetryAttempts: 185 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['ReportIncompleteOrdersDeadLetterQueue', 'Arn'] } },
          },
        ],
      },
    ]);
  });

  it('may only query its two indexes and read the orders they list', () => {
    const roleId = (fn?.Properties?.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const policies = template.Resources[roleId]?.Properties?.Policies as { PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] } }[];
    const dynamo = policies
      .flatMap((policy) => policy.PolicyDocument.Statement)
      .filter((statement) => statement.Action.some((action) => action.startsWith('dynamodb:')));

    expect(dynamo).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:Query'],
        Resource: [{ 'Fn::Sub': '${OrdersTable.Arn}/index/byStatus' }, { 'Fn::Sub': '${OrdersTable.Arn}/index/byCompensationDue' }],
      },
      { Effect: 'Allow', Action: ['dynamodb:BatchGetItem'], Resource: { 'Fn::GetAtt': ['OrdersTable', 'Arn'] } },
    ]);
  });

  it('names the orders table in its environment and ships a sample event', () => {
    expect((fn?.Properties?.Environment as { Variables: Record<string, string> }).Variables.ORDERS_TABLE_NAME).toBe('ordering-order-dev-orders');
    expect(serviceEvent<ScheduledEvent>('reportIncompleteOrders')['detail-type']).toBe('Scheduled Event');
  });
});
