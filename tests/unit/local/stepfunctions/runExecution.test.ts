import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { PermanentError, TransientError } from '#shared/errors';
import {
  runExecution,
  TaskTokens,
  UnsupportedStateMachineFeatureError,
  type InvokeLambda,
  type ResumeAt,
  type RunningExecution,
} from '../../../../local/stepfunctions/runExecution';
import { TaskTokenClosedError } from '../../../../local/stepfunctions/taskTokens';

const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:000000000000:stateMachine:ordering-payment-dev-charge';
const EXECUTION_ARN = 'arn:aws:states:eu-west-1:000000000000:execution:ordering-payment-dev-charge:charge-ord_7Hq2Kx9mPz4Lw8Rt';
const CHARGE_ARN = 'arn:aws:lambda:eu-west-1:000000000000:function:ordering-payment-dev-chargePayment';
const INVOKE = 'arn:aws:states:::lambda:invoke';
const WAIT_FOR_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const ORDER = { orderId: 'ord_7Hq2Kx9mPz4Lw8Rt', total: { amount: 5800, currency: 'EUR' } };
/** Tests that wait on a 1 s TimeoutSeconds/HeartbeatSeconds clock. */
const TIMED_TEST_MS = 4_000;

/** Inline ASL; the library's types lack some fields (HeartbeatSeconds), hence the cast. */
const asl = (definition: { StartAt: string; States: Record<string, unknown> }): StateMachineDefinition =>
  definition as unknown as StateMachineDefinition;

type FunctionHandler = (payload: unknown) => unknown;

/** A fake Lambda service: records every invocation and runs the handler registered under the name. */
const fakeLambdas = (functions: Record<string, FunctionHandler>) => {
  const calls: { functionName: string; payload: unknown }[] = [];
  const invokeLambda: InvokeLambda = async (functionName, payload) => {
    calls.push({ functionName, payload });
    const handler = functions[functionName];
    if (!handler) throw new Error(`no function ${functionName}`);
    return await handler(payload);
  };
  return { calls, invokeLambda };
};

const start = (
  definition: StateMachineDefinition,
  functions: Record<string, FunctionHandler>,
  { input = ORDER, taskTokens = new TaskTokens(), resumeAt }: { input?: unknown; taskTokens?: TaskTokens; resumeAt?: ResumeAt } = {},
) => {
  const lambdas = fakeLambdas(functions);
  const run = runExecution({
    definition,
    input,
    executionArn: EXECUTION_ARN,
    invokeLambda: lambdas.invokeLambda,
    taskTokens,
    retryIntervalMs: 1,
    ...(resumeAt && { resumeAt }),
  });
  return { run, taskTokens, calls: lambdas.calls };
};

/** Resolves once `condition` holds; fails fast instead of hanging when it never does. */
const eventually = async (condition: () => boolean, withinMs = 1_000): Promise<void> => {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

const tokenOf = (payload: unknown): string => (payload as { token: string }).token;

const thrownBy = (action: () => unknown): unknown => {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
};

const statesEntered = (run: RunningExecution) =>
  run.events.filter((event) => event.type === 'StateEntered').map((event) => event.stateName);

/** A single task that waits for its token, with its Payload carrying the token. */
const waitingTask = (extra: Record<string, unknown> = {}) => ({
  Type: 'Task',
  Resource: WAIT_FOR_TOKEN,
  Parameters: { FunctionName: 'requestCharge', Payload: { 'token.$': '$$.Task.Token', 'orderId.$': '$.orderId' } },
  ...extra,
});

describe('runExecution', () => {
  describe('lambda:invoke', () => {
    it('outputs the function result as Payload with StatusCode 200 and ExecutedVersion when the resource is lambda:invoke', async () => {
      const { run } = start(
        asl({
          StartAt: 'Charge',
          States: { Charge: { Type: 'Task', Resource: INVOKE, Parameters: { FunctionName: CHARGE_ARN, 'Payload.$': '$' }, End: true } },
        }),
        { [CHARGE_ARN]: () => ({ status: 'CHARGED' }) },
      );

      await expect(run.result).resolves.toEqual({ Payload: { status: 'CHARGED' }, StatusCode: 200, ExecutedVersion: '$LATEST' });
    });

    it('passes FunctionName and the resolved Payload to invokeLambda when a lambda:invoke task runs', async () => {
      const { run, calls } = start(
        asl({
          StartAt: 'Charge',
          States: {
            Charge: {
              Type: 'Task',
              Resource: INVOKE,
              Parameters: {
                FunctionName: CHARGE_ARN,
                Payload: {
                  'orderId.$': '$.orderId',
                  'amount.$': '$.total.amount',
                  'execution.$': '$$.Execution.Name',
                  'stateMachine.$': '$$.StateMachine.Id',
                  reason: 'order placed',
                },
              },
              End: true,
            },
          },
        }),
        { [CHARGE_ARN]: () => null },
      );

      await run.result;

      expect(calls).toEqual([
        {
          functionName: CHARGE_ARN,
          payload: {
            orderId: ORDER.orderId,
            amount: 5800,
            execution: 'charge-ord_7Hq2Kx9mPz4Lw8Rt',
            stateMachine: STATE_MACHINE_ARN,
            reason: 'order placed',
          },
        },
      ]);
    });

    it('keeps only the function result in the state output when ResultSelector picks $.Payload', async () => {
      const { run } = start(
        asl({
          StartAt: 'Charge',
          States: {
            Charge: {
              Type: 'Task',
              Resource: INVOKE,
              Parameters: { FunctionName: CHARGE_ARN, 'Payload.$': '$' },
              ResultSelector: { 'payment.$': '$.Payload' },
              ResultPath: '$.charge',
              End: true,
            },
          },
        }),
        { [CHARGE_ARN]: () => ({ status: 'CHARGED', chargeId: 'ch_1' }) },
      );

      await expect(run.result).resolves.toEqual({ ...ORDER, charge: { payment: { status: 'CHARGED', chargeId: 'ch_1' } } });
    });

    it('fails the task with UnsupportedStateMachineFeatureError when lambda:invoke has no FunctionName', async () => {
      const { run, calls } = start(
        asl({ StartAt: 'Charge', States: { Charge: { Type: 'Task', Resource: INVOKE, Parameters: { 'Payload.$': '$' }, End: true } } }),
        {},
      );

      const error: unknown = await run.result.catch((reason: unknown) => reason);

      expect(error).toBeInstanceOf(UnsupportedStateMachineFeatureError);
      expect((error as Error).message).toContain('Charge');
      expect(calls).toEqual([]);
    });
  });

  describe('plain Lambda ARN resource', () => {
    it('passes the state input as payload and outputs the function result unwrapped when the resource is a Lambda ARN', async () => {
      const { run, calls } = start(
        asl({ StartAt: 'Charge', States: { Charge: { Type: 'Task', Resource: CHARGE_ARN, End: true } } }),
        { [CHARGE_ARN]: () => ({ status: 'CHARGED' }) },
      );

      await expect(run.result).resolves.toEqual({ status: 'CHARGED' });
      expect(calls).toEqual([{ functionName: CHARGE_ARN, payload: ORDER }]);
    });

    it('passes the InputPath selection as payload when the Lambda ARN state sets InputPath', async () => {
      const { run, calls } = start(
        asl({ StartAt: 'Charge', States: { Charge: { Type: 'Task', Resource: CHARGE_ARN, InputPath: '$.total', End: true } } }),
        { [CHARGE_ARN]: () => 'ok' },
      );

      await run.result;

      expect(calls.map((call) => call.payload)).toEqual([ORDER.total]);
    });
  });

  describe('Retry and Catch', () => {
    /** Charge, plus the states its Catch may route to (the validator refuses unreachable states). */
    const chargeWith = (errorHandling: Record<string, unknown>, targets: string[] = []) =>
      asl({
        StartAt: 'Charge',
        States: {
          Charge: {
            Type: 'Task',
            Resource: INVOKE,
            Parameters: { FunctionName: 'chargePayment', 'Payload.$': '$' },
            ResultSelector: { 'status.$': '$.Payload.status' },
            ResultPath: '$.charge',
            End: true,
            ...errorHandling,
          },
          ...(targets.includes('Compensate') && { Compensate: { Type: 'Pass', End: true } }),
          ...(targets.includes('Unexpected') && { Unexpected: { Type: 'Fail', Error: 'WrongCatcher' } }),
        },
      });

    /** A function that throws the given errors in turn, then succeeds. */
    const failing = (...errors: Error[]): FunctionHandler => () => {
      const error = errors.shift();
      if (error) throw error;
      return { status: 'CHARGED' };
    };

    it('retries the task until it succeeds when the function throws a TransientError that a Retry matches', async () => {
      const { run, calls } = start(
        chargeWith({ Retry: [{ ErrorEquals: ['TransientError'], IntervalSeconds: 60, MaxAttempts: 3 }] }),
        { chargePayment: failing(new TransientError('provider unavailable'), new TransientError('provider unavailable')) },
      );

      await expect(run.result).resolves.toEqual({ ...ORDER, charge: { status: 'CHARGED' } });
      expect(calls).toHaveLength(3);
      expect(run.events.filter((event) => event.type === 'StateRetried')).toHaveLength(2);
    });

    it('routes to the Catch matching the error name with Error and Cause at its ResultPath when retries are exhausted', async () => {
      const { run, calls } = start(
        chargeWith({
          Retry: [{ ErrorEquals: ['TransientError'], MaxAttempts: 1 }],
          Catch: [
            { ErrorEquals: ['PermanentError'], Next: 'Unexpected' },
            { ErrorEquals: ['TransientError'], Next: 'Compensate', ResultPath: '$.error' },
          ],
        }, ['Compensate', 'Unexpected']),
        { chargePayment: failing(new TransientError('provider unavailable'), new TransientError('provider still unavailable')) },
      );

      await expect(run.result).resolves.toEqual({
        ...ORDER,
        error: { Error: 'TransientError', Cause: 'provider still unavailable' },
      });
      expect(calls).toHaveLength(2);
      expect(statesEntered(run)).toEqual(['Charge', 'Compensate']);
    });

    it('does not retry an error whose name no Retry matches when a Catch for it exists', async () => {
      const { run, calls } = start(
        chargeWith({
          Retry: [{ ErrorEquals: ['TransientError'], MaxAttempts: 3 }],
          Catch: [{ ErrorEquals: ['PermanentError'], Next: 'Compensate', ResultPath: '$.error' }],
        }, ['Compensate']),
        { chargePayment: failing(new PermanentError('total does not match lines')) },
      );

      await expect(run.result).resolves.toMatchObject({ error: { Error: 'PermanentError', Cause: 'total does not match lines' } });
      expect(calls).toHaveLength(1);
    });

    it('rejects result with the function error itself when no Catch matches it', async () => {
      const error = new PermanentError('total does not match lines');
      const { run } = start(chargeWith({}), { chargePayment: failing(error) });

      await expect(run.result).rejects.toBe(error);
    });

    it('rejects result with the Fail state Error as name and Cause as message when the execution reaches a Fail state', async () => {
      const { run } = start(asl({ StartAt: 'Reject', States: { Reject: { Type: 'Fail', Error: 'OrderRejected', Cause: 'out of stock' } } }), {});

      await expect(run.result).rejects.toMatchObject({ name: 'OrderRejected', message: 'out of stock' });
    });
  });

  describe('lambda:invoke.waitForTaskToken', () => {
    it('mints a distinct token per task and outputs what succeed passed when two parallel branches wait', async () => {
      const branch = (state: string, functionName: string) => ({
        StartAt: state,
        States: {
          [state]: {
            Type: 'Task',
            Resource: WAIT_FOR_TOKEN,
            Parameters: { FunctionName: functionName, Payload: { 'token.$': '$$.Task.Token', 'orderId.$': '$.orderId' } },
            End: true,
          },
        },
      });
      const { run, calls, taskTokens } = start(
        asl({
          StartAt: 'ChargeAndReserve',
          States: { ChargeAndReserve: { Type: 'Parallel', Branches: [branch('AwaitPayment', 'requestCharge'), branch('AwaitStock', 'requestReservation')], End: true } },
        }),
        { requestCharge: () => null, requestReservation: () => null },
      );
      await eventually(() => calls.length === 2);
      const tokenFor = (functionName: string) => tokenOf(calls.find((call) => call.functionName === functionName)?.payload);
      const pendingWhileWaiting = taskTokens.pending;

      taskTokens.succeed(tokenFor('requestReservation'), { stock: 'RESERVED' });
      taskTokens.succeed(tokenFor('requestCharge'), { payment: 'CHARGED' });

      await expect(run.result).resolves.toEqual([{ payment: 'CHARGED' }, { stock: 'RESERVED' }]);
      expect(pendingWhileWaiting).toBe(2);
      expect(tokenFor('requestCharge')).not.toBe(tokenFor('requestReservation'));
      expect(calls.map((call) => (call.payload as { orderId: string }).orderId)).toEqual([ORDER.orderId, ORDER.orderId]);
      for (const call of calls) {
        expect(tokenOf(call.payload)).toMatch(/^\S{20,}$/);
        expect(tokenOf(call.payload)).not.toContain('__LOCAL_TASK_TOKEN__');
      }
    });

    it('mints a new token when the same waiting state runs again after a retry', async () => {
      let attempts = 0;
      const { run, calls, taskTokens } = start(
        asl({
          StartAt: 'AwaitPayment',
          States: { AwaitPayment: waitingTask({ Retry: [{ ErrorEquals: ['PaymentProviderBusy'], MaxAttempts: 1 }], End: true }) },
        }),
        { requestCharge: () => (attempts += 1) },
      );
      await eventually(() => calls.length === 1);
      const firstToken = tokenOf(calls[0]?.payload);
      taskTokens.fail(firstToken, 'PaymentProviderBusy', 'try later');
      await eventually(() => calls.length === 2);
      const secondToken = tokenOf(calls[1]?.payload);

      taskTokens.succeed(secondToken, { payment: 'CHARGED' });

      await expect(run.result).resolves.toEqual({ payment: 'CHARGED' });
      expect(secondToken).not.toBe(firstToken);
    });

    it('fails the task with the error name given to fail so a Catch by that name runs when the token is failed', async () => {
      const { run, calls, taskTokens } = start(
        asl({
          StartAt: 'AwaitPayment',
          States: {
            AwaitPayment: waitingTask({
              ResultPath: '$.payment',
              Catch: [{ ErrorEquals: ['PaymentDeclined'], Next: 'Declined', ResultPath: '$.error' }],
              End: true,
            }),
            Declined: { Type: 'Pass', End: true },
          },
        }),
        { requestCharge: () => null },
      );
      await eventually(() => calls.length === 1);

      taskTokens.fail(tokenOf(calls[0]?.payload), 'PaymentDeclined', 'card declined');

      await expect(run.result).resolves.toEqual({ ...ORDER, error: { Error: 'PaymentDeclined', Cause: 'card declined' } });
      expect(statesEntered(run)).toEqual(['AwaitPayment', 'Declined']);
    });

    it('refuses a second succeed on the same token with TaskTokenClosedError when the task was already resumed', async () => {
      const { run, calls, taskTokens } = start(asl({ StartAt: 'AwaitPayment', States: { AwaitPayment: waitingTask({ End: true }) } }), {
        requestCharge: () => null,
      });
      await eventually(() => calls.length === 1);
      const token = tokenOf(calls[0]?.payload);

      taskTokens.succeed(token, { payment: 'CHARGED' });
      const second = thrownBy(() => taskTokens.succeed(token, { payment: 'CHARGED-AGAIN' }));

      await expect(run.result).resolves.toEqual({ payment: 'CHARGED' });
      expect(second).toBeInstanceOf(TaskTokenClosedError);
    });

    it('fails the task when the function that should deliver the token throws', async () => {
      const { run, taskTokens } = start(
        asl({
          StartAt: 'AwaitPayment',
          States: { AwaitPayment: waitingTask({ Catch: [{ ErrorEquals: ['TransientError'], Next: 'Failed', ResultPath: '$.error' }], End: true }), Failed: { Type: 'Pass', End: true } },
        }),
        {
          requestCharge: () => {
            throw new TransientError('queue unavailable');
          },
        },
      );

      await expect(run.result).resolves.toMatchObject({ error: { Error: 'TransientError', Cause: 'queue unavailable' } });
      expect(taskTokens.pending).toBe(0);
    });

    it(
      'fails the task with States.Timeout and refuses the token from then on when TimeoutSeconds elapses without a callback',
      async () => {
        const lateCallbacks: unknown[] = [];
        const taskTokens = new TaskTokens();
        let token = '';
        const { run } = start(
          asl({
            StartAt: 'AwaitPayment',
            States: {
              AwaitPayment: waitingTask({
                TimeoutSeconds: 1,
                Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'TimedOut', ResultPath: '$.error' }],
                End: true,
              }),
              // Still inside the same execution: a callback arriving now must be refused, as on AWS.
              TimedOut: { Type: 'Task', Resource: INVOKE, Parameters: { FunctionName: 'lateCallback', Payload: {} }, ResultPath: null, End: true },
            },
          }),
          {
            requestCharge: (payload) => (token = tokenOf(payload)),
            lateCallback: () => lateCallbacks.push(thrownBy(() => taskTokens.succeed(token, { payment: 'CHARGED' }))),
          },
          { taskTokens },
        );

        const output = await run.result;
        const afterwards = thrownBy(() => taskTokens.succeed(token, { payment: 'CHARGED' }));

        expect(output).toMatchObject({ error: { Error: 'States.Timeout' } });
        expect(lateCallbacks).toHaveLength(1);
        expect(lateCallbacks[0]).toBeInstanceOf(TaskTokenClosedError);
        expect(afterwards).toBeInstanceOf(TaskTokenClosedError);
        expect(afterwards).toMatchObject({ name: 'TaskTimedOut' });
      },
      TIMED_TEST_MS,
    );

    it(
      'reads the timeout from the state input when the waiting task sets TimeoutSecondsPath',
      async () => {
        const { run, calls } = start(
          asl({
            StartAt: 'AwaitPayment',
            States: {
              AwaitPayment: waitingTask({
                TimeoutSecondsPath: '$.timeouts.paymentSeconds',
                Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'TimedOut', ResultPath: '$.error' }],
                End: true,
              }),
              TimedOut: { Type: 'Pass', End: true },
            },
          }),
          { requestCharge: () => null },
          { input: { ...ORDER, timeouts: { paymentSeconds: 1 } } },
        );

        await expect(run.result).resolves.toMatchObject({ error: { Error: 'States.Timeout' } });
        expect(calls).toEqual([{ functionName: 'requestCharge', payload: { token: expect.any(String) as unknown, orderId: ORDER.orderId } }]);
      },
      TIMED_TEST_MS,
    );

    it('passes the unchanged state input to a Lambda ARN task when it sets TimeoutSecondsPath and no Parameters', async () => {
      const input = { ...ORDER, timeouts: { chargeSeconds: 5 } };
      const { run, calls } = start(
        asl({ StartAt: 'Charge', States: { Charge: { Type: 'Task', Resource: CHARGE_ARN, TimeoutSecondsPath: '$.timeouts.chargeSeconds', End: true } } }),
        { [CHARGE_ARN]: () => 'CHARGED' },
        { input },
      );

      await expect(run.result).resolves.toBe('CHARGED');
      expect(calls).toEqual([{ functionName: CHARGE_ARN, payload: input }]);
    });

    it(
      'fails the task with States.HeartbeatTimeout when HeartbeatSeconds elapses without a heartbeat',
      async () => {
        const { run, calls, taskTokens } = start(
          asl({
            StartAt: 'AwaitPayment',
            States: {
              AwaitPayment: waitingTask({
                HeartbeatSeconds: 1,
                TimeoutSeconds: 10,
                Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], Next: 'Stalled', ResultPath: '$.error' }],
                End: true,
              }),
              Stalled: { Type: 'Pass', End: true },
            },
          }),
          { requestCharge: () => null },
        );
        await eventually(() => calls.length === 1);
        const startedAt = Date.now();

        const output = await run.result;

        expect(output).toMatchObject({ error: { Error: 'States.HeartbeatTimeout' } });
        expect(Date.now() - startedAt).toBeGreaterThanOrEqual(900);
        expect(thrownBy(() => taskTokens.heartbeat(tokenOf(calls[0]?.payload)))).toBeInstanceOf(TaskTokenClosedError);
      },
      TIMED_TEST_MS,
    );

    it(
      'reads the heartbeat from the state input when the waiting task sets HeartbeatSecondsPath',
      async () => {
        const { run } = start(
          asl({
            StartAt: 'AwaitPayment',
            States: {
              AwaitPayment: waitingTask({
                HeartbeatSecondsPath: '$.heartbeatSeconds',
                TimeoutSeconds: 10,
                Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], Next: 'Stalled', ResultPath: '$.error' }],
                End: true,
              }),
              Stalled: { Type: 'Pass', End: true },
            },
          }),
          { requestCharge: () => null },
          { input: { ...ORDER, heartbeatSeconds: 1 } },
        );

        await expect(run.result).resolves.toMatchObject({ error: { Error: 'States.HeartbeatTimeout' } });
      },
      TIMED_TEST_MS,
    );

    it(
      'keeps the task waiting past HeartbeatSeconds when heartbeats arrive in time, until it succeeds',
      async () => {
        const { run, calls, taskTokens } = start(
          asl({ StartAt: 'AwaitPayment', States: { AwaitPayment: waitingTask({ HeartbeatSeconds: 1, TimeoutSeconds: 10, End: true }) } }),
          { requestCharge: () => null },
        );
        await eventually(() => calls.length === 1);
        const token = tokenOf(calls[0]?.payload);
        const heartbeats = setInterval(() => taskTokens.heartbeat(token), 300);

        await new Promise((resolve) => setTimeout(resolve, 1_500));
        clearInterval(heartbeats);
        taskTokens.succeed(token, { payment: 'CHARGED' });

        await expect(run.result).resolves.toEqual({ payment: 'CHARGED' });
      },
      TIMED_TEST_MS,
    );
  });

  describe('Map', () => {
    it('runs the ItemProcessor task once per item and collects the outputs in item order when a Map state iterates', async () => {
      const { run, calls } = start(
        asl({
          StartAt: 'ReserveLines',
          States: {
            ReserveLines: {
              Type: 'Map',
              ItemsPath: '$.lines',
              ItemProcessor: {
                StartAt: 'Reserve',
                States: {
                  Reserve: {
                    Type: 'Task',
                    Resource: INVOKE,
                    Parameters: { FunctionName: 'reserveStock', Payload: { 'sku.$': '$.sku', 'quantity.$': '$.quantity' } },
                    ResultSelector: { 'reservation.$': '$.Payload' },
                    End: true,
                  },
                },
              },
              End: true,
            },
          },
        }),
        { reserveStock: (payload) => `reserved ${(payload as { sku: string }).sku}` },
        { input: { lines: [{ sku: 'espresso-beans-1kg', quantity: 2 }, { sku: 'ceramic-cup', quantity: 1 }] } },
      );

      await expect(run.result).resolves.toEqual([{ reservation: 'reserved espresso-beans-1kg' }, { reservation: 'reserved ceramic-cup' }]);
      expect(calls.map((call) => call.payload)).toEqual(
        expect.arrayContaining([
          { sku: 'espresso-beans-1kg', quantity: 2 },
          { sku: 'ceramic-cup', quantity: 1 },
        ]),
      );
      expect(calls).toHaveLength(2);
    });

    it('mints one token per item when the ItemProcessor task waits for a token', async () => {
      const { run, calls, taskTokens } = start(
        asl({
          StartAt: 'ShipParcels',
          States: {
            ShipParcels: {
              Type: 'Map',
              ItemsPath: '$.parcels',
              Iterator: {
                StartAt: 'AwaitPickup',
                States: {
                  AwaitPickup: {
                    Type: 'Task',
                    Resource: WAIT_FOR_TOKEN,
                    Parameters: { FunctionName: 'bookPickup', Payload: { 'token.$': '$$.Task.Token', 'parcel.$': '$' } },
                    End: true,
                  },
                },
              },
              End: true,
            },
          },
        }),
        { bookPickup: () => null },
        { input: { parcels: ['p-1', 'p-2', 'p-3'] } },
      );
      await eventually(() => calls.length === 3);

      for (const call of calls) taskTokens.succeed(tokenOf(call.payload), `picked up ${(call.payload as { parcel: string }).parcel}`);

      await expect(run.result).resolves.toEqual(['picked up p-1', 'picked up p-2', 'picked up p-3']);
      expect(new Set(calls.map((call) => tokenOf(call.payload))).size).toBe(3);
    });
  });

  describe('unsupported features', () => {
    const unsupported = { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', Parameters: { TableName: 'orders' }, End: true };
    const charge = { Type: 'Task', Resource: INVOKE, Parameters: { FunctionName: 'chargePayment', Payload: {} }, Next: 'RecordOrder' };

    it.each([
      ['at the top level', asl({ StartAt: 'Charge', States: { Charge: charge, RecordOrder: unsupported } })],
      [
        'in a Parallel branch',
        asl({
          StartAt: 'Both',
          States: {
            Both: {
              Type: 'Parallel',
              Branches: [
                { StartAt: 'Charge', States: { Charge: { ...charge, Next: undefined, End: true } } },
                { StartAt: 'RecordOrder', States: { RecordOrder: unsupported } },
              ],
              End: true,
            },
          },
        }),
      ],
      [
        'in a Map ItemProcessor',
        asl({
          StartAt: 'Charge',
          States: {
            Charge: { ...charge, Next: 'Each' },
            Each: { Type: 'Map', ItemProcessor: { StartAt: 'RecordOrder', States: { RecordOrder: unsupported } }, End: true },
          },
        }),
      ],
    ])('throws UnsupportedStateMachineFeatureError naming the state before any task runs when the resource is not Lambda %s', (_where, definition) => {
      const lambdas = fakeLambdas({ chargePayment: () => null });

      const error = thrownBy(() =>
        runExecution({ definition, input: ORDER, executionArn: EXECUTION_ARN, invokeLambda: lambdas.invokeLambda, taskTokens: new TaskTokens() }),
      );

      expect(error).toBeInstanceOf(UnsupportedStateMachineFeatureError);
      expect(error).toMatchObject({ name: 'UnsupportedStateMachineFeatureError' });
      expect((error as Error).message).toContain('RecordOrder');
      expect((error as Error).message).toContain('arn:aws:states:::dynamodb:putItem');
      expect(lambdas.calls).toEqual([]);
    });
  });

  describe('resuming (redrive)', () => {
    const REDRIVE_DATE = new Date('2026-11-26T10:00:00.000Z');
    const recordDefinition = asl({
      StartAt: 'Reserve',
      States: {
        Reserve: { Type: 'Task', Resource: INVOKE, Parameters: { FunctionName: 'reserveStock', 'Payload.$': '$' }, ResultPath: '$.reservation', Next: 'Charge' },
        Charge: {
          Type: 'Task',
          Resource: INVOKE,
          Parameters: {
            FunctionName: 'chargePayment',
            Payload: { 'state.$': '$', 'executionInput.$': '$$.Execution.Input', 'redriveCount.$': '$$.Execution.RedriveCount', 'redriveTime.$': '$$.Execution.RedriveTime' },
          },
          OutputPath: '$.Payload',
          End: true,
        },
      },
    });

    it('starts at the resumed state with its input, keeping the execution input and the redrive in the context, when resumed', async () => {
      const resumeAt = { stateName: 'Charge', input: { orderId: ORDER.orderId, reservation: 'res_1' }, redriveCount: 2, redriveDate: REDRIVE_DATE };
      const { run, calls } = start(recordDefinition, { reserveStock: () => 'res_2', chargePayment: (payload) => payload }, { resumeAt });

      const output = await run.result;

      expect(calls.map((call) => call.functionName)).toEqual(['chargePayment']);
      expect(output).toEqual({ state: resumeAt.input, executionInput: ORDER, redriveCount: 2, redriveTime: '2026-11-26T10:00:00.000Z' });
      expect(statesEntered(run)).toEqual(['Charge']);
    });

    it('resumes with the input given when that input is falsy', async () => {
      const definition = asl({ StartAt: 'Count', States: { Count: { Type: 'Pass', Next: 'Done' }, Done: { Type: 'Pass', End: true } } });
      const { run } = start(definition, {}, { resumeAt: { stateName: 'Done', input: 0, redriveCount: 1, redriveDate: REDRIVE_DATE } });

      await expect(run.result).resolves.toBe(0);
    });

    it('sets $$.Execution.RedriveCount to 0 when the run is not a redrive', async () => {
      const definition = asl({ StartAt: 'Count', States: { Count: { Type: 'Pass', Parameters: { 'redriveCount.$': '$$.Execution.RedriveCount' }, End: true } } });
      const { run } = start(definition, {});

      await expect(run.result).resolves.toEqual({ redriveCount: 0 });
    });
  });

  describe('events and tokens after the end', () => {
    it('records StateEntered events in execution order with each state input when the execution runs', async () => {
      const { run } = start(
        asl({
          StartAt: 'Normalize',
          States: {
            Normalize: { Type: 'Pass', Parameters: { 'orderId.$': '$.orderId', 'amount.$': '$.total.amount' }, Next: 'Charge' },
            Charge: { Type: 'Task', Resource: INVOKE, Parameters: { FunctionName: 'chargePayment', 'Payload.$': '$' }, ResultPath: null, Next: 'IsLarge' },
            IsLarge: { Type: 'Choice', Choices: [{ Variable: '$.amount', NumericGreaterThan: 1000, Next: 'Review' }], Default: 'Done' },
            Review: { Type: 'Pass', Next: 'Done' },
            Done: { Type: 'Succeed' },
          },
        }),
        { chargePayment: () => null },
      );

      await run.result;

      expect(statesEntered(run)).toEqual(['Normalize', 'Charge', 'IsLarge', 'Review', 'Done']);
      expect(run.events.find((event) => event.type === 'StateEntered' && event.stateName === 'Charge')?.input).toEqual({
        orderId: ORDER.orderId,
        amount: 5800,
      });
      expect(run.events.at(-1)).toMatchObject({ type: 'ExecutionSucceeded', output: { orderId: ORDER.orderId, amount: 5800 } });
    });

    it('records the failure with its error and cause as the last event when the execution fails', async () => {
      const { run } = start(asl({ StartAt: 'Reject', States: { Reject: { Type: 'Fail', Error: 'OrderRejected', Cause: 'out of stock' } } }), {});

      await run.result.catch(() => undefined);

      expect(run.events.at(-1)).toMatchObject({ type: 'ExecutionFailed', error: 'OrderRejected' });
    });

    it('leaves no pending token after the execution ends when a task was resumed', async () => {
      const { run, calls, taskTokens } = start(asl({ StartAt: 'AwaitPayment', States: { AwaitPayment: waitingTask({ End: true }) } }), {
        requestCharge: () => null,
      });
      await eventually(() => calls.length === 1);

      taskTokens.succeed(tokenOf(calls[0]?.payload), { payment: 'CHARGED' });
      await run.result;

      expect(taskTokens.pending).toBe(0);
    });

    it('closes the tokens still waiting in a branch when another branch fails the execution', async () => {
      const { run, calls, taskTokens } = start(
        asl({
          StartAt: 'Both',
          States: {
            Both: {
              Type: 'Parallel',
              Branches: [
                { StartAt: 'AwaitPayment', States: { AwaitPayment: waitingTask({ End: true }) } },
                { StartAt: 'Check', States: { Check: { Type: 'Task', Resource: INVOKE, Parameters: { FunctionName: 'checkStock', Payload: {} }, End: true } } },
              ],
              End: true,
            },
          },
        }),
        {
          requestCharge: () => null,
          checkStock: async () => {
            await eventually(() => taskTokens.pending === 1);
            throw new PermanentError('unknown sku');
          },
        },
      );

      await expect(run.result).rejects.toMatchObject({ name: 'PermanentError' });
      const token = tokenOf(calls.find((call) => call.functionName === 'requestCharge')?.payload);

      expect(taskTokens.pending).toBe(0);
      expect(thrownBy(() => taskTokens.succeed(token, {}))).toBeInstanceOf(TaskTokenClosedError);
    });

    it('does not invoke the function again when a stopped execution had a Retry for every error on the waiting task', async () => {
      const { run, calls } = start(
        asl({ StartAt: 'AwaitPayment', States: { AwaitPayment: waitingTask({ Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 3 }], End: true }) } }),
        { requestCharge: () => null },
      );
      await eventually(() => calls.length === 1);

      run.stop();
      await run.result.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));

      expect(calls).toHaveLength(1);
    });

    describe('with fake timers', () => {
      beforeEach(() => {
        jest.useFakeTimers();
      });

      afterEach(() => {
        jest.useRealTimers();
      });

      const never = () => new Promise<never>(() => undefined);

      it.each([
        ['a lambda:invoke task whose function is still running', { Type: 'Task', Resource: INVOKE, Parameters: { FunctionName: 'requestCharge', Payload: {} }, End: true }, never],
        ['a waiting task whose function is still running', waitingTask({ End: true }), never],
        ['a waiting task whose token was not answered', waitingTask({ End: true }), () => null],
      ])('leaves no timer behind when the execution is stopped during %s', async (_case, state, requestCharge) => {
        let markCalled: () => void = () => undefined;
        const called = new Promise<void>((resolve) => (markCalled = resolve));
        const { run } = start(asl({ StartAt: 'AwaitPayment', States: { AwaitPayment: state } }), {
          requestCharge: () => {
            markCalled();
            return requestCharge();
          },
        });
        await called;

        run.stop();
        await run.result.catch(() => undefined);
        await Promise.resolve();

        expect(jest.getTimerCount()).toBe(0);
      });
    });

    it('rejects result and closes the waiting token when the execution is stopped', async () => {
      const { run, calls, taskTokens } = start(asl({ StartAt: 'AwaitPayment', States: { AwaitPayment: waitingTask({ End: true }) } }), {
        requestCharge: () => null,
      });
      await eventually(() => calls.length === 1);

      run.stop();

      await expect(run.result).rejects.toMatchObject({ name: 'ExecutionAbortedError' });
      expect(taskTokens.pending).toBe(0);
      expect(run.executionArn).toBe(EXECUTION_ARN);
    });
  });
});
