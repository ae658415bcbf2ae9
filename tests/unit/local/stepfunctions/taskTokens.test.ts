import { TaskFailedError, TaskTokenClosedError, TaskTokens } from '../../../../local/stepfunctions/taskTokens';

const EXECUTION_ARN = 'arn:aws:states:eu-west-1:000000000000:execution:ordering-payment-dev-charge:charge-ord_1';
const OTHER_EXECUTION_ARN = 'arn:aws:states:eu-west-1:000000000000:execution:ordering-payment-dev-charge:charge-ord_2';

type Settled = { status: 'fulfilled'; value: unknown } | { status: 'rejected'; reason: unknown } | { status: 'pending' };

/** Observes an outcome without ever leaving a rejection unhandled. */
const observe = (outcome: Promise<unknown>) => {
  let settled: Settled = { status: 'pending' };
  outcome.then(
    (value: unknown) => (settled = { status: 'fulfilled', value }),
    (reason: unknown) => (settled = { status: 'rejected', reason }),
  );
  return () => settled;
};

/** Lets promise callbacks run (fake timers do not affect microtasks). */
const flush = () => Promise.resolve().then(() => undefined);

const thrownBy = (action: () => unknown): unknown => {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
};

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  jest.useRealTimers();
});

describe('TaskTokens', () => {
  describe('mint', () => {
    it('returns a distinct token each time and counts it as pending when the same state mints twice', () => {
      const tokens = new TaskTokens();

      const first = tokens.mint({ executionArn: EXECUTION_ARN, stateName: 'AwaitPayment' });
      const second = tokens.mint({ executionArn: EXECUTION_ARN, stateName: 'AwaitPayment' });

      expect(first.token).not.toBe(second.token);
      expect(first.token).toMatch(/^[\w.-]+$/);
      expect(tokens.pending).toBe(2);
    });

    it('leaves the outcome pending when nobody answers and no heartbeat is required', async () => {
      const tokens = new TaskTokens();
      const { outcome } = tokens.mint({ executionArn: EXECUTION_ARN, stateName: 'AwaitPayment' });
      const settled = observe(outcome);

      jest.advanceTimersByTime(24 * 60 * 60 * 1000);
      await flush();

      expect(settled()).toEqual({ status: 'pending' });
      expect(tokens.pending).toBe(1);
    });
  });

  describe('succeed', () => {
    it('resolves the outcome with the output and closes the token when the token is pending', async () => {
      const tokens = new TaskTokens();
      const { token, outcome } = tokens.mint({ executionArn: EXECUTION_ARN, stateName: 'AwaitPayment' });

      tokens.succeed(token, { payment: 'CHARGED' });

      await expect(outcome).resolves.toEqual({ payment: 'CHARGED' });
      expect(tokens.pending).toBe(0);
    });

    it('throws TaskTokenClosedError named TaskTimedOut and keeps the first output when the token is resumed twice', async () => {
      const tokens = new TaskTokens();
      const { token, outcome } = tokens.mint({ executionArn: EXECUTION_ARN, stateName: 'AwaitPayment' });
      tokens.succeed(token, { payment: 'CHARGED' });

      const error = thrownBy(() => tokens.succeed(token, { payment: 'CHARGED-AGAIN' }));

      expect(error).toBeInstanceOf(TaskTokenClosedError);
      expect(error).toMatchObject({ name: 'TaskTimedOut' });
      await expect(outcome).resolves.toEqual({ payment: 'CHARGED' });
    });

    it('throws TaskTokenClosedError when the token was never minted', () => {
      const tokens = new TaskTokens();

      expect(() => tokens.succeed('not-a-token', {})).toThrow(TaskTokenClosedError);
    });

    it('settles only its own task when several tokens are pending', async () => {
      const tokens = new TaskTokens();
      const payment = tokens.mint({ executionArn: EXECUTION_ARN, stateName: 'AwaitPayment' });
      const stock = tokens.mint({ executionArn: EXECUTION_ARN, stateName: 'AwaitStock' });
      const stockSettled = observe(stock.outcome);

      tokens.succeed(payment.token, 'paid');
      await flush();

      await expect(payment.outcome).resolves.toBe('paid');
      expect(stockSettled()).toEqual({ status: 'pending' });
      expect(tokens.pending).toBe(1);
    });
  });

  describe('fail', () => {
    it('rejects the outcome with a TaskFailedError named by the error and carrying the cause when the token is failed', async () => {
      const tokens = new TaskTokens();
      const { token, outcome } = tokens.mint({ executionArn: EXECUTION_ARN, stateName: 'AwaitPayment' });

      tokens.fail(token, 'PaymentDeclined', 'card declined');

      const error: unknown = await outcome.catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(TaskFailedError);
      expect(error).toMatchObject({ name: 'PaymentDeclined', message: 'card declined' });
      expect(tokens.pending).toBe(0);
    });

    it('rejects with States.TaskFailed and an empty cause when fail gives neither', async () => {
      const tokens = new TaskTokens();
      const { token, outcome } = tokens.mint({ executionArn: EXECUTION_ARN, stateName: 'AwaitPayment' });

      tokens.fail(token, undefined, undefined);

      await expect(outcome).rejects.toMatchObject({ name: 'States.TaskFailed', message: '' });
    });

    it('throws TaskTokenClosedError when the token was already succeeded', async () => {
      const tokens = new TaskTokens();
      const { token, outcome } = tokens.mint({ executionArn: EXECUTION_ARN, stateName: 'AwaitPayment' });
      tokens.succeed(token, 'paid');

      expect(() => tokens.fail(token, 'PaymentDeclined', 'late')).toThrow(TaskTokenClosedError);
      await expect(outcome).resolves.toBe('paid');
    });
  });

  describe('heartbeat', () => {
    it('rejects the outcome with States.HeartbeatTimeout and closes the token when no heartbeat arrives within heartbeatSeconds', async () => {
      const tokens = new TaskTokens();
      const { token, outcome } = tokens.mint({ executionArn: EXECUTION_ARN, stateName: 'AwaitPayment', heartbeatSeconds: 2 });
      const settled = observe(outcome);

      jest.advanceTimersByTime(1_999);
      await flush();
      const beforeDeadline = settled();
      jest.advanceTimersByTime(1);
      await flush();

      expect(beforeDeadline).toEqual({ status: 'pending' });
      expect(settled()).toMatchObject({ status: 'rejected', reason: { name: 'States.HeartbeatTimeout' } });
      expect(tokens.pending).toBe(0);
      expect(() => tokens.succeed(token, 'late')).toThrow(TaskTokenClosedError);
    });

    it('restarts the heartbeat clock when a heartbeat arrives in time', async () => {
      const tokens = new TaskTokens();
      const { token, outcome } = tokens.mint({ executionArn: EXECUTION_ARN, stateName: 'AwaitPayment', heartbeatSeconds: 1 });
      const settled = observe(outcome);

      for (let beat = 0; beat < 5; beat += 1) {
        jest.advanceTimersByTime(900);
        tokens.heartbeat(token);
      }
      await flush();
      const afterHeartbeats = settled();
      tokens.succeed(token, 'paid');

      expect(afterHeartbeats).toEqual({ status: 'pending' });
      await expect(outcome).resolves.toBe('paid');
    });

    it('accepts a heartbeat without arming a deadline when the task has no heartbeatSeconds', async () => {
      const tokens = new TaskTokens();
      const { token, outcome } = tokens.mint({ executionArn: EXECUTION_ARN, stateName: 'AwaitPayment' });
      const settled = observe(outcome);

      tokens.heartbeat(token);
      jest.advanceTimersByTime(60 * 60 * 1000);
      await flush();

      expect(settled()).toEqual({ status: 'pending' });
    });

    it('throws TaskTokenClosedError when the token is no longer pending', () => {
      const tokens = new TaskTokens();
      const { token } = tokens.mint({ executionArn: EXECUTION_ARN, stateName: 'AwaitPayment', heartbeatSeconds: 1 });
      tokens.succeed(token, 'paid');

      expect(() => tokens.heartbeat(token)).toThrow(TaskTokenClosedError);
    });

    it('does not fire the heartbeat deadline after the task was succeeded', async () => {
      const tokens = new TaskTokens();
      const { token, outcome } = tokens.mint({ executionArn: EXECUTION_ARN, stateName: 'AwaitPayment', heartbeatSeconds: 1 });

      tokens.succeed(token, 'paid');
      jest.advanceTimersByTime(5_000);

      await expect(outcome).resolves.toBe('paid');
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  describe('close', () => {
    it('refuses later callbacks and leaves the outcome unsettled when one token is closed', async () => {
      const tokens = new TaskTokens();
      const closed = tokens.mint({ executionArn: EXECUTION_ARN, stateName: 'AwaitPayment', heartbeatSeconds: 1 });
      const kept = tokens.mint({ executionArn: EXECUTION_ARN, stateName: 'AwaitStock' });
      const settled = observe(closed.outcome);

      tokens.close(closed.token);
      jest.advanceTimersByTime(5_000);
      await flush();

      expect(() => tokens.succeed(closed.token, 'late')).toThrow(TaskTokenClosedError);
      expect(settled()).toEqual({ status: 'pending' });
      expect(tokens.pending).toBe(1);
      tokens.succeed(kept.token, 'reserved');
      await expect(kept.outcome).resolves.toBe('reserved');
    });

    it('does nothing when the token is unknown or already closed', () => {
      const tokens = new TaskTokens();
      const { token } = tokens.mint({ executionArn: EXECUTION_ARN, stateName: 'AwaitPayment' });
      tokens.close(token);

      expect(() => {
        tokens.close(token);
        tokens.close('never-minted');
      }).not.toThrow();
      expect(tokens.pending).toBe(0);
    });
  });

  describe('closeExecution', () => {
    it('closes every token of the execution and no other when the execution ends', async () => {
      const tokens = new TaskTokens();
      const payment = tokens.mint({ executionArn: EXECUTION_ARN, stateName: 'AwaitPayment', heartbeatSeconds: 1 });
      const stock = tokens.mint({ executionArn: EXECUTION_ARN, stateName: 'AwaitStock' });
      const other = tokens.mint({ executionArn: OTHER_EXECUTION_ARN, stateName: 'AwaitPayment' });
      const paymentSettled = observe(payment.outcome);

      tokens.closeExecution(EXECUTION_ARN);
      jest.advanceTimersByTime(5_000);
      await flush();

      expect(tokens.pending).toBe(1);
      expect(() => tokens.succeed(payment.token, 'late')).toThrow(TaskTokenClosedError);
      expect(() => tokens.fail(stock.token, 'Late', 'late')).toThrow(TaskTokenClosedError);
      expect(paymentSettled()).toEqual({ status: 'pending' });
      tokens.succeed(other.token, 'paid');
      await expect(other.outcome).resolves.toBe('paid');
    });
  });
});
