import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsServiceError, handleAwsJsonRequest, readBody, type JsonService } from '../../../../local/edge/awsJsonProtocol';
import { NO_API_FAULT, NO_FAULTS, type ApiCall, type ApiFault } from '../../../../local/faults';

/** A service whose one operation records what it ran, and fails when asked to. */
const ran: Record<string, unknown>[] = [];
const service: JsonService = {
  targetPrefix: 'AmazonSQS',
  operations: {
    SendMessage: (input) => {
      ran.push(input);
      if (input.MessageBody === 'refused') throw new AwsServiceError('com.amazonaws.sqs#InvalidMessageContents', 'refused', 400, 'InvalidMessageContents');
      return { MessageId: 'm-1' };
    },
  },
};

let fault: ApiFault = NO_API_FAULT;
const calls: ApiCall[] = [];
let server: Server;
let port: number;

beforeAll(async () => {
  const faults = {
    ...NO_FAULTS,
    apiFault: (call: ApiCall) => {
      calls.push(call);
      return fault;
    },
  };
  server = createServer((request, response) => {
    void readBody(request).then((body) => handleAwsJsonRequest([service], String(request.headers['x-amz-target']), body, response, faults));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  fault = NO_API_FAULT;
  calls.length = 0;
  ran.length = 0;
});

/** One request on a connection of its own: its status, headers and body, or the error that ended it. */
const send = (input: Record<string, unknown>) =>
  new Promise<{ status?: number; headers?: Record<string, unknown>; body?: string; error?: NodeJS.ErrnoException }>((resolve) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'AmazonSQS.SendMessage',
          authorization: 'AWS4-HMAC-SHA256 Credential=unit-key/20260101/eu-west-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    request.on('error', (error) => resolve({ error }));
    request.end(JSON.stringify(input));
  });

describe('handleAwsJsonRequest with a fault plan', () => {
  it('asks the plan about each request with its service, operation, parsed input and access key', async () => {
    await send({ QueueUrl: 'q', MessageBody: 'hello' });

    expect(calls).toEqual([{ service: 'sqs', operation: 'SendMessage', input: { QueueUrl: 'q', MessageBody: 'hello' }, accessKeyId: 'unit-key' }]);
  });

  it('answers the error in its service’s wire shape without running the operation when the plan fails the request', async () => {
    fault = { kind: 'error', error: 'InternalFailure' };

    const { status, headers, body } = await send({ QueueUrl: 'q', MessageBody: 'hello' });

    expect(status).toBe(500);
    expect(headers).toMatchObject({ 'x-amzn-errortype': 'com.amazon.coral.service#InternalFailure', 'x-amzn-query-error': 'InternalFailure;Receiver' });
    expect(JSON.parse(body ?? '{}')).toMatchObject({ __type: 'com.amazon.coral.service#InternalFailure' });
    expect(ran).toEqual([]);
  });

  it('runs the operation and resets the connection before any reply, whatever the operation answered, when the plan loses the reply', async () => {
    fault = { kind: 'reply-lost' };

    const answered = await send({ QueueUrl: 'q', MessageBody: 'hello' });
    const refused = await send({ QueueUrl: 'q', MessageBody: 'refused' });

    expect([answered.error?.code, refused.error?.code]).toEqual(['ECONNRESET', 'ECONNRESET']);
    expect(ran.map((input) => input.MessageBody)).toEqual(['hello', 'refused']);
  });

  it('answers InvalidApiFaultError, naming the fault, when the plan gives a fault the call cannot have', async () => {
    fault = { kind: 'failed-entries', entries: [{ index: 0, errorCode: 'InternalFailure' }] };

    const { status, body } = await send({ QueueUrl: 'q', MessageBody: 'hello' });

    expect(status).toBe(500);
    expect(JSON.parse(body ?? '{}')).toMatchObject({ __type: 'InvalidApiFaultError', message: expect.stringContaining('only events PutEvents') as unknown });
    expect(ran).toEqual([]);
  });
});
