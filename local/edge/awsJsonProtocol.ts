import type { IncomingMessage, ServerResponse } from 'node:http';

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
 * Serves AWS JSON 1.0/1.1 requests for the given services. Operations the local cloud does not implement
 * answer `UnknownOperationException` naming the operation, never a silent success.
 */
export const handleAwsJsonRequest = async (
  services: readonly JsonService[],
  target: string,
  body: string,
  response: ServerResponse,
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
    const output = (await handler(input)) ?? {};
    response.writeHead(200, { 'content-type': contentType });
    response.end(JSON.stringify(output));
  } catch (error) {
    const failure =
      error instanceof AwsServiceError
        ? error
        : new AwsServiceError('InternalFailure', error instanceof Error ? error.message : String(error), 500);
    const headers: Record<string, string> = { 'content-type': contentType, 'x-amzn-errortype': failure.code };
    if (failure.queryErrorCode) headers['x-amzn-query-error'] = `${failure.queryErrorCode};Sender`;
    response.writeHead(failure.statusCode, headers);
    response.end(JSON.stringify({ __type: failure.code, message: failure.message }));
  }
};
