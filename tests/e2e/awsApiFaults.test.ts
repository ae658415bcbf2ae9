/**
 * The AWS API faults the local cloud's edge endpoint injects, as the real SDK v3 clients receive them: the
 * exception class each service's model gives the error, the SDK's own classification of it (throttling or
 * transient, read with the functions its retry strategy uses) and its own retries, a write that landed but
 * whose reply was lost, and a PutEvents answered HTTP 200 with failed entries. The cloud runs no stack: each
 * test creates what it needs through the API, and a plan the test scripts decides every call.
 */
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  InternalServerError,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  ThrottlingException as DynamoDbThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, ThrottlingException as EventBridgeThrottlingException } from '@aws-sdk/client-eventbridge';
import {
  CreateStateMachineCommand,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  RequestThrottled,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  SQSServiceException,
} from '@aws-sdk/client-sqs';
import { isThrottlingError, isTransientError } from '@smithy/core/retry';
import path from 'node:path';
import { startLocalCloud, type LocalCloud } from '../../local/cloud';
import { NO_API_FAULT, NO_FAULTS, type ApiCall, type ApiFault, type FaultPlan } from '../../local/faults';
import { ROOT } from '../../scripts/stacks';

// A throttled call is retried with the SDK's throttling backoff (up to 1 s, then 2 s, then 4 s).
jest.setTimeout(60_000);

const REGION = 'eu-west-1';
const TABLE = 'faulted-orders';

/** The fault each call gets, set by each test; every call the plan was asked about, in order. */
let decide: (call: ApiCall) => ApiFault = () => NO_API_FAULT;
const calls: ApiCall[] = [];
const plan: FaultPlan = {
  ...NO_FAULTS,
  apiFault: (call) => {
    calls.push(call);
    return decide(call);
  },
};
const always =
  (fault: ApiFault, operation: string): ((call: ApiCall) => ApiFault) =>
  (call) =>
    call.operation === operation ? fault : NO_API_FAULT;
const callsOf = (operation: string) => calls.filter((call) => call.operation === operation);

let cloud: LocalCloud;
let dynamo: DynamoDBClient;
let events: EventBridgeClient;
let sfn: SFNClient;
let sqs: SQSClient;

beforeAll(async () => {
  cloud = await startLocalCloud({ stacks: [], edgePort: 0, httpPort: 0, workDir: path.join(ROOT, '.local-cloud/e2e/awsApiFaults'), faults: plan, log: () => undefined });
  const config = { endpoint: cloud.edgeUrl, region: REGION, credentials: { accessKeyId: 'e2e-faults', secretAccessKey: 'e2e' } };
  dynamo = new DynamoDBClient(config);
  events = new EventBridgeClient(config);
  sfn = new SFNClient(config);
  sqs = new SQSClient(config);
  await dynamo.send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});

afterAll(async () => {
  for (const client of [dynamo, events, sfn, sqs]) client.destroy();
  await cloud.stop();
});

beforeEach(() => {
  decide = () => NO_API_FAULT;
  calls.length = 0;
});

/** What the SDK throws, as its retry strategy reads it. */
type SdkFailure = Error & { cause?: Error; $metadata: { httpStatusCode?: number; attempts?: number } };

/** What a rejected SDK call threw. */
const rejection = async (sending: Promise<unknown>): Promise<SdkFailure> => {
  try {
    await sending;
  } catch (error) {
    return error as SdkFailure;
  }
  throw new Error('the call succeeded');
};

const stored = async (orderId: string) => (await dynamo.send(new GetItemCommand({ TableName: TABLE, Key: { orderId: { S: orderId } } }))).Item;

describe('DynamoDB', () => {
  it.each([
    ['ThrottlingException', DynamoDbThrottlingException, 400, 'throttling'],
    ['ProvisionedThroughputExceededException', ProvisionedThroughputExceededException, 400, 'throttling'],
    ['InternalServerError', InternalServerError, 500, 'transient'],
  ] as const)('raises %s, retried by the SDK to its last attempt, and writes nothing when every attempt gets it', async (error, ExceptionClass, status, classification) => {
    // Arrange
    decide = always({ kind: 'error', error }, 'PutItem');
    const maxAttempts = await dynamo.config.maxAttempts();

    // Act
    const thrown = await rejection(dynamo.send(new PutItemCommand({ TableName: TABLE, Item: { orderId: { S: `ord_${error}` } } })));

    // Assert
    expect(thrown).toBeInstanceOf(ExceptionClass);
    expect(thrown.name).toBe(error);
    expect(thrown.$metadata).toMatchObject({ httpStatusCode: status, attempts: maxAttempts });
    expect(classification === 'throttling' ? isThrottlingError(thrown) : isTransientError(thrown)).toBe(true);
    expect(callsOf('PutItem')).toHaveLength(maxAttempts);
    decide = () => NO_API_FAULT;
    expect(await stored(`ord_${error}`)).toBeUndefined();
  });

  it('succeeds on the SDK’s second attempt when only the first is throttled', async () => {
    decide = (call) => (call.operation === 'PutItem' && callsOf('PutItem').length === 1 ? { kind: 'error', error: 'ThrottlingException' } : NO_API_FAULT);

    const output = await dynamo.send(new PutItemCommand({ TableName: TABLE, Item: { orderId: { S: 'ord_throttled_once' } } }));

    expect(output.$metadata.attempts).toBe(2);
    expect(await stored('ord_throttled_once')).toEqual({ orderId: { S: 'ord_throttled_once' } });
  });

  it('applies a write whose reply is lost, so the SDK’s retry of a conditional write meets its own write', async () => {
    // Arrange: the first attempt's reply is lost, the retry goes through.
    decide = (call) => (call.operation === 'PutItem' && callsOf('PutItem').length === 1 ? { kind: 'reply-lost' } : NO_API_FAULT);

    // Act
    const thrown = await rejection(
      dynamo.send(new PutItemCommand({ TableName: TABLE, Item: { orderId: { S: 'ord_reply_lost' }, status: { S: 'PLACED' } }, ConditionExpression: 'attribute_not_exists(orderId)' })),
    );

    // Assert
    expect(thrown).toBeInstanceOf(ConditionalCheckFailedException);
    expect(thrown.$metadata.attempts).toBe(2);
    expect(callsOf('PutItem')).toHaveLength(2);
    expect(await stored('ord_reply_lost')).toEqual({ orderId: { S: 'ord_reply_lost' }, status: { S: 'PLACED' } });
  });

  it('reaches the client as a network reset the SDK retries, each attempt applied, when every reply of a write is lost', async () => {
    decide = always({ kind: 'reply-lost' }, 'PutItem');
    const maxAttempts = await dynamo.config.maxAttempts();

    const thrown = await rejection(dynamo.send(new PutItemCommand({ TableName: TABLE, Item: { orderId: { S: 'ord_every_reply_lost' } } })));

    // Node's http client reports the destroyed connection as `socket hang up` (ECONNRESET), which the SDK's
    // handler names TimeoutError and its retry strategy classifies as transient. Under jest the error comes
    // from another realm (not `instanceof Error` in the test's), so the SDK hands it on wrapped, by its text.
    expect(thrown.message).toMatch(/TimeoutError: socket hang up/);
    expect(thrown.$metadata.attempts).toBe(maxAttempts);
    expect(callsOf('PutItem')).toHaveLength(maxAttempts);
    decide = () => NO_API_FAULT;
    expect(await stored('ord_every_reply_lost')).toEqual({ orderId: { S: 'ord_every_reply_lost' } });
  });

  it('hands the plan the parsed request, so that a plan can pick the write it faults', async () => {
    await dynamo.send(
      new PutItemCommand({ TableName: TABLE, Item: { orderId: { S: 'ord_seen' } }, ConditionExpression: 'attribute_not_exists(orderId)' }),
    );

    expect(callsOf('PutItem')).toEqual([
      {
        service: 'dynamodb',
        operation: 'PutItem',
        input: { TableName: TABLE, Item: { orderId: { S: 'ord_seen' } }, ConditionExpression: 'attribute_not_exists(orderId)' },
        accessKeyId: 'e2e-faults',
      },
    ]);
  });
});

const entry = (n: number) => ({ EventBusName: 'default', Source: 'e2e.faults', DetailType: 'FaultProbe', Detail: JSON.stringify({ n, run: Date.now() }) });
const acceptedProbes = () => cloud.eventLog.filter(({ event }) => event.source === 'e2e.faults').map(({ event }) => (event.detail as { n: number }).n);

describe('EventBridge PutEvents', () => {
  it('raises ThrottlingException, classified as throttling and retried to the last attempt, and puts nothing on the bus when throttled', async () => {
    decide = always({ kind: 'error', error: 'ThrottlingException' }, 'PutEvents');
    const before = acceptedProbes().length;
    const maxAttempts = await events.config.maxAttempts();

    const thrown = await rejection(events.send(new PutEventsCommand({ Entries: [entry(1)] })));

    expect(thrown).toBeInstanceOf(EventBridgeThrottlingException);
    expect(thrown.$metadata).toMatchObject({ httpStatusCode: 400, attempts: maxAttempts });
    expect(isThrottlingError(thrown)).toBe(true);
    expect(acceptedProbes()).toHaveLength(before);
  });

  it('answers HTTP 200 with the failed entries’ InternalFailure in place, and puts only the others on the bus, when single entries fail', async () => {
    // Arrange
    decide = always({ kind: 'failed-entries', entries: [{ index: 1, errorCode: 'InternalFailure' }] }, 'PutEvents');
    const before = acceptedProbes();

    // Act
    const output = await events.send(new PutEventsCommand({ Entries: [entry(10), entry(11), entry(12)] }));

    // Assert
    expect(output.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 1 });
    expect(output.FailedEntryCount).toBe(1);
    expect(output.Entries?.[0]?.EventId).toEqual(expect.any(String));
    expect(output.Entries?.[1]?.ErrorCode).toBe('InternalFailure');
    expect(output.Entries?.[1]?.ErrorMessage).toContain('Internal Service Failure');
    expect(output.Entries?.[1]?.EventId).toBeUndefined();
    expect(output.Entries?.[2]?.EventId).toEqual(expect.any(String));
    expect(acceptedProbes().slice(before.length)).toEqual([10, 12]);
  });

  it('answers every entry as failed without putting any on the bus when all of them fail', async () => {
    decide = always({ kind: 'failed-entries', entries: [{ index: 0, errorCode: 'InternalFailure' }, { index: 1, errorCode: 'ThrottlingException' }] }, 'PutEvents');
    const before = acceptedProbes().length;

    const output = await events.send(new PutEventsCommand({ Entries: [entry(20), entry(21)] }));

    expect(output.FailedEntryCount).toBe(2);
    expect(output.Entries?.map((result) => result.ErrorCode)).toEqual(['InternalFailure', 'ThrottlingException']);
    expect(acceptedProbes()).toHaveLength(before);
  });
});

describe('Step Functions', () => {
  let stateMachineArn: string;

  beforeAll(async () => {
    ({ stateMachineArn = '' } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'faulted-workflow',
        roleArn: 'arn:aws:iam::000000000000:role/faulted-workflow',
        definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }),
      }),
    ));
  });

  it('raises ThrottlingException on StartExecution, classified as throttling and retried, and starts nothing when throttled', async () => {
    decide = always({ kind: 'error', error: 'ThrottlingException' }, 'StartExecution');
    const maxAttempts = await sfn.config.maxAttempts();

    const thrown = await rejection(sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'throttled' })));

    expect(thrown).toBeInstanceOf(SFNServiceException);
    expect(thrown.name).toBe('ThrottlingException');
    expect(thrown.$metadata).toMatchObject({ httpStatusCode: 400, attempts: maxAttempts });
    expect(isThrottlingError(thrown)).toBe(true);
    const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    expect(executions.map((execution) => execution.name)).not.toContain('throttled');
  });

  it.each([
    ['SendTaskSuccess', () => sfn.send(new SendTaskSuccessCommand({ taskToken: 'token', output: '{}' }))],
    ['SendTaskFailure', () => sfn.send(new SendTaskFailureCommand({ taskToken: 'token', error: 'Failed' }))],
    ['SendTaskHeartbeat', () => sfn.send(new SendTaskHeartbeatCommand({ taskToken: 'token' }))],
  ] as const)('raises ThrottlingException on %s, classified as throttling, before the token is even read', async (operation, send) => {
    decide = always({ kind: 'error', error: 'ThrottlingException' }, operation);

    const thrown = await rejection(send());

    expect(thrown.name).toBe('ThrottlingException');
    expect(isThrottlingError(thrown)).toBe(true);
    expect(callsOf(operation)).toHaveLength(await sfn.config.maxAttempts());
  });
});

describe('SQS', () => {
  let queueUrl: string;

  beforeAll(async () => {
    ({ QueueUrl: queueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: 'faulted-queue' })));
  });

  const receiveOne = async () => {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 60 }));
    const [message] = Messages;
    if (!message?.ReceiptHandle) throw new Error('no message to receive');
    return message.ReceiptHandle;
  };

  it.each([
    ['SendMessage', () => sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'throttled' }))],
    ['SendMessageBatch', () => sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: '1', MessageBody: 'throttled' }] }))],
  ] as const)('raises RequestThrottled (HTTP 403), classified as throttling, and sends nothing when %s is throttled', async (operation, send) => {
    decide = always({ kind: 'error', error: 'RequestThrottled' }, operation);
    const depthBefore = cloud.sqs.depth(queueUrl).total;

    const thrown = await rejection(send());

    expect(thrown).toBeInstanceOf(RequestThrottled);
    expect(thrown.$metadata).toMatchObject({ httpStatusCode: 403, attempts: await sqs.config.maxAttempts() });
    expect(isThrottlingError(thrown)).toBe(true);
    expect(cloud.sqs.depth(queueUrl).total).toBe(depthBefore);
  });

  it.each([
    ['DeleteMessage', (receiptHandle: string) => sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle }))],
    ['DeleteMessageBatch', (receiptHandle: string) => sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: '1', ReceiptHandle: receiptHandle }] }))],
  ] as const)('raises InternalFailure (HTTP 500), classified as transient, and leaves the message in flight when %s fails', async (operation, send) => {
    // Arrange
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: `to delete with ${operation}` }));
    const receiptHandle = await receiveOne();
    decide = always({ kind: 'error', error: 'InternalFailure' }, operation);

    // Act
    const thrown = await rejection(send(receiptHandle));

    // Assert
    expect(thrown).toBeInstanceOf(SQSServiceException);
    expect(thrown.name).toBe('InternalFailure');
    expect(thrown.$metadata).toMatchObject({ httpStatusCode: 500, attempts: await sqs.config.maxAttempts() });
    expect(isTransientError(thrown)).toBe(true);
    expect(cloud.sqs.depth(queueUrl).inFlight).toBe(1);
    decide = () => NO_API_FAULT;
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle }));
  });
});

describe('a fault plan’s mistakes', () => {
  it('are told to the caller, naming the fault, when a plan answers a service with an error it never sends', async () => {
    decide = always({ kind: 'error', error: 'RequestThrottled' }, 'PutItem');

    const thrown = await rejection(dynamo.send(new PutItemCommand({ TableName: TABLE, Item: { orderId: { S: 'ord_wrong_plan' } } })));

    expect(thrown.name).toBe('InvalidApiFaultError');
    expect(thrown.message).toContain('RequestThrottled');
  });
});
