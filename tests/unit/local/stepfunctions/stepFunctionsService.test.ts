import { AwsServiceError } from '../../../../local/edge/awsJsonProtocol';
import { LambdaFunctionError, type LambdaInvoker } from '../../../../local/lambda/invoker';
import { UnsupportedStateMachineFeatureError } from '../../../../local/stepfunctions/runExecution';
import {
  StepFunctionsService,
  type ExecutionDescription,
  type StateMachineType,
} from '../../../../local/stepfunctions/stepFunctionsService';

const REGION = 'eu-west-1';
const ACCOUNT = '000000000000';
const INVOKE = 'arn:aws:states:::lambda:invoke';
const WAIT_FOR_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const RESERVE_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:ordering-inventory-dev-reserveStock`;
const ORDER = JSON.stringify({ orderId: 'ord_7Hq2Kx9mPz4Lw8Rt', amount: 5800 });
/** Tests that wait on a 1 s TimeoutSeconds clock (the smallest ASL allows). */
const TIMED_TEST_MS = 3_000;

type FunctionHandler = (payload: unknown) => unknown;

/** A fake Lambda service: records every invocation and runs the handler registered under the function name. */
const fakeInvoker = (functions: Record<string, FunctionHandler>) => {
  const calls: { functionName: string; payload: unknown }[] = [];
  const invoker: LambdaInvoker = {
    invoke: async (functionNameOrArn, payload) => {
      const functionName = functionNameOrArn.split(':').pop() ?? '';
      calls.push({ functionName, payload });
      const handler = functions[functionName];
      if (!handler) throw new LambdaFunctionError('ResourceNotFoundException', `no function ${functionName}`);
      return await handler(payload);
    },
  };
  return { invoker, calls };
};

const chargeDefinition = {
  StartAt: 'ChargePayment',
  States: {
    ChargePayment: {
      Type: 'Task',
      Resource: INVOKE,
      Parameters: { FunctionName: 'chargePayment', 'Payload.$': '$' },
      ResultSelector: { 'chargeId.$': '$.Payload.chargeId' },
      ResultPath: '$.charge',
      Retry: [{ ErrorEquals: ['TransientError'], MaxAttempts: 1, IntervalSeconds: 1 }],
      Catch: [{ ErrorEquals: ['PermanentError'], ResultPath: '$.failure', Next: 'Declined' }],
      Next: 'Charged',
    },
    Charged: { Type: 'Pass', End: true },
    Declined: { Type: 'Pass', Result: 'DECLINED', ResultPath: '$.outcome', End: true },
  },
};

const callbackDefinition = {
  StartAt: 'AwaitPayment',
  States: {
    AwaitPayment: {
      Type: 'Task',
      Resource: WAIT_FOR_TOKEN,
      Parameters: { FunctionName: 'requestPayment', Payload: { 'token.$': '$$.Task.Token', 'orderId.$': '$.orderId' } },
      HeartbeatSeconds: 60,
      ResultPath: '$.payment',
      End: true,
    },
  },
};

const setUp = (
  functions: Record<string, FunctionHandler>,
  { definition = chargeDefinition, type = 'STANDARD', now }: { definition?: object; type?: StateMachineType; now?: () => number } = {},
) => {
  const { invoker, calls } = fakeInvoker(functions);
  const service = new StepFunctionsService({ invoker, accountId: ACCOUNT, region: REGION, retryIntervalMs: 1, ...(now && { now }) });
  const stateMachineArn = service.createStateMachine({ name: 'ordering-payment-dev-charge', definition, type });
  return { service, stateMachineArn, calls };
};

/** Resolves with the description of `executionArn` once it closes. */
const closed = (service: StepFunctionsService, executionArn: string): Promise<ExecutionDescription> =>
  new Promise((resolve) => {
    const unsubscribe = service.onExecutionClosed((execution) => {
      if (execution.executionArn !== executionArn) return;
      unsubscribe();
      resolve(execution);
    });
  });

/** A function that hands its payload to the test and answers when the test says so. */
const parked = () => {
  const payloads: unknown[] = [];
  let release: (value: unknown) => void = () => undefined;
  const answer = new Promise<unknown>((resolve) => (release = resolve));
  let received: (payload: unknown) => void = () => undefined;
  const firstPayload = new Promise<unknown>((resolve) => (received = resolve));
  const handler: FunctionHandler = async (payload) => {
    payloads.push(payload);
    received(payload);
    return answer;
  };
  return { handler, firstPayload, release: (value: unknown) => release(value), payloads };
};

const tokenOf = (payload: unknown): string => (payload as { token: string }).token;

/** A function that hands every payload to the test, in turn, and answers null (it sends a callback later). */
const callbackRequests = () => {
  const received: unknown[] = [];
  const waiting: ((payload: unknown) => void)[] = [];
  const handler: FunctionHandler = (payload) => {
    const deliver = waiting.shift();
    if (deliver) deliver(payload);
    else received.push(payload);
    return null;
  };
  const next = (): Promise<unknown> =>
    new Promise((resolve) => {
      if (received.length > 0) resolve(received.shift());
      else waiting.push(resolve);
    });
  return { handler, next };
};

/** A function that throws `TransientError` until the test fixes what it depends on, then answers `result`. */
const brokenUntilFixed = (result: unknown) => {
  let fixed = false;
  const handler: FunctionHandler = () => {
    if (!fixed) throw new LambdaFunctionError('TransientError', 'provider down');
    return result;
  };
  return { handler, fix: () => (fixed = true) };
};

/** Reserves stock, then charges (one retry): the workflow a redrive resumes in the middle of. */
const fulfilDefinition = {
  StartAt: 'ReserveStock',
  States: {
    ReserveStock: {
      Type: 'Task',
      Resource: INVOKE,
      Parameters: { FunctionName: 'reserveStock', 'Payload.$': '$' },
      ResultSelector: { 'reservationId.$': '$.Payload.reservationId' },
      ResultPath: '$.reservation',
      Next: 'ChargePayment',
    },
    ChargePayment: {
      Type: 'Task',
      Resource: INVOKE,
      Parameters: { FunctionName: 'chargePayment', 'Payload.$': '$' },
      ResultSelector: { 'chargeId.$': '$.Payload.chargeId' },
      ResultPath: '$.charge',
      Retry: [{ ErrorEquals: ['TransientError'], MaxAttempts: 1, IntervalSeconds: 1 }],
      Next: 'Fulfilled',
    },
    Fulfilled: { Type: 'Pass', End: true },
  },
};

const DAY_MS = 86_400_000;
const T0 = Date.parse('2026-11-26T10:00:00Z');

/** The AWS error code an action throws (or what else it threw). */
const codeOf = (action: () => unknown): string | undefined => {
  try {
    action();
  } catch (error) {
    return error instanceof AwsServiceError ? error.code : `not an AWS error: ${String(error)}`;
  }
  return undefined;
};

describe('StepFunctionsService', () => {
  describe('createStateMachine', () => {
    it('returns the state machine ARN and describes it with its definition and type', () => {
      const { service, stateMachineArn } = setUp({});

      expect(stateMachineArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:ordering-payment-dev-charge`);
      expect(service.describeStateMachine(stateMachineArn)).toMatchObject({
        name: 'ordering-payment-dev-charge',
        status: 'ACTIVE',
        type: 'STANDARD',
        definition: JSON.stringify(chargeDefinition),
        creationDate: expect.any(Date) as Date,
      });
      expect(service.listStateMachines().stateMachines.map((machine) => machine.stateMachineArn)).toEqual([stateMachineArn]);
    });

    it('returns the same ARN when the same state machine is created again, and refuses another definition under its name', () => {
      const { service, stateMachineArn } = setUp({});

      expect(service.createStateMachine({ name: 'ordering-payment-dev-charge', definition: JSON.stringify(chargeDefinition) })).toBe(
        stateMachineArn,
      );
      expect(codeOf(() => service.createStateMachine({ name: 'ordering-payment-dev-charge', definition: callbackDefinition }))).toBe(
        'StateMachineAlreadyExists',
      );
    });

    it('refuses a Task resource the local cloud cannot run, naming the state machine, the state and the resource', () => {
      const { service } = setUp({});
      const definition = {
        StartAt: 'Notify',
        States: { Notify: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', Parameters: { Message: 'x' }, End: true } },
      };

      const create = () => service.createStateMachine({ name: 'ordering-order-dev-notify', definition });

      expect(create).toThrow(UnsupportedStateMachineFeatureError);
      expect(create).toThrow(/state machine ordering-order-dev-notify: state Notify: resource arn:aws:states:::sns:publish is not supported/);
    });

    it.each([
      ['QueryLanguage JSONata', { QueryLanguage: 'JSONata', Type: 'Pass', End: true }],
      ['variables \\(Assign\\)', { Type: 'Pass', Assign: { total: 1 }, End: true }],
      ['distributed Map ItemReader', { Type: 'Map', ItemReader: {}, ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true }],
    ])('refuses %s, which the interpreter would silently ignore', (feature, state) => {
      const { service } = setUp({});

      expect(() => service.createStateMachine({ name: 'uses-feature', definition: { StartAt: 'S', States: { S: state } } })).toThrow(
        new RegExp(`uses-feature, state S: ${feature}`),
      );
    });

    it('refuses .waitForTaskToken in an EXPRESS state machine, as AWS does', () => {
      const { service } = setUp({});

      expect(codeOf(() => service.createStateMachine({ name: 'express-callback', definition: callbackDefinition, type: 'EXPRESS' }))).toBe(
        'InvalidDefinition',
      );
    });

    it('refuses a definition that is not JSON or not valid ASL', () => {
      const { service } = setUp({});

      expect(codeOf(() => service.createStateMachine({ name: 'broken', definition: '{"StartAt":' }))).toBe('InvalidDefinition');
      expect(
        codeOf(() => service.createStateMachine({ name: 'dangling', definition: { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } } })),
      ).toBe('InvalidDefinition');
    });
  });

  describe('startExecution', () => {
    it('runs the execution in the background to SUCCEEDED with its output', async () => {
      const { service, stateMachineArn, calls } = setUp({ chargePayment: () => ({ chargeId: 'ch_1' }) });

      const { executionArn, startDate } = service.startExecution({ stateMachineArn, name: 'charge-ord_1', input: ORDER });
      expect(service.describeExecution(executionArn).status).toBe('RUNNING');
      const execution = await closed(service, executionArn);

      expect(executionArn).toBe(`arn:aws:states:${REGION}:${ACCOUNT}:execution:ordering-payment-dev-charge:charge-ord_1`);
      expect(execution).toMatchObject({ status: 'SUCCEEDED', name: 'charge-ord_1', stateMachineArn, startDate, input: ORDER });
      expect(JSON.parse(execution.output ?? '')).toEqual({ ...(JSON.parse(ORDER) as object), charge: { chargeId: 'ch_1' } });
      expect(execution.stopDate?.getTime()).toBeGreaterThanOrEqual(startDate.getTime());
      expect(calls).toEqual([{ functionName: 'chargePayment', payload: JSON.parse(ORDER) as unknown }]);
    });

    it('ends FAILED with the function error name and message when nothing catches it', async () => {
      const { service, stateMachineArn } = setUp({
        chargePayment: () => {
          throw new LambdaFunctionError('InvalidEventError', 'amount is negative');
        },
      });

      const { executionArn } = service.startExecution({ stateMachineArn, input: ORDER });
      const execution = await closed(service, executionArn);

      expect(execution).toMatchObject({ status: 'FAILED', error: 'InvalidEventError', cause: 'amount is negative' });
      expect(execution.output).toBeUndefined();
    });

    it('ends TIMED_OUT when the state machine runs past its TimeoutSeconds', async () => {
      const slow = parked();
      const { service, stateMachineArn } = setUp({ chargePayment: slow.handler }, { definition: { ...chargeDefinition, TimeoutSeconds: 1 } });

      const { executionArn } = service.startExecution({ stateMachineArn, input: ORDER });
      const execution = await closed(service, executionArn);
      slow.release({ chargeId: 'ch_late' });

      expect(execution).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    }, TIMED_TEST_MS);

    it('returns the running execution again when started twice with the same name and input', async () => {
      const slow = parked();
      const { service, stateMachineArn, calls } = setUp({ chargePayment: slow.handler });

      const first = service.startExecution({ stateMachineArn, name: 'charge-ord_1', input: ORDER });
      const second = service.startExecution({ stateMachineArn, name: 'charge-ord_1', input: ORDER });
      slow.release({ chargeId: 'ch_1' });
      await service.whenIdle();

      expect(second).toEqual(first);
      expect(calls).toHaveLength(1);
    });

    it('answers ExecutionAlreadyExists when the name is reused with another input while running', async () => {
      const slow = parked();
      const { service, stateMachineArn } = setUp({ chargePayment: slow.handler });
      service.startExecution({ stateMachineArn, name: 'charge-ord_1', input: ORDER });

      const code = codeOf(() => service.startExecution({ stateMachineArn, name: 'charge-ord_1', input: '{"orderId":"ord_2"}' }));
      slow.release({ chargeId: 'ch_1' });
      await service.whenIdle();

      expect(code).toBe('ExecutionAlreadyExists');
    });

    it('answers ExecutionAlreadyExists when the name is reused after the execution closed, even with the same input', async () => {
      const { service, stateMachineArn } = setUp({ chargePayment: () => ({ chargeId: 'ch_1' }) });
      service.startExecution({ stateMachineArn, name: 'charge-ord_1', input: ORDER });
      await service.whenIdle();

      expect(codeOf(() => service.startExecution({ stateMachineArn, name: 'charge-ord_1', input: ORDER }))).toBe('ExecutionAlreadyExists');
    });

    it('starts a separate execution for every start of an EXPRESS state machine, names included', async () => {
      const { service, stateMachineArn } = setUp({ chargePayment: () => ({ chargeId: 'ch_1' }) }, { type: 'EXPRESS' });

      const first = service.startExecution({ stateMachineArn, name: 'same', input: ORDER });
      const second = service.startExecution({ stateMachineArn, name: 'same', input: ORDER });
      await service.whenIdle();

      expect(first.executionArn).toMatch(/:express:ordering-payment-dev-charge:same:/);
      expect(second.executionArn).not.toBe(first.executionArn);
    });

    it.each([
      ['InvalidName', { name: 'has space' }],
      ['InvalidName', { name: 'x'.repeat(81) }],
      ['InvalidExecutionInput', { input: '{"orderId":' }],
      ['StateMachineDoesNotExist', { stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:missing` }],
      ['InvalidArn', { stateMachineArn: 'not-an-arn' }],
    ])('answers %s for %j', (code, override) => {
      const { service, stateMachineArn } = setUp({});

      expect(codeOf(() => service.startExecution({ stateMachineArn, input: ORDER, ...override }))).toBe(code);
      expect(service.runningCount).toBe(0);
    });
  });

  describe('task tokens', () => {
    it('resumes a .waitForTaskToken task with the output given to sendTaskSuccess', async () => {
      const requestPayment = parked();
      const { service, stateMachineArn } = setUp({ requestPayment: requestPayment.handler }, { definition: callbackDefinition });
      const { executionArn } = service.startExecution({ stateMachineArn, input: ORDER });
      const token = tokenOf(await requestPayment.firstPayload);
      requestPayment.release(null);

      service.sendTaskHeartbeat({ taskToken: token });
      service.sendTaskSuccess({ taskToken: token, output: '{"status":"PAID"}' });
      const execution = await closed(service, executionArn);

      expect(execution.status).toBe('SUCCEEDED');
      expect(JSON.parse(execution.output ?? '')).toMatchObject({ payment: { status: 'PAID' } });
    });

    it('answers TaskTimedOut to a second callback for the same token', async () => {
      const requestPayment = parked();
      const { service, stateMachineArn } = setUp({ requestPayment: requestPayment.handler }, { definition: callbackDefinition });
      service.startExecution({ stateMachineArn, input: ORDER });
      const token = tokenOf(await requestPayment.firstPayload);
      requestPayment.release(null);
      service.sendTaskSuccess({ taskToken: token, output: '{"status":"PAID"}' });

      expect(codeOf(() => service.sendTaskSuccess({ taskToken: token, output: '{"status":"PAID"}' }))).toBe('TaskTimedOut');
      expect(codeOf(() => service.sendTaskFailure({ taskToken: token, error: 'PaymentDeclined' }))).toBe('TaskTimedOut');
      expect(codeOf(() => service.sendTaskHeartbeat({ taskToken: token }))).toBe('TaskTimedOut');
      await service.whenIdle();
    });

    it('fails the execution with the error and cause given to sendTaskFailure', async () => {
      const requestPayment = parked();
      const { service, stateMachineArn } = setUp({ requestPayment: requestPayment.handler }, { definition: callbackDefinition });
      const { executionArn } = service.startExecution({ stateMachineArn, input: ORDER });
      const token = tokenOf(await requestPayment.firstPayload);
      requestPayment.release(null);

      service.sendTaskFailure({ taskToken: token, error: 'PaymentDeclined', cause: 'card expired' });

      await expect(closed(service, executionArn)).resolves.toMatchObject({ status: 'FAILED', error: 'PaymentDeclined', cause: 'card expired' });
    });

    it('answers InvalidToken to a malformed token and InvalidOutput to output that is not JSON', async () => {
      const requestPayment = parked();
      const { service, stateMachineArn } = setUp({ requestPayment: requestPayment.handler }, { definition: callbackDefinition });
      service.startExecution({ stateMachineArn, input: ORDER });
      const token = tokenOf(await requestPayment.firstPayload);
      requestPayment.release(null);

      expect(codeOf(() => service.sendTaskSuccess({ taskToken: 'not a token', output: '{}' }))).toBe('InvalidToken');
      expect(codeOf(() => service.sendTaskSuccess({ taskToken: token, output: 'PAID' }))).toBe('InvalidOutput');
      expect(service.taskTokens.pending).toBe(1);
      await service.stop();
    });
  });

  describe('stopExecution', () => {
    it('aborts a running execution with the error and cause given, and closes its task tokens', async () => {
      const requestPayment = parked();
      const { service, stateMachineArn } = setUp({ requestPayment: requestPayment.handler }, { definition: callbackDefinition });
      const { executionArn } = service.startExecution({ stateMachineArn, input: ORDER });
      const token = tokenOf(await requestPayment.firstPayload);
      requestPayment.release(null);

      const { stopDate } = service.stopExecution({ executionArn, error: 'OrderCancelled', cause: 'customer cancelled' });

      expect(service.describeExecution(executionArn)).toMatchObject({ status: 'ABORTED', stopDate, error: 'OrderCancelled', cause: 'customer cancelled' });
      expect(codeOf(() => service.sendTaskSuccess({ taskToken: token, output: '{}' }))).toBe('TaskTimedOut');
      await expect(closed(service, executionArn)).resolves.toMatchObject({ status: 'ABORTED' });
      expect(service.runningCount).toBe(0);
    });

    it('leaves a closed execution as it was', async () => {
      const { service, stateMachineArn } = setUp({ chargePayment: () => ({ chargeId: 'ch_1' }) });
      const { executionArn } = service.startExecution({ stateMachineArn, input: ORDER });
      await service.whenIdle();
      const before = service.describeExecution(executionArn);

      const { stopDate } = service.stopExecution({ executionArn });

      expect(service.describeExecution(executionArn)).toEqual(before);
      expect(stopDate).toEqual(before.stopDate);
    });

    it('answers ExecutionDoesNotExist for an execution it never started', () => {
      const { service } = setUp({});

      expect(codeOf(() => service.stopExecution({ executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:ordering-payment-dev-charge:nope` }))).toBe(
        'ExecutionDoesNotExist',
      );
    });
  });

  describe('getExecutionHistory', () => {
    it('reports retries, failures and catches in the order AWS does', async () => {
      let attempt = 0;
      const { service, stateMachineArn } = setUp({
        chargePayment: () => {
          attempt += 1;
          throw attempt === 1 ? new LambdaFunctionError('TransientError', 'provider down') : new LambdaFunctionError('PermanentError', 'card refused');
        },
      });
      const { executionArn } = service.startExecution({ stateMachineArn, input: ORDER });
      await service.whenIdle();

      const { events } = service.getExecutionHistory({ executionArn });

      expect(events.map((event) => event.type)).toEqual([
        'ExecutionStarted',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskFailed',
        'TaskScheduled',
        'TaskStarted',
        'TaskFailed',
        'TaskStateExited',
        'PassStateEntered',
        'PassStateExited',
        'ExecutionSucceeded',
      ]);
      expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
      expect(events.map((event) => event.previousEventId)).toEqual(events.map((_, index) => index));
      expect(events[0]?.executionStartedEventDetails).toMatchObject({ input: ORDER });
      expect(events[1]?.stateEnteredEventDetails).toMatchObject({ name: 'ChargePayment' });
      expect(events[2]?.taskScheduledEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke', region: REGION });
      expect(events[4]?.taskFailedEventDetails).toMatchObject({ error: 'TransientError', cause: 'provider down' });
      expect(events[7]?.taskFailedEventDetails).toMatchObject({ error: 'PermanentError', cause: 'card refused' });
      expect(events[9]?.stateEnteredEventDetails).toMatchObject({ name: 'Declined' });
      expect(JSON.parse(String(events[11]?.executionSucceededEventDetails?.output))).toMatchObject({ outcome: 'DECLINED' });
      expect(events[0]?.timestamp).toBeInstanceOf(Date);
    });

    it('reports a Lambda ARN resource with LambdaFunction events and the execution failure', async () => {
      const definition = { StartAt: 'Reserve', States: { Reserve: { Type: 'Task', Resource: RESERVE_ARN, End: true } } };
      const { service, stateMachineArn } = setUp(
        {
          'ordering-inventory-dev-reserveStock': () => {
            throw new LambdaFunctionError('OutOfStockError', 'sku_1');
          },
        },
        { definition },
      );
      const { executionArn } = service.startExecution({ stateMachineArn, input: ORDER });
      await service.whenIdle();

      const { events } = service.getExecutionHistory({ executionArn });

      expect(events.map((event) => event.type)).toEqual([
        'ExecutionStarted',
        'TaskStateEntered',
        'LambdaFunctionScheduled',
        'LambdaFunctionStarted',
        'LambdaFunctionFailed',
        'ExecutionFailed',
      ]);
      expect(events[2]?.lambdaFunctionScheduledEventDetails).toMatchObject({ resource: RESERVE_ARN, input: ORDER });
      expect(events[5]?.executionFailedEventDetails).toEqual({ error: 'OutOfStockError', cause: 'sku_1' });
    });

    it('reports Map states and their iterations', async () => {
      const definition = {
        StartAt: 'ReserveLines',
        States: {
          ReserveLines: {
            Type: 'Map',
            ItemsPath: '$.lines',
            ItemProcessor: { StartAt: 'ReserveLine', States: { ReserveLine: { Type: 'Pass', End: true } } },
            End: true,
          },
        },
      };
      const { service, stateMachineArn } = setUp({}, { definition });
      const { executionArn } = service.startExecution({ stateMachineArn, input: '{"lines":[{"sku":"a"}]}' });
      await service.whenIdle();

      const { events } = service.getExecutionHistory({ executionArn });

      expect(events.map((event) => event.type)).toEqual([
        'ExecutionStarted',
        'MapStateEntered',
        'MapStateStarted',
        'MapIterationStarted',
        'PassStateEntered',
        'PassStateExited',
        'MapIterationSucceeded',
        'MapStateSucceeded',
        'MapStateExited',
        'ExecutionSucceeded',
      ]);
      expect(events[3]?.mapIterationStartedEventDetails).toEqual({ name: 'ReserveLines', index: 0 });
    });

    it('pages with maxResults and nextToken, newest first with reverseOrder, and without data when asked', async () => {
      const { service, stateMachineArn } = setUp({ chargePayment: () => ({ chargeId: 'ch_1' }) });
      const { executionArn } = service.startExecution({ stateMachineArn, input: ORDER });
      await service.whenIdle();
      const all = service.getExecutionHistory({ executionArn }).events;

      const first = service.getExecutionHistory({ executionArn, maxResults: 4 });
      const rest = service.getExecutionHistory({ executionArn, maxResults: 100, nextToken: first.nextToken });
      const reversed = service.getExecutionHistory({ executionArn, reverseOrder: true, maxResults: 2 });
      const withoutData = service.getExecutionHistory({ executionArn, includeExecutionData: false });

      expect(first.events).toEqual(all.slice(0, 4));
      expect(rest).toEqual({ events: all.slice(4) });
      expect(reversed.events.map((event) => event.type)).toEqual(['ExecutionSucceeded', 'PassStateExited']);
      expect(service.getExecutionHistory({ executionArn, reverseOrder: true, nextToken: reversed.nextToken }).events[0]?.type).toBe(
        'PassStateEntered',
      );
      expect(withoutData.events[0]?.executionStartedEventDetails).not.toHaveProperty('input');
      expect(codeOf(() => service.getExecutionHistory({ executionArn, nextToken: 'garbage' }))).toBe('InvalidToken');
    });
  });

  describe('listExecutions', () => {
    it('lists newest first, filtered by status, a page at a time', async () => {
      const requestPayment = parked();
      const { service, stateMachineArn } = setUp({ requestPayment: requestPayment.handler }, { definition: callbackDefinition });
      const names = ['a', 'b', 'c'];
      for (const name of names) service.startExecution({ stateMachineArn, name, input: ORDER });
      service.stopExecution({ executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:b` });

      const firstPage = service.listExecutions({ stateMachineArn, maxResults: 2 });
      const secondPage = service.listExecutions({ stateMachineArn, maxResults: 2, nextToken: firstPage.nextToken });
      const running = service.listExecutions({ stateMachineArn, statusFilter: 'RUNNING' });
      requestPayment.release(null);
      await service.stop();

      expect(firstPage.executions.map((execution) => execution.name)).toEqual(['c', 'b']);
      expect(secondPage).toEqual({ executions: [expect.objectContaining({ name: 'a', status: 'RUNNING' })] });
      expect(running.executions.map((execution) => execution.name)).toEqual(['c', 'a']);
    });

    it('answers StateMachineTypeNotSupported for an EXPRESS state machine, as AWS keeps no list of them', () => {
      const { service, stateMachineArn } = setUp({}, { type: 'EXPRESS' });

      expect(codeOf(() => service.listExecutions({ stateMachineArn }))).toBe('StateMachineTypeNotSupported');
    });
  });

  describe('redriveExecution', () => {
    /** The fulfil workflow with a charge that fails until fixed; `now` is the test's clock when given. */
    const fulfil = ({ definition = fulfilDefinition, now }: { definition?: object; now?: () => number } = {}) => {
      const charge = brokenUntilFixed({ chargeId: 'ch_1' });
      const setup = setUp({ reserveStock: () => ({ reservationId: 'res_1' }), chargePayment: charge.handler }, { definition, ...(now && { now }) });
      const callsOf = (functionName: string) => setup.calls.filter((call) => call.functionName === functionName);
      return { ...setup, charge, callsOf };
    };

    /** Starts an execution and resolves with its ARN once it has FAILED. */
    const failedExecution = async (service: StepFunctionsService, stateMachineArn: string, name = 'fulfil-ord_1'): Promise<string> => {
      const { executionArn } = service.startExecution({ stateMachineArn, name, input: ORDER });
      await expect(closed(service, executionArn)).resolves.toMatchObject({ status: 'FAILED' });
      return executionArn;
    };

    it('resumes at the state that failed with the input it received, without running the states before it, when redriven', async () => {
      const { service, stateMachineArn, charge, callsOf } = fulfil();
      const executionArn = await failedExecution(service, stateMachineArn);
      charge.fix();

      service.redriveExecution({ executionArn });
      const execution = await closed(service, executionArn);

      const reserved = { ...(JSON.parse(ORDER) as object), reservation: { reservationId: 'res_1' } };
      expect(execution).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
      expect(JSON.parse(execution.output ?? '')).toEqual({ ...reserved, charge: { chargeId: 'ch_1' } });
      expect(callsOf('reserveStock')).toHaveLength(1);
      expect(callsOf('chargePayment').map((call) => call.payload)).toEqual([reserved, reserved, reserved]);
    });

    it('runs the failed task with its retries afresh when the redriven execution fails again', async () => {
      const { service, stateMachineArn, callsOf } = fulfil();
      const executionArn = await failedExecution(service, stateMachineArn);

      service.redriveExecution({ executionArn });
      const execution = await closed(service, executionArn);

      expect(execution).toMatchObject({ status: 'FAILED', error: 'TransientError', redriveCount: 1, redriveStatus: 'REDRIVABLE' });
      expect(callsOf('chargePayment')).toHaveLength(4);
      expect(callsOf('reserveStock')).toHaveLength(1);
    });

    it('makes the execution RUNNING again at once, with its redrive count and date, counted until the run closes', async () => {
      let clock = T0;
      const { service, stateMachineArn, charge } = fulfil({ now: () => clock });
      const executionArn = await failedExecution(service, stateMachineArn);
      const { startDate } = service.describeExecution(executionArn);
      charge.fix();
      clock += 60_000;

      const { redriveDate } = service.redriveExecution({ executionArn });
      const running = service.describeExecution(executionArn);
      const runningCount = service.runningCount;
      await service.whenIdle();

      expect(redriveDate).toEqual(new Date(clock));
      expect(running).toMatchObject({
        status: 'RUNNING',
        startDate,
        redriveCount: 1,
        redriveDate,
        redriveStatus: 'NOT_REDRIVABLE',
        redriveStatusReason: 'Execution is RUNNING and cannot be redriven',
      });
      expect(running.stopDate).toBeUndefined();
      expect(running.error).toBeUndefined();
      expect(runningCount).toBe(1);
      expect(service.runningCount).toBe(0);
      expect(service.describeExecution(executionArn)).toMatchObject({
        status: 'SUCCEEDED',
        startDate,
        redriveCount: 1,
        redriveDate,
        redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
      });
    });

    it('tells redriven listeners when it is redriven and closed listeners again when the redriven run closes', async () => {
      const { service, stateMachineArn, charge } = fulfil();
      const seen: string[] = [];
      service.onExecutionClosed((execution) => seen.push(`closed ${execution.status} ${execution.redriveCount}`));
      service.onExecutionRedriven((execution) => seen.push(`redriven ${execution.status} ${execution.redriveCount}`));
      const executionArn = await failedExecution(service, stateMachineArn);
      charge.fix();

      service.redriveExecution({ executionArn });
      await closed(service, executionArn);

      expect(seen).toEqual(['closed FAILED 0', 'redriven RUNNING 1', 'closed SUCCEEDED 1']);
    });

    it('describes a STANDARD execution that was never redriven with redriveCount 0 and whether it can be', async () => {
      const { service, stateMachineArn } = fulfil();
      const executionArn = await failedExecution(service, stateMachineArn);

      const described = service.describeExecution(executionArn);

      expect(described).toMatchObject({ redriveCount: 0, redriveStatus: 'REDRIVABLE' });
      expect(described.redriveDate).toBeUndefined();
      expect(described.redriveStatusReason).toBeUndefined();
    });

    it('refuses with ExecutionNotRedrivable an execution that is RUNNING', async () => {
      const slow = parked();
      const { service, stateMachineArn } = setUp({ chargePayment: slow.handler });
      const { executionArn } = service.startExecution({ stateMachineArn, input: ORDER });

      const code = codeOf(() => service.redriveExecution({ executionArn }));
      slow.release({ chargeId: 'ch_1' });
      await service.whenIdle();

      expect(code).toBe('ExecutionNotRedrivable');
    });

    it('refuses with ExecutionNotRedrivable an execution that SUCCEEDED, and runs nothing', async () => {
      const { service, stateMachineArn, calls } = setUp({ chargePayment: () => ({ chargeId: 'ch_1' }) });
      const { executionArn } = service.startExecution({ stateMachineArn, input: ORDER });
      await service.whenIdle();

      expect(codeOf(() => service.redriveExecution({ executionArn }))).toBe('ExecutionNotRedrivable');
      expect(service.runningCount).toBe(0);
      expect(calls).toHaveLength(1);
      expect(service.describeExecution(executionArn)).toMatchObject({ redriveCount: 0, redriveStatus: 'NOT_REDRIVABLE' });
    });

    it('refuses with ExecutionNotRedrivable an execution of an EXPRESS state machine, even when it failed', async () => {
      const { service, stateMachineArn } = setUp(
        {
          chargePayment: () => {
            throw new LambdaFunctionError('PaymentProviderError', 'down');
          },
        },
        { type: 'EXPRESS' },
      );
      const { executionArn } = service.startExecution({ stateMachineArn, input: ORDER });
      await service.whenIdle();

      expect(codeOf(() => service.redriveExecution({ executionArn }))).toBe('ExecutionNotRedrivable');
      expect(service.runningCount).toBe(0);
    });

    it('refuses once more than 14 days have passed since the execution closed', async () => {
      let clock = T0;
      const { service, stateMachineArn } = fulfil({ now: () => clock });
      const executionArn = await failedExecution(service, stateMachineArn);

      clock += 14 * DAY_MS;
      const onTheLastDay = service.describeExecution(executionArn).redriveStatus;
      clock += 1;
      const afterIt = service.describeExecution(executionArn);

      expect(onTheLastDay).toBe('REDRIVABLE');
      expect(afterIt).toMatchObject({ redriveStatus: 'NOT_REDRIVABLE', redriveStatusReason: 'Execution redrivable period exceeded' });
      expect(codeOf(() => service.redriveExecution({ executionArn }))).toBe('ExecutionNotRedrivable');
    });

    it('refuses the redrive after the 1000th', async () => {
      const definition = { StartAt: 'Reject', States: { Reject: { Type: 'Fail', Error: 'OrderRejected' } } };
      const { service, stateMachineArn } = setUp({}, { definition });
      const { executionArn } = service.startExecution({ stateMachineArn, input: ORDER });
      await service.whenIdle();

      for (let redrive = 1; redrive <= 1000; redrive += 1) {
        service.redriveExecution({ executionArn });
        await service.whenIdle();
      }

      expect(service.describeExecution(executionArn)).toMatchObject({ status: 'FAILED', redriveCount: 1000, redriveStatus: 'NOT_REDRIVABLE' });
      expect(codeOf(() => service.redriveExecution({ executionArn }))).toBe('ExecutionNotRedrivable');
    }, 30_000);

    it('answers the same redrive date without redriving again when a client token is repeated within 15 minutes', async () => {
      let clock = T0;
      const { service, stateMachineArn, callsOf } = fulfil({ now: () => clock });
      const executionArn = await failedExecution(service, stateMachineArn);
      const first = service.redriveExecution({ executionArn, clientToken: 'fix-1' });
      await closed(service, executionArn);
      clock += 15 * 60_000 - 1;

      const repeated = service.redriveExecution({ executionArn, clientToken: 'fix-1' });
      const afterRepeat = { ...service.describeExecution(executionArn), running: service.runningCount };
      clock += 1;
      const expired = service.redriveExecution({ executionArn, clientToken: 'fix-1' });
      await service.whenIdle();

      expect(repeated).toEqual(first);
      expect(afterRepeat).toMatchObject({ status: 'FAILED', redriveCount: 1, running: 0 });
      expect(expired.redriveDate).toEqual(new Date(clock));
      expect(service.describeExecution(executionArn).redriveCount).toBe(2);
      expect(callsOf('chargePayment')).toHaveLength(6);
    });

    it('redrives again for another client token', async () => {
      const { service, stateMachineArn } = fulfil();
      const executionArn = await failedExecution(service, stateMachineArn);
      service.redriveExecution({ executionArn, clientToken: 'fix-1' });
      await service.whenIdle();

      service.redriveExecution({ executionArn, clientToken: 'fix-2' });
      await service.whenIdle();

      expect(service.describeExecution(executionArn).redriveCount).toBe(2);
    });

    it.each([
      ['ValidationException', 'a client token longer than 64 characters', { clientToken: 'x'.repeat(65) }],
      ['ExecutionDoesNotExist', 'an execution it never started', { executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:ordering-payment-dev-charge:nope` }],
      ['InvalidArn', 'an ARN that is not an execution ARN', { executionArn: 'not-an-arn' }],
    ])('answers %s for %s', async (code, _case, override) => {
      const { service, stateMachineArn } = fulfil();
      const executionArn = await failedExecution(service, stateMachineArn);

      expect(codeOf(() => service.redriveExecution({ executionArn, ...override }))).toBe(code);
      expect(service.describeExecution(executionArn).redriveCount).toBe(0);
    });

    it('continues the history after an ExecutionRedriven event, from the state that failed', async () => {
      const { service, stateMachineArn, charge } = fulfil();
      const executionArn = await failedExecution(service, stateMachineArn);
      charge.fix();
      service.redriveExecution({ executionArn });
      await service.whenIdle();

      const { events } = service.getExecutionHistory({ executionArn });

      const retried = ['TaskScheduled', 'TaskStarted', 'TaskFailed', 'TaskScheduled', 'TaskStarted', 'TaskFailed'];
      expect(events.map((event) => event.type)).toEqual([
        'ExecutionStarted',
        ...['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited'],
        ...['TaskStateEntered', ...retried],
        'ExecutionFailed',
        'ExecutionRedriven',
        ...['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSucceeded', 'TaskStateExited'],
        ...['PassStateEntered', 'PassStateExited'],
        'ExecutionSucceeded',
      ]);
      const redriven = events.findIndex((event) => event.type === 'ExecutionRedriven');
      expect(events[redriven]?.executionRedrivenEventDetails).toEqual({ redriveCount: 1 });
      expect(events[redriven + 1]?.stateEnteredEventDetails).toMatchObject({ name: 'ChargePayment' });
      expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
    });

    it('lists redriveCount and redriveDate, and only redriven or never redriven executions with a redriveFilter', async () => {
      const { service, stateMachineArn } = fulfil();
      const redrivenArn = await failedExecution(service, stateMachineArn, 'fulfil-ord_1');
      await failedExecution(service, stateMachineArn, 'fulfil-ord_2');
      const { redriveDate } = service.redriveExecution({ executionArn: redrivenArn });
      await service.whenIdle();

      const all = service.listExecutions({ stateMachineArn }).executions;
      const redriven = service.listExecutions({ stateMachineArn, redriveFilter: 'REDRIVEN' }).executions;
      const notRedriven = service.listExecutions({ stateMachineArn, redriveFilter: 'NOT_REDRIVEN', statusFilter: 'FAILED' }).executions;

      expect(all.map(({ name, redriveCount }) => ({ name, redriveCount }))).toEqual([
        { name: 'fulfil-ord_2', redriveCount: 0 },
        { name: 'fulfil-ord_1', redriveCount: 1 },
      ]);
      expect(all[1]?.redriveDate).toEqual(redriveDate);
      expect(all[0]?.redriveDate).toBeUndefined();
      expect(redriven.map((execution) => execution.name)).toEqual(['fulfil-ord_1']);
      expect(notRedriven.map((execution) => execution.name)).toEqual(['fulfil-ord_2']);
      expect(codeOf(() => service.listExecutions({ stateMachineArn, redriveFilter: 'SOMETIMES' }))).toBe('ValidationException');
      expect(codeOf(() => service.listExecutions({ stateMachineArn, statusFilter: 'PENDING_REDRIVE' }))).toBe('ValidationException');
    });

    it('gives a .waitForTaskToken task a new token when an ABORTED execution is redriven at once, and refuses the old token', async () => {
      const requests = callbackRequests();
      const { service, stateMachineArn } = setUp({ requestPayment: requests.handler }, { definition: callbackDefinition });
      const { executionArn } = service.startExecution({ stateMachineArn, input: ORDER });
      const stoppedToken = tokenOf(await requests.next());
      service.stopExecution({ executionArn, error: 'OperatorStopped' });

      service.redriveExecution({ executionArn });
      const token = tokenOf(await requests.next());
      const oldTokenAnswer = codeOf(() => service.sendTaskSuccess({ taskToken: stoppedToken, output: '{"status":"PAID"}' }));
      service.sendTaskSuccess({ taskToken: token, output: '{"status":"PAID"}' });
      const execution = await closed(service, executionArn);

      expect(token).not.toBe(stoppedToken);
      expect(oldTokenAnswer).toBe('TaskTimedOut');
      expect(execution).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
      expect(JSON.parse(execution.output ?? '')).toMatchObject({ payment: { status: 'PAID' } });
      const types = service.getExecutionHistory({ executionArn }).events.map((event) => event.type);
      expect(types.slice(types.indexOf('ExecutionAborted'), types.indexOf('ExecutionAborted') + 3)).toEqual([
        'ExecutionAborted',
        'ExecutionRedriven',
        'TaskStateEntered',
      ]);
    });

    it(
      'resumes a TIMED_OUT execution with the execution timeout started afresh',
      async () => {
        const slow = parked();
        const definition = { ...fulfilDefinition, TimeoutSeconds: 1 };
        const { service, stateMachineArn, calls } = setUp({ reserveStock: () => ({ reservationId: 'res_1' }), chargePayment: slow.handler }, { definition });
        const { executionArn } = service.startExecution({ stateMachineArn, input: ORDER });
        await expect(closed(service, executionArn)).resolves.toMatchObject({ status: 'TIMED_OUT' });
        slow.release({ chargeId: 'ch_1' });

        service.redriveExecution({ executionArn });
        const execution = await closed(service, executionArn);

        expect(execution).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
        expect(calls.map((call) => call.functionName)).toEqual(['reserveStock', 'chargePayment', 'chargePayment']);
      },
      TIMED_TEST_MS,
    );

    it('ends ABORTED without running anything when stopped before the redriven run began', async () => {
      const { service, stateMachineArn, calls } = fulfil();
      const executionArn = await failedExecution(service, stateMachineArn);
      const callsBefore = calls.length;

      service.redriveExecution({ executionArn });
      service.stopExecution({ executionArn, error: 'OperatorStopped', cause: 'changed my mind' });
      await service.whenIdle();

      expect(service.describeExecution(executionArn)).toMatchObject({ status: 'ABORTED', error: 'OperatorStopped', redriveCount: 1 });
      expect(calls).toHaveLength(callsBefore);
      expect(service.getExecutionHistory({ executionArn }).events.slice(-3).map((event) => event.type)).toEqual([
        'ExecutionFailed',
        'ExecutionRedriven',
        'ExecutionAborted',
      ]);
    });

    it('runs a failed Map state again whole, from its recorded input, but not the states before it', async () => {
      const reserveLine = brokenUntilFixed({ reserved: true });
      const definition = {
        StartAt: 'PriceOrder',
        States: {
          PriceOrder: {
            Type: 'Task',
            Resource: INVOKE,
            Parameters: { FunctionName: 'priceOrder', 'Payload.$': '$' },
            ResultSelector: { 'total.$': '$.Payload.total' },
            ResultPath: '$.price',
            Next: 'ReserveLines',
          },
          ReserveLines: {
            Type: 'Map',
            ItemsPath: '$.lines',
            ItemProcessor: {
              StartAt: 'ReserveLine',
              States: {
                ReserveLine: {
                  Type: 'Task',
                  Resource: INVOKE,
                  Parameters: { FunctionName: 'reserveLine', 'Payload.$': '$' },
                  OutputPath: '$.Payload',
                  End: true,
                },
              },
            },
            ResultPath: '$.reserved',
            End: true,
          },
        },
      };
      const { service, stateMachineArn, calls } = setUp(
        {
          priceOrder: () => ({ total: 5800 }),
          reserveLine: (payload) => ((payload as { sku: string }).sku === 'a' ? { reserved: true } : reserveLine.handler(payload)),
        },
        { definition },
      );
      const { executionArn } = service.startExecution({ stateMachineArn, input: '{"lines":[{"sku":"a"},{"sku":"b"}]}' });
      await expect(closed(service, executionArn)).resolves.toMatchObject({ status: 'FAILED' });
      reserveLine.fix();

      service.redriveExecution({ executionArn });
      const execution = await closed(service, executionArn);

      expect(execution.status).toBe('SUCCEEDED');
      expect(JSON.parse(execution.output ?? '')).toMatchObject({ price: { total: 5800 }, reserved: [{ reserved: true }, { reserved: true }] });
      expect(calls.filter((call) => call.functionName === 'priceOrder')).toHaveLength(1);
      // AWS would run only the failed iteration again: the local cloud runs the whole Map state (its tasks are idempotent).
      expect(calls.filter((call) => call.functionName === 'reserveLine').map((call) => (call.payload as { sku: string }).sku).sort()).toEqual(['a', 'a', 'b', 'b']);
    });
  });

  describe('quiescence', () => {
    it('tells listeners about every closed execution and counts those still running', async () => {
      const { service, stateMachineArn } = setUp({ chargePayment: () => ({ chargeId: 'ch_1' }) });
      const seen: string[] = [];
      service.onExecutionClosed((execution) => seen.push(`${execution.name}:${execution.status}`));

      service.startExecution({ stateMachineArn, name: 'one', input: ORDER });
      service.startExecution({ stateMachineArn, name: 'two', input: ORDER });
      expect(service.runningCount).toBe(2);
      await service.whenIdle();
      await Promise.resolve();

      expect(service.runningCount).toBe(0);
      expect(seen.sort()).toEqual(['one:SUCCEEDED', 'two:SUCCEEDED']);
    });

    it('aborts every running execution on stop', async () => {
      const requestPayment = parked();
      const { service, stateMachineArn } = setUp({ requestPayment: requestPayment.handler }, { definition: callbackDefinition });
      const { executionArn } = service.startExecution({ stateMachineArn, input: ORDER });
      await requestPayment.firstPayload;

      await service.stop();
      requestPayment.release(null);

      expect(service.runningCount).toBe(0);
      expect(service.describeExecution(executionArn).status).toBe('ABORTED');
      expect(service.taskTokens.pending).toBe(0);
    });
  });
});
