import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { md5OfBody, md5OfMessageAttributes, type MessageAttributeValue } from '../../local/sqs/messageMd5';

/** How the endpoint answers: an AWS error on the wire, a 200 whose PutEvents entries all failed, or a reset connection. */
export type AwsFault =
  | { kind: 'error'; code: string; status: number }
  | { kind: 'entries-failed'; code: string }
  | { kind: 'connection-reset' };

/** A dead-letter send the endpoint accepted (SQS always answers: consumers must be able to dead-letter). */
export interface DeadLetterSent {
  queueName: string;
  body: string;
  attributes: Record<string, MessageAttributeValue>;
}

const SERVICE_OF_TARGET: Record<string, 'dynamodb' | 'events' | 'states' | 'sqs'> = {
  DynamoDB_20120810: 'dynamodb',
  AWSEvents: 'events',
  AWSStepFunctions: 'states',
  AmazonSQS: 'sqs',
};

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

/**
 * An AWS endpoint (JSON protocol, as the SDK v3 clients of DynamoDB, EventBridge, Step Functions and SQS speak
 * it) that fails every DynamoDB, EventBridge and Step Functions request with the fault set, the way the real
 * service puts it on the wire, so the real SDK clients raise their real exception classes. SQS requests
 * succeed (GetQueueUrl, SendMessage), so a consumer can always dead-letter, and each send is recorded.
 *
 * @example
 * ```ts
 * const endpoint = await startFailingAwsEndpoint();
 * endpoint.fault = { kind: 'error', code: 'ThrottlingException', status: 400 };
 * process.env.AWS_ENDPOINT_URL = endpoint.url;
 * ```
 */
export const startFailingAwsEndpoint = async () => {
  const state = {
    fault: { kind: 'connection-reset' } as AwsFault,
    /** The services requests were made to since the last `reset()`, in order. */
    requested: [] as string[],
    deadLetters: [] as DeadLetterSent[],
  };
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const [prefix = '', operation = ''] = String(request.headers['x-amz-target'] ?? '').split('.');
      const service = SERVICE_OF_TARGET[prefix] ?? 'unknown';
      state.requested.push(`${service}:${operation}`);
      const contentType = request.headers['content-type'] ?? 'application/x-amz-json-1.0';
      const answer = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, { 'content-type': contentType, ...headers });
        response.end(JSON.stringify(payload));
      };
      if (service === 'sqs') {
        const input = JSON.parse(body) as { QueueName?: string; QueueUrl?: string; MessageBody?: string; MessageAttributes?: Record<string, MessageAttributeValue> };
        // The SDK sends the next request to the queue URL's host: it must be this endpoint's.
        if (operation === 'GetQueueUrl') return answer(200, { QueueUrl: `http://${request.headers.host ?? ''}/000000000000/${input.QueueName ?? ''}` });
        if (operation === 'SendMessage') {
          const attributes = input.MessageAttributes ?? {};
          state.deadLetters.push({ queueName: (input.QueueUrl ?? '').split('/').pop() ?? '', body: input.MessageBody ?? '', attributes });
          return answer(200, { MessageId: randomUUID(), MD5OfMessageBody: md5OfBody(input.MessageBody ?? ''), MD5OfMessageAttributes: md5OfMessageAttributes(attributes) });
        }
        return answer(400, { __type: 'UnsupportedOperation', message: operation }, { 'x-amzn-errortype': 'UnsupportedOperation' });
      }
      const { fault } = state;
      if (fault.kind === 'connection-reset') {
        request.socket.destroy();
        return;
      }
      if (fault.kind === 'entries-failed' && service === 'events' && operation === 'PutEvents') {
        const entries = (JSON.parse(body) as { Entries?: unknown[] }).Entries ?? [];
        return answer(200, { FailedEntryCount: entries.length, Entries: entries.map(() => ({ ErrorCode: fault.code, ErrorMessage: 'injected' })) });
      }
      const code = fault.kind === 'error' ? fault.code : 'InternalServerError';
      const status = fault.kind === 'error' ? fault.status : 500;
      // DynamoDB names its errors with a namespace; the SDK strips it either way.
      const type = service === 'dynamodb' ? `com.amazonaws.dynamodb.v20120810#${code}` : code;
      return answer(status, { __type: type, message: `${code} (injected by the test endpoint)` }, { 'x-amzn-errortype': code });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get fault() {
      return state.fault;
    },
    set fault(fault: AwsFault) {
      state.fault = fault;
    },
    get requested(): readonly string[] {
      return state.requested;
    },
    get deadLetters(): readonly DeadLetterSent[] {
      return state.deadLetters;
    },
    reset() {
      state.requested = [];
      state.deadLetters = [];
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
