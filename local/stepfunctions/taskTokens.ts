import { randomUUID } from 'node:crypto';

/** A task failed on purpose (SendTaskFailure) or timed out: `name` is what `Retry`/`Catch` match. */
export class TaskFailedError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown for a token that is unknown or already closed, as AWS answers with `TaskTimedOut`/`InvalidToken`. */
export class TaskTokenClosedError extends Error {
  override readonly name = 'TaskTimedOut';
}

interface Waiter {
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
  heartbeatSeconds: number | undefined;
  heartbeatTimer: NodeJS.Timeout | undefined;
  executionArn: string;
  stateName: string;
}

/**
 * `.waitForTaskToken` callbacks, which aws-local-stepfunctions lacks. A task mints a token and awaits it;
 * SendTaskSuccess/Failure settle it once (a second call is refused like on AWS, which is how a task token
 * resumed twice is absorbed); SendTaskHeartbeat restarts the heartbeat clock.
 */
export class TaskTokens {
  private readonly waiters = new Map<string, Waiter>();

  /** Registers a token and returns it with the promise of its outcome. */
  mint(options: { executionArn: string; stateName: string; heartbeatSeconds?: number }): {
    token: string;
    outcome: Promise<unknown>;
  } {
    const token = `${Buffer.from(`${options.executionArn}#${options.stateName}`).toString('base64url')}.${randomUUID()}`;
    const outcome = new Promise<unknown>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        heartbeatSeconds: options.heartbeatSeconds,
        heartbeatTimer: undefined,
        executionArn: options.executionArn,
        stateName: options.stateName,
      };
      this.waiters.set(token, waiter);
      this.armHeartbeat(token, waiter);
    });
    return { token, outcome };
  }

  succeed(token: string, output: unknown): void {
    this.settle(token).resolve(output);
  }

  fail(token: string, error: string | undefined, cause: string | undefined): void {
    this.settle(token).reject(new TaskFailedError(error ?? 'States.TaskFailed', cause ?? ''));
  }

  heartbeat(token: string): void {
    const waiter = this.waiters.get(token);
    if (!waiter) throw new TaskTokenClosedError('Task Timed Out');
    this.armHeartbeat(token, waiter);
  }

  /** Closes every token of an execution that stopped or timed out, so later callbacks are refused. */
  closeExecution(executionArn: string): void {
    for (const [token, waiter] of this.waiters) {
      if (waiter.executionArn === executionArn) {
        clearTimeout(waiter.heartbeatTimer);
        this.waiters.delete(token);
      }
    }
  }

  /** Closes one token whose task ended otherwise (its `TimeoutSeconds` elapsed). */
  close(token: string): void {
    const waiter = this.waiters.get(token);
    if (waiter) clearTimeout(waiter.heartbeatTimer);
    this.waiters.delete(token);
  }

  get pending(): number {
    return this.waiters.size;
  }

  private settle(token: string): Waiter {
    const waiter = this.waiters.get(token);
    if (!waiter) throw new TaskTokenClosedError('Task Timed Out');
    clearTimeout(waiter.heartbeatTimer);
    this.waiters.delete(token);
    return waiter;
  }

  private armHeartbeat(token: string, waiter: Waiter): void {
    if (waiter.heartbeatSeconds === undefined) return;
    clearTimeout(waiter.heartbeatTimer);
    waiter.heartbeatTimer = setTimeout(() => {
      this.waiters.delete(token);
      waiter.reject(new TaskFailedError('States.HeartbeatTimeout', `no heartbeat for ${waiter.heartbeatSeconds}s`));
    }, waiter.heartbeatSeconds * 1000);
    waiter.heartbeatTimer.unref();
  }
}
