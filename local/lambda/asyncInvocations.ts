import { randomUUID } from 'node:crypto';
import { LambdaFunctionError, type LambdaInvoker } from './invoker';

/** How a function is invoked asynchronously, as its `AWS::Lambda::EventInvokeConfig` declares it. */
export interface EventInvokeConfig {
  /** Retries of an invocation whose function threw or timed out: 0 to 2 (Lambda's default, 2). */
  maximumRetryAttempts?: number;
  /** How long an event is retried at all, in seconds: 60 to 21600 (Lambda's default, 21600). */
  maximumEventAgeSeconds?: number;
  /** The SQS queue that gets the record of an invocation that failed for good. */
  onFailureQueueArn?: string;
}

export interface AsyncInvocationsOptions {
  invoker: LambdaInvoker;
  /** Sends a destination record to a queue (the local SQS). */
  sendToQueue: (queueArn: string, body: string) => void;
  log: (source: string, line: string) => void;
  /** Wait before retry `n` (1-based). Lambda waits 1, then 2 minutes; the local cloud, milliseconds. */
  retryDelayMs?: (retry: number) => number;
  now?: () => number;
}

const DEFAULT_RETRY_ATTEMPTS = 2;
const DEFAULT_EVENT_AGE_SECONDS = 21_600;

/**
 * Errors Lambda raises before the function runs (throttled, service fault): on AWS the event goes back to the
 * function's queue and is retried until it is too old, without using up a retry attempt.
 */
const NOT_RUN = new Set(['Lambda.TooManyRequestsException', 'Lambda.ServiceException']);

/** The record Lambda sends to an on-failure destination (its documented shape, version 1.0). */
export interface InvocationRecord {
  version: '1.0';
  timestamp: string;
  requestContext: { requestId: string; functionArn: string; condition: 'RetriesExhausted' | 'EventAgeExceeded'; approximateInvokeCount: number };
  requestPayload: unknown;
  responseContext?: { statusCode: 200; executedVersion: '$LATEST'; functionError: 'Unhandled' };
  responsePayload?: { errorType: string; errorMessage: string; stackTrace: string[] };
}

/**
 * Lambda's asynchronous invocation (`InvocationType: Event`), as EventBridge rules and schedules use it: a
 * function error is retried up to `MaximumRetryAttempts`, an invocation that never ran (throttle, service
 * error) until the event is `MaximumEventAgeInSeconds` old, and then the invocation record goes to the
 * on-failure queue, or only to the log when there is none.
 *
 * @example
 * ```ts
 * const async = new AsyncInvocations({ invoker: lambda, sendToQueue: (arn, body) => sqs.sendMessage(arn, { MessageBody: body }), log });
 * async.configure(functionArn, { maximumRetryAttempts: 2, onFailureQueueArn: dlqArn });
 * await async.invoke(functionArn, scheduledEvent); // settles once it succeeded, or its record is in the DLQ
 * ```
 */
export class AsyncInvocations implements LambdaInvoker {
  private readonly configs = new Map<string, EventInvokeConfig>();
  private readonly retryDelayMs: (retry: number) => number;
  private readonly now: () => number;
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private stopped = false;

  constructor(private readonly options: AsyncInvocationsOptions) {
    this.retryDelayMs = options.retryDelayMs ?? ((retry) => Math.min(10 * retry, 1_000));
    this.now = options.now ?? Date.now;
  }

  /** Sets how `functionArn` is invoked asynchronously; validated as Lambda validates an EventInvokeConfig. */
  configure(functionArn: string, config: EventInvokeConfig): void {
    const { maximumRetryAttempts = DEFAULT_RETRY_ATTEMPTS, maximumEventAgeSeconds = DEFAULT_EVENT_AGE_SECONDS } = config;
    if (!Number.isInteger(maximumRetryAttempts) || maximumRetryAttempts < 0 || maximumRetryAttempts > 2) {
      throw new Error(`MaximumRetryAttempts ${maximumRetryAttempts} must be an integer from 0 to 2`);
    }
    if (!Number.isInteger(maximumEventAgeSeconds) || maximumEventAgeSeconds < 60 || maximumEventAgeSeconds > 21_600) {
      throw new Error(`MaximumEventAgeInSeconds ${maximumEventAgeSeconds} must be an integer from 60 to 21600`);
    }
    this.configs.set(functionArn, { maximumRetryAttempts, maximumEventAgeSeconds, onFailureQueueArn: config.onFailureQueueArn });
  }

  /**
   * Invokes the function asynchronously. Resolves once the invocation succeeded; rejects with the last error
   * once it failed for good (its record already sent to the on-failure queue, if there is one).
   */
  async invoke(functionArn: string, payload: unknown): Promise<void> {
    const config = this.configs.get(functionArn) ?? {};
    const maximumRetryAttempts = config.maximumRetryAttempts ?? DEFAULT_RETRY_ATTEMPTS;
    const expiresAt = this.now() + (config.maximumEventAgeSeconds ?? DEFAULT_EVENT_AGE_SECONDS) * 1000;
    let invokeCount = 0;
    let functionErrors = 0;
    for (;;) {
      invokeCount += 1;
      let error: unknown;
      try {
        await this.options.invoker.invoke(functionArn, payload);
        return;
      } catch (caught) {
        error = caught;
      }
      const ran = !(error instanceof LambdaFunctionError && NOT_RUN.has(error.name));
      if (ran) functionErrors += 1;
      const condition = ran && functionErrors > maximumRetryAttempts ? 'RetriesExhausted' : this.now() >= expiresAt ? 'EventAgeExceeded' : undefined;
      if (condition) {
        this.deadLetter(functionArn, config, payload, error, { condition, invokeCount, ran });
        throw error;
      }
      if (this.isStopped()) throw error;
      await this.wait(this.retryDelayMs(invokeCount));
      if (this.isStopped()) throw error;
    }
  }

  /** Ends every pending retry (the cloud is stopping): each such invocation rejects with its last error, and no record. */
  stop(): void {
    this.stopped = true;
    for (const pending of this.timers) {
      clearTimeout(pending.timer);
      pending.resolve();
    }
    this.timers.clear();
  }

  /** A method, not the field: `stop()` may run while `invoke` awaits, which narrowing cannot see. */
  private isStopped(): boolean {
    return this.stopped;
  }

  private wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const pending = { timer: setTimeout(() => {
        this.timers.delete(pending);
        resolve();
      }, ms), resolve };
      this.timers.add(pending);
    });
  }

  private deadLetter(
    functionArn: string,
    config: EventInvokeConfig,
    payload: unknown,
    error: unknown,
    { condition, invokeCount, ran }: { condition: InvocationRecord['requestContext']['condition']; invokeCount: number; ran: boolean },
  ): void {
    const failure = error instanceof LambdaFunctionError ? error : new LambdaFunctionError('Error', String(error));
    if (!config.onFailureQueueArn) {
      this.options.log('lambda', `async invocation of ${functionArn} failed for good (${condition}), no on-failure destination: ${failure.name}: ${failure.message}`);
      return;
    }
    const record: InvocationRecord = {
      version: '1.0',
      timestamp: new Date(this.now()).toISOString(),
      requestContext: { requestId: randomUUID(), functionArn: `${functionArn}:$LATEST`, condition, approximateInvokeCount: invokeCount },
      requestPayload: payload,
      ...(ran
        ? {
            responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
            responsePayload: { errorType: failure.name, errorMessage: failure.message, stackTrace: failure.trace },
          }
        : {}),
    };
    try {
      this.options.sendToQueue(config.onFailureQueueArn, JSON.stringify(record));
    } catch (sendError) {
      // Deleted through the API since: Lambda drops the record too (and reports DestinationDeliveryFailures).
      this.options.log('lambda', `async invocation of ${functionArn}: its record could not be sent to ${config.onFailureQueueArn}: ${String(sendError)}`);
    }
  }
}

/**
 * Reads an `AWS::Lambda::EventInvokeConfig` (properties resolved), refusing what the local cloud cannot
 * honour: a qualifier other than `$LATEST` (one version runs locally), an on-success destination, and an
 * on-failure destination that is not an SQS queue of the templates.
 *
 * @example
 * ```ts
 * const { functionName, config } = eventInvokeConfigOf(properties, { hasQueue: (arn) => queues.has(arn) });
 * ```
 */
export const eventInvokeConfigOf = (
  properties: Record<string, unknown>,
  { hasQueue }: { hasQueue: (queueArn: string) => boolean },
): { functionName: string; config: EventInvokeConfig } => {
  const { FunctionName, Qualifier, MaximumRetryAttempts, MaximumEventAgeInSeconds, DestinationConfig, ...rest } = properties;
  if (Object.keys(rest).length > 0) throw new Error(`event invoke config properties ${Object.keys(rest).join(', ')} are not supported locally`);
  if (Qualifier !== '$LATEST') throw new Error(`Qualifier ${String(Qualifier)} is not supported locally ($LATEST only: one version runs)`);
  const { OnFailure, OnSuccess, ...otherDestinations } = (DestinationConfig ?? {}) as { OnFailure?: { Destination?: unknown }; OnSuccess?: unknown };
  if (OnSuccess !== undefined || Object.keys(otherDestinations).length > 0) throw new Error('only an OnFailure destination is supported locally');
  const destination = OnFailure?.Destination;
  if (destination !== undefined && typeof destination !== 'string') throw new Error('OnFailure.Destination must resolve to an ARN');
  const onFailureQueueArn = destination;
  if (onFailureQueueArn !== undefined && !(onFailureQueueArn.startsWith('arn:aws:sqs:') && hasQueue(onFailureQueueArn))) {
    throw new Error(`OnFailure destination ${onFailureQueueArn} is not supported locally: it must be an SQS queue of the templates`);
  }
  return {
    functionName: String(FunctionName),
    config: {
      maximumRetryAttempts: MaximumRetryAttempts === undefined ? undefined : Number(MaximumRetryAttempts),
      maximumEventAgeSeconds: MaximumEventAgeInSeconds === undefined ? undefined : Number(MaximumEventAgeInSeconds),
      onFailureQueueArn,
    },
  };
};
