import type { IncomingMessage, ServerResponse } from 'node:http';
import { NO_API_FAULT, NO_FAULTS, type ApiCall, type FaultPlan } from '../faults';
import { accessKeyIdOf, apiErrorReply, apiTarget, checkedApiFault, InvalidApiFaultError, withFailedEntries, type AwsErrorReply } from './apiFaults';

/**
 * An error the local cloud answers the way AWS does: HTTP 400 (or `statusCode`) with `__type` = the AWS
 * error code, so the real SDK clients raise their real exception classes (`ResourceNotFoundException`,
 * `ExecutionAlreadyExists`, `QueueDoesNotExist`…).
 */
export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
    /** SQS's JSON protocol still reports its legacy query error code in `x-amzn-query-error`. */
    readonly queryErrorCode?: string,
  ) {
    super(message);
    this.name = code;
  }

  /** The error a service answers with, in its wire shape (see `local/edge/apiFaults.ts`). */
  static of(reply: AwsErrorReply): AwsServiceError {
    return new AwsServiceError(reply.type, reply.message, reply.status, reply.queryCode);
  }
}

/** One AWS JSON-protocol service: `X-Amz-Target: <prefix>.<Operation>` → `operations[Operation](body)`. */
export interface JsonService {
  /** The `X-Amz-Target` prefix, e.g. `AWSEvents`, `AWSStepFunctions`, `AmazonSQS`. */
  targetPrefix: string;
  operations: Record<string, (input: Record<string, unknown>) => unknown>;
}

export const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

/**
 * Answers `error` as AWS's JSON protocols do: its status, `__type` and `x-amzn-errortype` carry the code,
 * and a query-compatible service (SQS) also gets `x-amzn-query-error: <code>;Sender` (`Receiver` for a 5xx,
 * AWS's split of client and server faults), which the SDK reads first to pick the exception class.
 */
export const writeAwsError = (response: ServerResponse, error: AwsServiceError, contentType: string): void => {
  const headers: Record<string, string> = { 'content-type': contentType, 'x-amzn-errortype': error.code };
  if (error.queryErrorCode) headers['x-amzn-query-error'] = `${error.queryErrorCode};${error.statusCode >= 500 ? 'Receiver' : 'Sender'}`;
  response.writeHead(error.statusCode, headers);
  response.end(JSON.stringify({ __type: error.code, message: error.message }));
};

/**
 * Serves AWS JSON 1.0/1.1 requests for the given services. Operations the local cloud does not implement
 * answer `UnknownOperationException` naming the operation, never a silent success. `faults.apiFault` decides,
 * for each request the services implement, whether AWS answers it with an error instead, loses the reply
 * after the operation ran, or fails some `PutEvents` entries.
 */
export const handleAwsJsonRequest = async (
  services: readonly JsonService[],
  target: string,
  body: string,
  response: ServerResponse,
  faults: FaultPlan = NO_FAULTS,
): Promise<void> => {
  const [prefix = '', operation = ''] = target.split('.');
  const contentType = response.req.headers['content-type'] ?? 'application/x-amz-json-1.1';
  try {
    const service = services.find((candidate) => candidate.targetPrefix === prefix);
    if (!service) throw new AwsServiceError('UnknownOperationException', `the local cloud does not serve ${prefix}`);
    const handler = service.operations[operation];
    if (!handler) {
      throw new AwsServiceError('UnknownOperationException', `the local cloud does not implement ${prefix}.${operation}`);
    }
    let input: Record<string, unknown>;
    try {
      input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      throw new AwsServiceError('SerializationException', 'request body is not JSON');
    }
    const api = apiTarget(target);
    const call: ApiCall | undefined = api && { ...api, input, accessKeyId: accessKeyIdOf(response.req.headers) };
    const fault = call ? checkedApiFault(call, faults.apiFault(call)) : NO_API_FAULT;
    if (call && fault.kind === 'error') throw AwsServiceError.of(apiErrorReply(call.service, fault.error));
    if (fault.kind === 'reply-lost') {
      // Whatever the operation answers, success or error, never reaches the caller: that is the fault.
      await Promise.resolve()
        .then(() => handler(input))
        .catch(() => undefined);
      // Destroying the socket before a byte of the answer is what a dropped connection looks like to the
      // SDK: a network error (ECONNRESET), which it retries although the operation took effect.
      response.destroy();
      return;
    }
    const output = fault.kind === 'failed-entries' ? await withFailedEntries(input, fault.entries, handler) : ((await handler(input)) ?? {});
    response.writeHead(200, { 'content-type': contentType });
    response.end(JSON.stringify(output));
  } catch (error) {
    const failure =
      error instanceof AwsServiceError
        ? error
        : new AwsServiceError(
            error instanceof InvalidApiFaultError ? error.name : 'InternalFailure',
            error instanceof Error ? error.message : String(error),
            500,
          );
    writeAwsError(response, failure, contentType);
  }
};
