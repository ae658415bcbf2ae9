/**
 * Where the local cloud can misbehave on purpose, the way AWS is allowed to: at-least-once and unordered
 * delivery, transient Lambda failures, visibility timeouts expiring mid-processing, and the errors AWS's own
 * APIs answer with (throttling, internal errors, a reply lost after the work was done). Every component takes
 * an optional `FaultPlan`; `NO_FAULTS` is the default. The chaos runner supplies a seeded plan.
 */
export interface DeliveryContext {
  /** The rule and target an EventBridge delivery goes through. */
  ruleArn: string;
  targetArn: string;
  detailType: string;
}

/** An AWS service the edge endpoint serves, by its IAM and ARN namespace (`dynamodb:PutItem`, `states:StartExecution`). */
export type ApiService = 'dynamodb' | 'sqs' | 'events' | 'states' | 'secretsmanager';

/**
 * The AWS errors a plan may answer a call with, by the code AWS gives them. The edge sends each in the wire
 * shape its service uses (status, `__type`, SQS's `x-amzn-query-error`), so the SDK raises the class and
 * applies the retry policy it would on AWS: `ThrottlingException`, `ProvisionedThroughputExceededException`
 * and `RequestThrottled` are throttling to the SDK, the HTTP 500s (`InternalServerError`, `InternalFailure`)
 * transient. Which service answers which: `local/edge/apiFaults.ts`.
 */
export type ApiErrorCode = 'ThrottlingException' | 'ProvisionedThroughputExceededException' | 'InternalServerError' | 'RequestThrottled' | 'InternalFailure';

/** One AWS API call, as a fault plan sees it before the local service runs it. */
export interface ApiCall {
  service: ApiService;
  /** The operation, as `X-Amz-Target` names it: `PutItem`, `SendMessage`, `PutEvents`, `StartExecution`. */
  operation: string;
  /**
   * The request body, parsed: what the SDK serialised from the command's input, in the wire form (DynamoDB
   * attribute values as `{ S: 'CANCELLED' }`; `unmarshall` from `@aws-sdk/util-dynamodb` reads them).
   */
  input: Readonly<Record<string, unknown>>;
  /** The access key id the request was signed with (its SigV4 credential), when it came through the edge. */
  accessKeyId?: string;
  /**
   * Who called when it was not a client of the edge: `event-source-mapping` for the deletes Lambda's SQS
   * poller makes after a batch succeeded (only an `error` applies to those: the batch comes back).
   */
  caller?: 'event-source-mapping';
}

/** A `PutEvents` entry to fail, by its position in the request, with the entry error AWS reports. */
export interface FailedEntry {
  index: number;
  errorCode: 'InternalFailure' | 'ThrottlingException';
}

/**
 * What becomes of one API call:
 * - `none`: it runs as usual;
 * - `error`: it does not run; the caller gets the AWS error;
 * - `reply-lost`: it runs (a write lands), then the connection is destroyed before any byte of the reply, so
 *   the SDK sees a network error and retries, and a conditional write meets its own earlier write;
 * - `failed-entries` (`PutEvents` only): those entries are not put on the bus and are answered with their
 *   error inside an HTTP 200, the others go through.
 */
export type ApiFault =
  | { kind: 'none' }
  | { kind: 'error'; error: ApiErrorCode }
  | { kind: 'reply-lost' }
  | { kind: 'failed-entries'; entries: readonly FailedEntry[] };

export const NO_API_FAULT: ApiFault = { kind: 'none' };

export interface FaultPlan {
  /** How many copies of one EventBridge delivery reach the target (1 = exactly once). */
  deliveryCopies(context: DeliveryContext): number;
  /** Milliseconds to hold one copy back before delivering it (reorders deliveries). */
  deliveryDelayMs(context: DeliveryContext): number;
  /** Fail an invocation before the function runs, as Lambda's service errors and throttles do. */
  invocationFault(functionName: string): 'none' | 'transient-error' | 'throttle';
  /**
   * Seconds after which a received SQS message becomes visible again, overriding the queue's visibility
   * timeout (a value shorter than the processing time makes it be delivered again while in flight), or
   * undefined to keep the queue's setting.
   */
  visibilityTimeoutOverride(queueArn: string): number | undefined;
  /**
   * What AWS answers one API call with, asked once per HTTP request (each SDK retry is a call of its own) at
   * the edge endpoint, and for the event source mappings' own deletes.
   *
   * @example
   * A test whose plan throttles every write that cancels an order, for longer than the SDK retries:
   * ```ts
   * import { unmarshall } from '@aws-sdk/util-dynamodb';
   *
   * const cancellationsThrottled: FaultPlan = {
   *   ...NO_FAULTS,
   *   apiFault: ({ service, operation, input }) => {
   *     if (service !== 'dynamodb' || operation !== 'UpdateItem' || input.TableName !== 'ordering-order-dev-orders') return NO_API_FAULT;
   *     const values = unmarshall((input.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>);
   *     return Object.values(values).includes('CANCELLED') ? { kind: 'error', error: 'ThrottlingException' } : NO_API_FAULT;
   *   },
   * };
   * const cloud = await startProjectCloud({ edgePort: 0, httpPort: 0, faults: cancellationsThrottled });
   * ```
   */
  apiFault(call: ApiCall): ApiFault;
}

export const NO_FAULTS: FaultPlan = {
  deliveryCopies: () => 1,
  deliveryDelayMs: () => 0,
  invocationFault: () => 'none',
  visibilityTimeoutOverride: () => undefined,
  apiFault: () => NO_API_FAULT,
};
