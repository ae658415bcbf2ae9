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
  { definition = chargeDefinition, type = 'STANDARD' }: { definition?: object; type?: StateMachineType } = {},
) => {
  const { invoker, calls } = fakeInvoker(functions);
  const service = new StepFunctionsService({ invoker, accountId: ACCOUNT, region: REGION, retryIntervalMs: 1 });
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
