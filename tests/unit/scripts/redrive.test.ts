import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SFNClient } from '@aws-sdk/client-sfn';
import { handleAwsJsonRequest, readBody } from '../../../local/edge/awsJsonProtocol';
import { LambdaFunctionError, type LambdaInvoker } from '../../../local/lambda/invoker';
import { stepFunctionsApi } from '../../../local/stepfunctions/stepFunctionsApi';
import { StepFunctionsService } from '../../../local/stepfunctions/stepFunctionsService';
import {
  findUnsuccessfulExecutions,
  formatRedriveReport,
  parseRedriveArgs,
  parseSince,
  REDRIVABLE_PERIOD_MS,
  redriveClientToken,
  redriveExecutions,
  redriveFound,
  UsageError,
  type RedriveReportRow,
} from '../../../scripts/redriveTools';

const REGION = 'eu-west-1';
const ACCOUNT = '000000000000';
const T0 = Date.parse('2026-11-26T10:00:00Z');
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Charges the order: the provider fails every charge until the test fixes it, except for `ord_ok`. */
const chargeDefinition = {
  StartAt: 'ChargePayment',
  States: {
    ChargePayment: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'chargePayment', 'Payload.$': '$' },
      ResultSelector: { 'chargeId.$': '$.Payload.chargeId' },
      ResultPath: '$.charge',
      Next: 'Charged',
    },
    Charged: { Type: 'Pass', End: true },
  },
};

/** Waits for the payment outcome: stopped, it ends ABORTED in AwaitPayment. */
const orderDefinition = {
  StartAt: 'AwaitPayment',
  States: {
    AwaitPayment: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'requestPayment', Payload: { 'token.$': '$$.Task.Token' } },
      End: true,
    },
  },
};

/**
 * The local cloud's Step Functions behind a real edge, reached through the real SDK client, with a provider
 * that fails until fixed and a clock the test moves.
 */
const startStepFunctions = async () => {
  let providerFixed = false;
  let tokenRequested: () => void = () => undefined;
  const clock = { now: T0 };
  const invoker: LambdaInvoker = {
    invoke: (functionName, payload) => {
      if (functionName === 'requestPayment') {
        tokenRequested();
        return Promise.resolve(null);
      }
      if (providerFixed || (payload as { orderId?: string }).orderId === 'ord_ok') return Promise.resolve({ chargeId: 'ch_1' });
      return Promise.reject(new LambdaFunctionError('PaymentProviderError', 'provider down'));
    },
  };
  const service = new StepFunctionsService({ invoker, accountId: ACCOUNT, region: REGION, now: () => clock.now });
  const machines = {
    charge: service.createStateMachine({ name: 'ordering-payment-dev-charge', definition: chargeDefinition }),
    order: service.createStateMachine({ name: 'ordering-order-dev-order', definition: orderDefinition }),
    prodCharge: service.createStateMachine({ name: 'ordering-payment-prod-charge', definition: chargeDefinition }),
    express: service.createStateMachine({ name: 'ordering-payment-dev-quote', definition: chargeDefinition, type: 'EXPRESS' }),
  };
  const services = [stepFunctionsApi(service)];
  const server: Server = createServer((request, response) => {
    void readBody(request).then((body) => handleAwsJsonRequest(services, String(request.headers['x-amz-target']), body, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const sfn = new SFNClient({ endpoint: `http://127.0.0.1:${port}`, region: REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });

  /** Starts a charge and resolves with its ARN once it has closed. */
  const run = async (machine: 'charge' | 'prodCharge', name: string, input: object = { orderId: name }): Promise<string> => {
    const { executionArn } = service.startExecution({ stateMachineArn: machines[machine], name, input: JSON.stringify(input) });
    await closed(executionArn);
    return executionArn;
  };
  const closed = (executionArn: string): Promise<void> =>
    new Promise((resolve) => {
      const unsubscribe = service.onExecutionClosed((execution) => {
        if (execution.executionArn !== executionArn) return;
        unsubscribe();
        resolve();
      });
    });
  /** Resolves when the order workflow next asks for a payment callback (and so waits for its token). */
  const tokenRequest = (): Promise<void> => new Promise((resolve) => (tokenRequested = resolve));
  const stop = async () => {
    sfn.destroy();
    await service.stop();
    await new Promise((resolve) => server.close(resolve));
  };
  return { service, sfn, machines, clock, run, closed, tokenRequest, fixProvider: () => (providerFixed = true), stop };
};

type StepFunctions = Awaited<ReturnType<typeof startStepFunctions>>;

/** Starts an order execution and stops it while it waits for its token: ABORTED in AwaitPayment. */
const abortedOrder = async ({ service, machines, tokenRequest, closed }: StepFunctions, name: string): Promise<string> => {
  const requested = tokenRequest();
  const { executionArn } = service.startExecution({ stateMachineArn: machines.order, name, input: '{}' });
  await requested;
  const stopped = closed(executionArn);
  service.stopExecution({ executionArn, error: 'OperatorStopped' });
  await stopped;
  return executionArn;
};

describe('redriveTools', () => {
  let cloud: StepFunctions;

  beforeEach(async () => {
    cloud = await startStepFunctions();
  });

  afterEach(async () => {
    await cloud.stop();
  });

  const since = (msBeforeNow: number) => new Date(cloud.clock.now - msBeforeNow);

  describe('findUnsuccessfulExecutions', () => {
    it('finds the stage’s FAILED and ABORTED executions with their error and the state they failed in', async () => {
      await cloud.run('charge', 'charge-ord_1');
      await cloud.run('charge', 'charge-ord_ok', { orderId: 'ord_ok' });
      await abortedOrder(cloud, 'order-ord_2');
      await cloud.run('prodCharge', 'charge-ord_3');
      cloud.service.startExecution({ stateMachineArn: cloud.machines.express, name: 'quote-ord_4', input: '{"orderId":"ord_4"}' });
      cloud.service.startExecution({ stateMachineArn: cloud.machines.order, name: 'order-ord_5', input: '{}' });

      const found = await findUnsuccessfulExecutions(cloud.sfn, { stage: 'dev', since: since(DAY_MS) });

      expect(found).toEqual([
        expect.objectContaining({
          stateMachine: 'ordering-order-dev-order',
          name: 'order-ord_2',
          status: 'ABORTED',
          error: 'OperatorStopped',
          failedState: 'AwaitPayment',
          redriveCount: 0,
        }),
        expect.objectContaining({
          stateMachine: 'ordering-payment-dev-charge',
          name: 'charge-ord_1',
          status: 'FAILED',
          error: 'PaymentProviderError',
          cause: 'provider down',
          failedState: 'ChargePayment',
          redriveCount: 0,
        }),
      ]);
      expect(found[1]?.stopDate).toEqual(new Date(T0));
      expect(found[1]?.notRedrivableReason).toBeUndefined();
    });

    it('leaves out the executions that closed before --since', async () => {
      await cloud.run('charge', 'charge-ord_1');
      cloud.clock.now += 2 * HOUR_MS;
      await cloud.run('charge', 'charge-ord_2');

      const found = await findUnsuccessfulExecutions(cloud.sfn, { stage: 'dev', since: since(HOUR_MS) });

      expect(found.map((execution) => execution.name)).toEqual(['charge-ord_2']);
    });

    it('finds every execution when the lists come one item a page', async () => {
      await cloud.run('charge', 'charge-ord_1');
      await cloud.run('charge', 'charge-ord_2');
      await abortedOrder(cloud, 'order-ord_3');

      const found = await findUnsuccessfulExecutions(cloud.sfn, { stage: 'dev', since: since(DAY_MS), pageSize: 1 });

      expect(found.map((execution) => execution.name).sort()).toEqual(['charge-ord_1', 'charge-ord_2', 'order-ord_3']);
    });

    it('searches only --state-machine, and refuses a name the stage does not have', async () => {
      await cloud.run('charge', 'charge-ord_1');
      await abortedOrder(cloud, 'order-ord_2');

      const found = await findUnsuccessfulExecutions(cloud.sfn, { stage: 'dev', stateMachine: 'ordering-order-dev-order', since: since(DAY_MS) });
      const otherStage = findUnsuccessfulExecutions(cloud.sfn, { stage: 'dev', stateMachine: 'ordering-payment-prod-charge', since: since(DAY_MS) });

      expect(found.map((execution) => execution.name)).toEqual(['order-ord_2']);
      await expect(otherStage).rejects.toThrow(UsageError);
      await expect(otherStage).rejects.toThrow(/no STANDARD state machine ordering-payment-prod-charge in stage dev/);
    });
  });

  describe('redriveExecutions', () => {
    it('redrives each unsuccessful execution from the state it failed in, so the fixed ones succeed', async () => {
      const charge = await cloud.run('charge', 'charge-ord_1');
      const order = await abortedOrder(cloud, 'order-ord_2');
      cloud.fixProvider();
      cloud.clock.now += HOUR_MS;
      const charged = cloud.closed(charge);
      const tokenRequested = cloud.tokenRequest();

      const rows = await redriveExecutions(cloud.sfn, { stage: 'dev', since: since(DAY_MS) });
      await Promise.all([charged, tokenRequested]);

      expect(rows.map(({ name, outcome }) => ({ name, outcome }))).toEqual([
        { name: 'order-ord_2', outcome: { kind: 'redriven', redriveDate: new Date(cloud.clock.now) } },
        { name: 'charge-ord_1', outcome: { kind: 'redriven', redriveDate: new Date(cloud.clock.now) } },
      ]);
      expect(cloud.service.describeExecution(charge)).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
      // Waiting for a new task token again, in the state it was stopped in.
      expect(cloud.service.describeExecution(order)).toMatchObject({ status: 'RUNNING', redriveCount: 1 });
      expect(cloud.service.taskTokens.pending).toBe(1);
    });

    it('reports what it would redrive and redrives nothing in a dry run', async () => {
      const charge = await cloud.run('charge', 'charge-ord_1');

      const rows = await redriveExecutions(cloud.sfn, { stage: 'dev', since: since(DAY_MS), dryRun: true });

      expect(rows.map((row) => row.outcome)).toEqual([{ kind: 'would-redrive' }]);
      expect(cloud.service.describeExecution(charge)).toMatchObject({ status: 'FAILED', redriveCount: 0 });
    });

    it('reports why an execution cannot be redriven, and redrives the others', async () => {
      await cloud.run('charge', 'charge-ord_1');
      cloud.clock.now += 15 * DAY_MS;
      const recent = await cloud.run('charge', 'charge-ord_2');

      const rows = await redriveExecutions(cloud.sfn, { stage: 'dev', since: since(16 * DAY_MS) });
      await cloud.service.whenIdle();

      expect(rows.map(({ name, outcome }) => ({ name, kind: outcome.kind }))).toEqual([
        { name: 'charge-ord_1', kind: 'not-redrivable' },
        { name: 'charge-ord_2', kind: 'redriven' },
      ]);
      expect(rows[0]?.outcome).toEqual({ kind: 'not-redrivable', reason: 'Execution redrivable period exceeded' });
      expect(cloud.service.describeExecution(recent).redriveCount).toBe(1);
    });

    it('redrives an execution once when two runs of the tool found the same failure', async () => {
      const charge = await cloud.run('charge', 'charge-ord_1');
      cloud.fixProvider();
      const foundByOne = await findUnsuccessfulExecutions(cloud.sfn, { stage: 'dev', since: since(DAY_MS) });
      const foundByOther = await findUnsuccessfulExecutions(cloud.sfn, { stage: 'dev', since: since(DAY_MS) });

      const first = await redriveFound(cloud.sfn, foundByOne, {});
      const second = await redriveFound(cloud.sfn, foundByOther, {});
      await cloud.service.whenIdle();

      expect(first.map((row) => row.outcome)).toEqual([{ kind: 'redriven', redriveDate: new Date(cloud.clock.now) }]);
      expect(second.map((row) => row.outcome)).toEqual(first.map((row) => row.outcome));
      expect(cloud.service.describeExecution(charge)).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    });

    it('reports a redrive that failed for another reason, and redrives the others', async () => {
      const throttled = await cloud.run('charge', 'charge-ord_1');
      await cloud.run('charge', 'charge-ord_2');
      cloud.sfn.middlewareStack.add(
        (next, context) => (args) => {
          const input = args.input as { executionArn?: string };
          if (context.commandName === 'RedriveExecutionCommand' && input.executionArn === throttled) {
            return Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
          }
          return next(args);
        },
        { step: 'initialize', name: 'throttleOneRedrive' },
      );

      const rows = await redriveExecutions(cloud.sfn, { stage: 'dev', since: since(DAY_MS) });

      expect(rows.map(({ name, outcome }) => ({ name, outcome }))).toEqual([
        { name: 'charge-ord_1', outcome: { kind: 'failed', error: 'ThrottlingException: Rate exceeded' } },
        { name: 'charge-ord_2', outcome: { kind: 'redriven', redriveDate: new Date(cloud.clock.now) } },
      ]);
    });
  });
});

describe('redriveClientToken', () => {
  const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:ordering-payment-dev-charge:${'c'.repeat(80)}`;

  it('is the same for the same redrive of the same execution, and fits RedriveExecution’s 64 characters', () => {
    const token = redriveClientToken({ executionArn, redriveCount: 0 });

    expect(redriveClientToken({ executionArn, redriveCount: 0 })).toBe(token);
    expect(token.length).toBeLessThanOrEqual(64);
    expect(token).toMatch(/^[!-~]+$/);
  });

  it('differs for the next redrive and for another execution', () => {
    const token = redriveClientToken({ executionArn, redriveCount: 0 });

    expect(redriveClientToken({ executionArn, redriveCount: 1 })).not.toBe(token);
    expect(redriveClientToken({ executionArn: `${executionArn}x`, redriveCount: 0 })).not.toBe(token);
  });
});

describe('formatRedriveReport', () => {
  const row = (override: Partial<RedriveReportRow>): RedriveReportRow => ({
    stateMachine: 'ordering-payment-dev-charge',
    executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:ordering-payment-dev-charge:charge-ord_1`,
    name: 'charge-ord_1',
    status: 'FAILED',
    stopDate: new Date(T0),
    error: 'PaymentProviderError',
    cause: 'provider down',
    failedState: 'ChargePayment',
    redriveCount: 0,
    outcome: { kind: 'redriven', redriveDate: new Date(T0 + HOUR_MS) },
    ...override,
  });

  it('prints one row per execution with its error, the state it failed in and what was done, then a summary', () => {
    const report = formatRedriveReport(
      [row({}), row({ name: 'charge-ord_2', error: undefined, cause: undefined, failedState: undefined, outcome: { kind: 'not-redrivable', reason: 'Execution redrivable period exceeded' } })],
      { stage: 'dev', since: new Date(T0 - DAY_MS) },
    );

    const lines = report.split('\n');
    expect(lines[0]).toBe('2 unsuccessful execution(s) in stage dev closed since 2026-11-25T10:00:00.000Z');
    expect(lines[2]).toMatch(/^state machine\s+execution\s+status\s+closed\s+error\s+failed in\s+result$/);
    expect(lines[3]).toMatch(
      /^ordering-payment-dev-charge\s+charge-ord_1\s+FAILED\s+2026-11-26T10:00:00.000Z\s+PaymentProviderError: provider down\s+ChargePayment\s+redriven at 2026-11-26T11:00:00.000Z$/,
    );
    expect(lines[4]).toMatch(/charge-ord_2\s+FAILED\s+2026-11-26T10:00:00.000Z\s+-\s+-\s+not redriven: Execution redrivable period exceeded$/);
    expect(lines.at(-1)).toBe('redriven 1, not redrivable 1, redrive failed 0');
  });

  it('says nothing was redriven in a dry run', () => {
    const report = formatRedriveReport([row({ outcome: { kind: 'would-redrive' } })], { stage: 'dev', since: new Date(T0), dryRun: true });

    expect(report.split('\n')[0]).toMatch(/\(dry run: nothing redriven\)$/);
    expect(report).toMatch(/would redrive \(dry run\)/);
    expect(report.split('\n').at(-1)).toBe('would redrive 1, not redrivable 0');
  });

  it('prints only the header when nothing was found', () => {
    expect(formatRedriveReport([], { stage: 'dev', since: new Date(T0) })).toBe('0 unsuccessful execution(s) in stage dev closed since 2026-11-26T10:00:00.000Z');
  });
});

describe('parseRedriveArgs', () => {
  const NOW = new Date(T0);

  it('defaults to the dev stage, every state machine and the last 14 days when given no option', () => {
    expect(parseRedriveArgs([], NOW)).toEqual({ help: false, options: { stage: 'dev', since: new Date(T0 - REDRIVABLE_PERIOD_MS), dryRun: false } });
  });

  it('reads every option, as --name value or --name=value', () => {
    const parsed = parseRedriveArgs(['--state-machine', 'ordering-payment-prod-charge', '--since=6h', '--stage', 'prod', '--dry-run'], NOW);

    expect(parsed).toEqual({
      help: false,
      options: { stage: 'prod', stateMachine: 'ordering-payment-prod-charge', since: new Date(T0 - 6 * HOUR_MS), dryRun: true },
    });
  });

  it('answers help when asked, whatever else is given', () => {
    expect(parseRedriveArgs(['--stage', 'dev', '--help'], NOW)).toEqual({ help: true });
    expect(parseRedriveArgs(['-h'], NOW)).toEqual({ help: true });
  });

  it.each([
    [['--stages', 'dev'], /unknown option '--stages'/],
    [['dev'], /unknown option 'dev'/],
    [['--since'], /--since needs a value/],
    [['--since', '--dry-run'], /--since needs a value/],
    [['--since', 'yesterday'], /--since: 'yesterday' is not a time/],
    [['--since', '2026-11-26T10:00:00'], /--since: '2026-11-26T10:00:00' is not a time/],
    [['--since', '2026-13-40'], /--since: '2026-13-40' is not a time/],
    [['--since', '2027-01-01'], /--since: '2027-01-01' is in the future/],
    [['--stage', 'dev', '--stage', 'prod'], /--stage is given twice/],
    [['--stage', 'd e v'], /--stage: 'd e v' is not a stage name/],
    [['--state-machine', 'arn:aws:states:eu-west-1:000000000000:stateMachine:x'], /--state-machine: .* is not a state machine name/],
  ])('refuses %j with a UsageError naming what is wrong', (argv, message) => {
    const parse = () => parseRedriveArgs(argv, NOW);

    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(message);
  });
});

describe('parseSince', () => {
  const NOW = new Date(T0);

  it.each([
    ['30m', T0 - 30 * 60_000],
    ['6h', T0 - 6 * HOUR_MS],
    ['3d', T0 - 3 * DAY_MS],
    ['2026-11-20', Date.parse('2026-11-20T00:00:00Z')],
    ['2026-11-26T08:30:00Z', Date.parse('2026-11-26T08:30:00Z')],
    ['2026-11-26T09:30:00+01:00', Date.parse('2026-11-26T08:30:00Z')],
  ])('reads %s', (text, expected) => {
    expect(parseSince(text, NOW)).toEqual(new Date(expected));
  });
});
