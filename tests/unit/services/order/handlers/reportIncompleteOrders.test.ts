import '../support/environment';
import type { ScheduledEvent } from 'aws-lambda';
import type { OverdueOrders } from '../../../../../services/order/src/domain/incompleteOrders';
import type { Order, OrderStatus } from '../../../../../services/order/src/domain/order';
import { makeHandler } from '../../../../../services/order/src/handlers/reportIncompleteOrders';
import { readPackagedTemplate } from '../../../../../scripts/stacks';
import { lambdaContext, placedOrder, serviceEvent } from '../support/events';
import { disabledTracer, silentLogger } from '../support/fakes';

const NOW = new Date('2026-11-25T11:00:00.000Z');

/** What the byStatus index would list: the orders of a status whose deadline is before the time asked. */
const overdueFrom = (orders: Order[]): OverdueOrders => ({
  list: (status: OrderStatus, before: Date) =>
    Promise.resolve(orders.filter((order) => order.status === status && Date.parse(order.deadline) < before.getTime())),
});

const setup = (orders: Order[]) => {
  const logger = silentLogger();
  const warn = jest.spyOn(logger, 'warn');
  const info = jest.spyOn(logger, 'info');
  const handler = makeHandler({ orders: overdueFrom(orders), logger, tracer: disabledTracer(), now: () => NOW });
  const run = () => handler(serviceEvent<ScheduledEvent>('reportIncompleteOrders'), lambdaContext('reportIncompleteOrders'));
  return { run, warn, info };
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
        { checkedAt: NOW.toISOString(), stuck: 2, byStatus: { PLACED: 1, CONFIRMED: 1 }, byAwaiting: expect.any(Object) as unknown, oldestOverdueSeconds: 3600 },
      ],
    ]);
  });

  it('logs only an informational summary when no order is stuck', async () => {
    const { run, warn, info } = setup([placedOrder('on-time', { deadline: '2026-11-25T12:00:00.000Z' })]);

    const report = await run();

    expect(report.stuck).toEqual([]);
    expect(warn).not.toHaveBeenCalled();
    expect(info).toHaveBeenCalledWith('incomplete orders report', expect.objectContaining({ stuck: 0 }));
  });

  it('fails the invocation when the table cannot be read', async () => {
    const failing: OverdueOrders = { list: () => Promise.reject(new Error('ProvisionedThroughputExceededException')) };
    const handler = makeHandler({ orders: failing, logger: silentLogger(), tracer: disabledTracer(), now: () => NOW });

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

  it('may only query the byStatus index and read the orders it lists', () => {
    const roleId = (fn?.Properties?.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const policies = template.Resources[roleId]?.Properties?.Policies as { PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] } }[];
    const dynamo = policies
      .flatMap((policy) => policy.PolicyDocument.Statement)
      .filter((statement) => statement.Action.some((action) => action.startsWith('dynamodb:')));

    expect(dynamo).toEqual([
      { Effect: 'Allow', Action: ['dynamodb:Query'], Resource: { 'Fn::Sub': '${OrdersTable.Arn}/index/byStatus' } },
      { Effect: 'Allow', Action: ['dynamodb:BatchGetItem'], Resource: { 'Fn::GetAtt': ['OrdersTable', 'Arn'] } },
    ]);
  });

  it('names the orders table in its environment and ships a sample event', () => {
    expect((fn?.Properties?.Environment as { Variables: Record<string, string> }).Variables.ORDERS_TABLE_NAME).toBe('ordering-order-dev-orders');
    expect(serviceEvent<ScheduledEvent>('reportIncompleteOrders')['detail-type']).toBe('Scheduled Event');
  });
});
