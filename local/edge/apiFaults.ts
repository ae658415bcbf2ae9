import type { IncomingHttpHeaders } from 'node:http';
import type { ApiCall, ApiErrorCode, ApiFault, ApiService, FailedEntry } from '../faults';

/** The `X-Amz-Target` prefix of each service the edge serves. */
const TARGET_PREFIXES: Readonly<Record<string, ApiService>> = {
  DynamoDB_20120810: 'dynamodb',
  AmazonSQS: 'sqs',
  AWSEvents: 'events',
  AWSStepFunctions: 'states',
  secretsmanager: 'secretsmanager',
};

/**
 * The service and operation an `X-Amz-Target` header names (`AmazonSQS.SendMessage` → sqs, SendMessage), or
 * undefined for a service the edge does not serve.
 */
export const apiTarget = (target: string): { service: ApiService; operation: string } | undefined => {
  const [prefix = '', operation = ''] = target.split('.');
  const service = TARGET_PREFIXES[prefix];
  return service && operation ? { service, operation } : undefined;
};

/** The access key id of a SigV4 `Authorization` header (`… Credential=<id>/<date>/<region>/<service>/aws4_request, …`). */
export const accessKeyIdOf = (headers: IncomingHttpHeaders): string | undefined => /Credential=([^/,\s]+)\//.exec(headers.authorization ?? '')?.[1];

/** An AWS error as one service puts it on the wire. */
export interface AwsErrorReply {
  /** `__type` and `x-amzn-errortype`: a shape id of the service's model, or a common (coral) error. */
  type: string;
  status: number;
  message: string;
  /** SQS only: the legacy query error code its JSON protocol reports in `x-amzn-query-error`, which picks the SDK class. */
  queryCode?: string;
}

const INJECTED = '(injected by the local cloud)';

/**
 * How each service answers each error, from the service models the SDK is generated from: DynamoDB's
 * throttling and internal errors are HTTP 400 and 500 shapes of its model; SQS models `RequestThrottled` as
 * HTTP 403 with query code `RequestThrottled`; EventBridge and Step Functions throttle with HTTP 400
 * `ThrottlingException`; `InternalFailure` is the common HTTP 500 error of AWS's JSON services.
 */
const REPLIES: { readonly [S in ApiService]: Readonly<Partial<Record<ApiErrorCode, AwsErrorReply>>> } = {
  dynamodb: {
    ThrottlingException: { type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', status: 400, message: `Throughput exceeds the current capacity of your table or index ${INJECTED}` },
    ProvisionedThroughputExceededException: {
      type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
      status: 400,
      message: `The level of configured provisioned throughput for the table was exceeded ${INJECTED}`,
    },
    InternalServerError: { type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', status: 500, message: `Internal server error ${INJECTED}` },
  },
  sqs: {
    RequestThrottled: { type: 'com.amazonaws.sqs#RequestThrottled', status: 403, message: `Request is throttled ${INJECTED}`, queryCode: 'RequestThrottled' },
    InternalFailure: { type: 'com.amazon.coral.service#InternalFailure', status: 500, message: `Internal failure ${INJECTED}`, queryCode: 'InternalFailure' },
  },
  events: {
    ThrottlingException: { type: 'ThrottlingException', status: 400, message: `Rate exceeded ${INJECTED}` },
    InternalFailure: { type: 'InternalFailure', status: 500, message: `Internal failure ${INJECTED}` },
  },
  states: {
    ThrottlingException: { type: 'ThrottlingException', status: 400, message: `Rate exceeded ${INJECTED}` },
    InternalFailure: { type: 'InternalFailure', status: 500, message: `Internal failure ${INJECTED}` },
  },
  // Secrets Manager throttles with the common ThrottlingException (its model has no shape of its own for it).
  secretsmanager: {
    ThrottlingException: { type: 'ThrottlingException', status: 400, message: `Rate exceeded ${INJECTED}` },
    InternalFailure: { type: 'InternalFailure', status: 500, message: `Internal failure ${INJECTED}` },
  },
};

/** A fault plan answered a call with a fault that call cannot have: a bug of the plan, told to the caller. */
export class InvalidApiFaultError extends Error {
  override readonly name = 'InvalidApiFaultError';
}

const callName = (call: ApiCall) => `${call.service} ${call.operation}`;

/** The wire shape of `code` as `service` answers it; a pair AWS never sends is refused, naming it. */
export const apiErrorReply = (service: ApiService, code: ApiErrorCode): AwsErrorReply => {
  const reply = REPLIES[service][code];
  if (!reply) {
    throw new InvalidApiFaultError(`the fault plan answered a ${service} call with ${code}, which ${service} does not send (it sends ${Object.keys(REPLIES[service]).join(', ')})`);
  }
  return reply;
};

/**
 * The plan's fault for `call`, checked against what the call can have: an error its service sends, failed
 * entries on `PutEvents` only and at positions the request has.
 */
export const checkedApiFault = (call: ApiCall, fault: ApiFault): ApiFault => {
  if (fault.kind === 'error') apiErrorReply(call.service, fault.error);
  if (fault.kind === 'failed-entries') {
    if (call.service !== 'events' || call.operation !== 'PutEvents') throw new InvalidApiFaultError(`the fault plan failed entries of ${callName(call)}: only events PutEvents answers entry by entry`);
    const count = Array.isArray(call.input.Entries) ? call.input.Entries.length : 0;
    const outside = fault.entries.filter(({ index }) => !Number.isInteger(index) || index < 0 || index >= count);
    if (outside.length > 0) throw new InvalidApiFaultError(`the fault plan failed entries ${outside.map(({ index }) => index).join(', ')} of a PutEvents with ${count} entries`);
  }
  return fault;
};

const ENTRY_MESSAGES: Readonly<Record<FailedEntry['errorCode'], string>> = {
  InternalFailure: `Internal Service Failure ${INJECTED}`,
  ThrottlingException: `Rate exceeded ${INJECTED}`,
};

interface PutEventsOutput {
  FailedEntryCount: number;
  Entries: Record<string, unknown>[];
}

/**
 * Runs a `PutEvents` without the failed entries, then answers every entry at its own position, as
 * EventBridge does (HTTP 200, `FailedEntryCount`, `ErrorCode`/`ErrorMessage` on each failed one): the
 * failed entries are never put on the bus. When every entry fails, the service is not called at all.
 */
export const withFailedEntries = async (
  input: Readonly<Record<string, unknown>>,
  failed: readonly FailedEntry[],
  putEvents: (input: Record<string, unknown>) => unknown,
): Promise<PutEventsOutput> => {
  const entries = Array.isArray(input.Entries) ? (input.Entries as unknown[]) : [];
  const failures = new Map(failed.map((entry) => [entry.index, entry.errorCode]));
  const kept = entries.filter((_, index) => !failures.has(index));
  const accepted = kept.length === 0 ? { FailedEntryCount: 0, Entries: [] } : ((await putEvents({ ...input, Entries: kept })) as PutEventsOutput);
  const results = [...accepted.Entries];
  return {
    FailedEntryCount: accepted.FailedEntryCount + failures.size,
    Entries: entries.map((_, index) => {
      const errorCode = failures.get(index);
      return errorCode ? { ErrorCode: errorCode, ErrorMessage: ENTRY_MESSAGES[errorCode] } : (results.shift() ?? {});
    }),
  };
};
