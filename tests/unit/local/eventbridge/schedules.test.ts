import { LocalSchedules, ratePeriodMs, type ScheduledRule } from '../../../../local/eventbridge/schedules';
import type { LambdaInvoker } from '../../../../local/lambda/invoker';

const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:000000000000:function:ordering-order-dev-reportIncompleteOrders';
const DLQ_ARN = 'arn:aws:sqs:eu-west-1:000000000000:ordering-order-dev-reportIncompleteOrders-dlq';

const setup = ({ fail = false } = {}) => {
  const invocations: { arn: string; payload: unknown }[] = [];
  const logged: string[] = [];
  const invoker: LambdaInvoker = {
    invoke: (arn, payload) => {
      invocations.push({ arn, payload });
      return fail ? Promise.reject(new Error('TransientError: boom')) : Promise.resolve({});
    },
  };
  const schedules = new LocalSchedules({
    invoker,
    hasFunction: (arn) => arn === FUNCTION_ARN,
    hasQueue: (arn) => arn === DLQ_ARN,
    region: 'eu-west-1',
    accountId: '000000000000',
    log: (_source, line) => logged.push(line),
  });
  return { schedules, invocations, logged };
};

const rule = (overrides: Partial<ScheduledRule> = {}): ScheduledRule => ({
  name: 'ordering-order-dev-ReportIncompleteOrdersEventsRuleSchedule1',
  scheduleExpression: 'rate(15 minutes)',
  state: 'ENABLED',
  targets: [{ Id: 'reportIncompleteOrdersSchedule', Arn: FUNCTION_ARN }],
  ...overrides,
});

beforeEach(() => {
  jest.useFakeTimers({ now: new Date('2026-11-25T09:30:00.000Z') });
});
afterEach(() => {
  jest.useRealTimers();
});

describe('ratePeriodMs', () => {
  it.each([
    ['rate(1 minute)', 60_000],
    ['rate(15 minutes)', 900_000],
    ['rate(1 hour)', 3_600_000],
    ['rate(2 hours)', 7_200_000],
    ['rate(1 day)', 86_400_000],
    ['rate(7 days)', 604_800_000],
  ])('reads %s as its period', (expression, ms) => {
    expect(ratePeriodMs(expression)).toBe(ms);
  });

  it.each(['rate(1 minutes)', 'rate(5 minute)', 'rate(0 minutes)', 'rate(-1 minutes)', 'rate(1.5 hours)', 'rate(5 seconds)', 'rate(5  minutes)', 'every 5 minutes'])(
    'refuses %s as EventBridge does',
    (expression) => {
      expect(() => ratePeriodMs(expression)).toThrow(`ScheduleExpression ${expression} is not valid`);
    },
  );

  it('refuses a cron expression loudly when given one', () => {
    expect(() => ratePeriodMs('cron(0 12 * * ? *)')).toThrow('cron(0 12 * * ? *) is not supported by the local cloud');
  });
});

describe('LocalSchedules', () => {
  it('invokes the target with a Scheduled Event once per period, the first one period after it was added', async () => {
    const { schedules, invocations } = setup();
    schedules.add(rule());

    await jest.advanceTimersByTimeAsync(15 * 60_000 - 1);
    expect(invocations).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    await jest.advanceTimersByTimeAsync(15 * 60_000);

    expect(invocations).toHaveLength(2);
    expect(invocations[0]).toEqual({
      arn: FUNCTION_ARN,
      payload: {
        version: '0',
        id: expect.any(String) as unknown,
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: '000000000000',
        time: '2026-11-25T09:45:00Z',
        region: 'eu-west-1',
        resources: ['arn:aws:events:eu-west-1:000000000000:rule/ordering-order-dev-ReportIncompleteOrdersEventsRuleSchedule1'],
        detail: {},
      },
    });
    expect((invocations[1]?.payload as { time: string }).time).toBe('2026-11-25T10:00:00Z');
    schedules.stop();
  });

  it('sends the target its constant Input instead of the event when the target has one', async () => {
    const { schedules, invocations } = setup();
    schedules.add(rule({ scheduleExpression: 'rate(1 minute)', targets: [{ Id: 'fn', Arn: FUNCTION_ARN, Input: '{"dryRun":true}' }] }));

    await jest.advanceTimersByTimeAsync(60_000);

    expect(invocations.map((invocation) => invocation.payload)).toEqual([{ dryRun: true }]);
    schedules.stop();
  });

  it('fires nothing after stop', async () => {
    const { schedules, invocations } = setup();
    schedules.add(rule({ scheduleExpression: 'rate(1 minute)' }));

    schedules.stop();
    await jest.advanceTimersByTimeAsync(10 * 60_000);

    expect(invocations).toEqual([]);
  });

  it('fires nothing when the rule is disabled', async () => {
    const { schedules, invocations } = setup();
    schedules.add(rule({ scheduleExpression: 'rate(1 minute)', state: 'DISABLED' }));

    await jest.advanceTimersByTimeAsync(10 * 60_000);

    expect(invocations).toEqual([]);
  });

  it('fires on time when the period (30 days) is longer than one timer can wait', async () => {
    const { schedules, invocations } = setup();
    schedules.add(rule({ scheduleExpression: 'rate(30 days)' }));

    await jest.advanceTimersByTimeAsync(29 * 86_400_000);
    expect(invocations).toEqual([]);
    await jest.advanceTimersByTimeAsync(86_400_000);

    expect(invocations).toHaveLength(1);
    schedules.stop();
  });

  it('logs a failed invocation and keeps the schedule when the function fails', async () => {
    const { schedules, invocations, logged } = setup({ fail: true });
    schedules.add(rule({ scheduleExpression: 'rate(1 minute)' }));

    await jest.advanceTimersByTimeAsync(2 * 60_000);

    expect(invocations).toHaveLength(2);
    expect(logged[0]).toContain(`invoking ${FUNCTION_ARN} failed: Error: TransientError: boom`);
    schedules.stop();
  });

  it('does not keep the process alive when a schedule waits', () => {
    const { schedules } = setup();
    const setTimeoutSpy = jest.spyOn(global, 'setTimeout');

    schedules.add(rule());

    const timer = setTimeoutSpy.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    schedules.stop();
    setTimeoutSpy.mockRestore();
  });

  it('accepts a target with a retry policy and a DLQ that exists', () => {
    const { schedules } = setup();

    expect(() =>
      schedules.add(rule({ targets: [{ Id: 'fn', Arn: FUNCTION_ARN, RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 900 }, DeadLetterConfig: { Arn: DLQ_ARN } }] })),
    ).not.toThrow();
    schedules.stop();
  });

  it.each([
    ['a cron expression', { scheduleExpression: 'cron(0/15 * * * ? *)' }, 'rule R: ScheduleExpression cron(0/15 * * * ? *) is not supported by the local cloud'],
    ['a target that is not a function', { targets: [{ Id: 'q', Arn: 'arn:aws:sqs:eu-west-1:000000000000:jobs' }] }, 'scheduled rules invoke Lambda functions only'],
    ['a function that does not exist', { targets: [{ Id: 'fn', Arn: `${FUNCTION_ARN}-gone` }] }, `target function ${FUNCTION_ARN}-gone does not exist`],
    ['a custom bus', { eventBusName: 'ordering-dev' }, 'only supported on the default event bus'],
    ['an unsupported target property', { targets: [{ Id: 'fn', Arn: FUNCTION_ARN, RoleArn: 'arn:aws:iam::000000000000:role/x' }] }, 'target fn properties RoleArn are not supported locally'],
    ['a DLQ that does not exist', { targets: [{ Id: 'fn', Arn: FUNCTION_ARN, DeadLetterConfig: { Arn: `${DLQ_ARN}-gone` } }] }, `target fn DeadLetterConfig.Arn ${DLQ_ARN}-gone is not a queue of the templates`],
    ['too many retries', { targets: [{ Id: 'fn', Arn: FUNCTION_ARN, RetryPolicy: { MaximumRetryAttempts: 186 } }] }, 'target fn RetryPolicy.MaximumRetryAttempts must be an integer from 0 to 185'],
    ['an event age under a minute', { targets: [{ Id: 'fn', Arn: FUNCTION_ARN, RetryPolicy: { MaximumEventAgeInSeconds: 30 } }] }, 'target fn RetryPolicy.MaximumEventAgeInSeconds must be an integer from 60 to 86400'],
  ])('refuses the rule, naming it, when it has %s', (_case, overrides, message) => {
    const { schedules } = setup();

    expect(() => schedules.add(rule({ name: 'R', ...(overrides as Partial<ScheduledRule>) }))).toThrow(message);
  });
});
