import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  InvalidAttributeName,
  ListQueuesCommand,
  PurgeQueueCommand,
  QueueNameExists,
  QueueDoesNotExist,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  SQSServiceException,
} from '@aws-sdk/client-sqs';
import { handleAwsJsonRequest, readBody } from '../../../../local/edge/awsJsonProtocol';
import { sqsApi } from '../../../../local/sqs/sqsApi';
import { SqsService } from '../../../../local/sqs/sqsService';

const ACCOUNT = '000000000000';

let server: Server;
let sqs: SqsService;
let client: SQSClient;

beforeAll(async () => {
  server = createServer((request, response) => {
    void readBody(request).then((body) => handleAwsJsonRequest([sqsApi(sqs)], String(request.headers['x-amz-target']), body, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sqs = new SqsService({ accountId: ACCOUNT, region: 'eu-west-1', endpoint });
  client = new SQSClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
});

afterAll(async () => {
  client.destroy();
  sqs.close();
  await new Promise((resolve) => server.close(resolve));
});

const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

describe('sqsApi through @aws-sdk/client-sqs', () => {
  it('sends and receives a message with attributes, the SDK verifying the body MD5s', async () => {
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: 'md5s', Attributes: { VisibilityTimeout: '5' } }));

    const sent = await client.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: '{"orderId":"ord_1","note":"Héllo 😀"}',
        MessageAttributes: {
          timestamp: { DataType: 'Number', StringValue: '1493147359900' },
          raw: { DataType: 'Binary', BinaryValue: Uint8Array.of(2, 3, 4) },
        },
      }),
    );
    const received = await client.send(
      new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'], WaitTimeSeconds: 1 }),
    );

    const [message] = received.Messages ?? [];
    expect(message?.Body).toBe('{"orderId":"ord_1","note":"Héllo 😀"}');
    expect(message?.MessageId).toBe(sent.MessageId);
    expect(message?.MessageAttributes?.timestamp).toEqual({ DataType: 'Number', StringValue: '1493147359900' });
    expect(message?.MessageAttributes?.raw?.BinaryValue).toEqual(Uint8Array.of(2, 3, 4));
    expect(message?.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(message?.Attributes?.ApproximateReceiveCount).toBe('1');
  });

  it('answers MD5OfMessageAttributes with the digest AWS gives for the same attributes', async () => {
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: 'aws-digest' }));

    const sent = await client.send(
      new SendMessageCommand({ QueueUrl, MessageBody: 'derp', MessageAttributes: { timestamp: { DataType: 'Number', StringValue: '1493147359900' } } }),
    );

    expect(sent.MD5OfMessageBody).toBe('58fd9edd83341c29f1aebba81c31e257');
    expect(sent.MD5OfMessageAttributes).toBe('235c5c510d26fb653d073faed50ae77c');
  });

  it('raises QueueDoesNotExist for the URL of a missing queue', async () => {
    const error = await rejectionOf(client.send(new GetQueueUrlCommand({ QueueName: 'missing' })));

    expect(error).toBeInstanceOf(QueueDoesNotExist);
    expect(error).toMatchObject({ name: 'QueueDoesNotExist', $metadata: { httpStatusCode: 400 } });
  });

  it('raises the SDK exception classes for AWS errors', async () => {
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: 'errors', Attributes: { VisibilityTimeout: '5' } }));

    const invalidHandle = await rejectionOf(client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: 'garbage' })));
    const alreadyExists = await rejectionOf(client.send(new CreateQueueCommand({ QueueName: 'errors', Attributes: { VisibilityTimeout: '6' } })));
    const unknownAttribute = await rejectionOf(
      client.send(new CreateQueueCommand({ QueueName: 'other', Attributes: { Colour: 'blue' } as Record<string, string> })),
    );
    const unmodelled = await rejectionOf(client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 11 })));

    expect(invalidHandle).toBeInstanceOf(ReceiptHandleIsInvalid);
    expect(alreadyExists).toBeInstanceOf(QueueNameExists);
    expect(unknownAttribute).toBeInstanceOf(InvalidAttributeName);
    expect(unmodelled).toBeInstanceOf(SQSServiceException);
    expect(unmodelled).toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('wakes a long poll when a message is sent', async () => {
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: 'long-poll' }));
    const started = Date.now();

    const receiving = client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 }));
    setTimeout(() => void client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'wake up' })), 50);
    const { Messages } = await receiving;

    expect(Messages?.map((message) => message.Body)).toEqual(['wake up']);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('sends, receives, hides and deletes in batches', async () => {
    const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: 'batches' }));

    const sent = await client.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'a', MessageBody: 'a' },
          { Id: 'b', MessageBody: 'b', MessageAttributes: { kind: { DataType: 'String', StringValue: 'k' } } },
        ],
      }),
    );
    const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    const hidden = await client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl,
        Entries: Messages.map((message, index) => ({ Id: `m${index}`, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 60 })),
      }),
    );
    const deleted = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: [...Messages.map((message, index) => ({ Id: `m${index}`, ReceiptHandle: message.ReceiptHandle })), { Id: 'bad', ReceiptHandle: 'garbage' }],
      }),
    );

    expect(sent.Successful?.map((entry) => entry.Id)).toEqual(['a', 'b']);
    expect(sent.Failed).toEqual([]);
    expect(Messages.map((message) => message.Body)).toEqual(['a', 'b']);
    expect(hidden.Successful).toHaveLength(2);
    expect(deleted.Successful).toHaveLength(2);
    expect(deleted.Failed).toEqual([expect.objectContaining({ Id: 'bad', Code: 'ReceiptHandleIsInvalid', SenderFault: true })]);
  });

  it('reports queue attributes, lists, purges and deletes queues', async () => {
    const { QueueUrl: dlqUrl } = await client.send(new CreateQueueCommand({ QueueName: 'admin-dlq' }));
    const { Attributes: dlq } = await client.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }));
    const { QueueUrl } = await client.send(
      new CreateQueueCommand({
        QueueName: 'admin',
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq?.QueueArn, maxReceiveCount: '5' }) },
      }),
    );
    await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' }));

    const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
    const { QueueUrls } = await client.send(new ListQueuesCommand({ QueueNamePrefix: 'admin' }));
    const firstPage = await client.send(new ListQueuesCommand({ QueueNamePrefix: 'admin', MaxResults: 1 }));
    await client.send(new PurgeQueueCommand({ QueueUrl }));
    const afterPurge = await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
    await client.send(new DeleteQueueCommand({ QueueUrl }));
    const deleted = await rejectionOf(client.send(new GetQueueAttributesCommand({ QueueUrl })));

    expect(Attributes).toMatchObject({
      ApproximateNumberOfMessages: '1',
      RedrivePolicy: `{"deadLetterTargetArn":"${String(dlq?.QueueArn)}","maxReceiveCount":5}`,
      QueueArn: `arn:aws:sqs:eu-west-1:${ACCOUNT}:admin`,
    });
    expect(QueueUrls).toEqual([QueueUrl, dlqUrl]);
    expect(firstPage.QueueUrls).toEqual([QueueUrl]);
    expect(firstPage.NextToken).toEqual(expect.any(String));
    expect(afterPurge.Attributes).toEqual({ ApproximateNumberOfMessages: '0' });
    expect(deleted).toBeInstanceOf(QueueDoesNotExist);
  });
});
