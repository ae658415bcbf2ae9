import type { JsonService } from '../edge/awsJsonProtocol';
import { SqsError } from './sqsErrors';
import type {
  MessageAttributeInput,
  ReceiptEntry,
  SendMessageBatchEntry,
  SendMessageInput,
  SqsService,
  VisibilityEntry,
} from './sqsService';

type Input = Record<string, unknown>;

const MAX_LIST_RESULTS = 1000;

const missing = (parameter: string) => new SqsError('MissingParameter', `The request must contain the parameter ${parameter}.`);
const invalid = (parameter: string, expected: string) =>
  new SqsError('InvalidParameterValue', `Value for parameter ${parameter} is invalid. Reason: expected ${expected}.`);

const isRecord = (value: unknown): value is Input => typeof value === 'object' && value !== null && !Array.isArray(value);

const requiredString = (input: Input, key: string): string => {
  const value = input[key];
  if (value === undefined || value === null || value === '') throw missing(key);
  if (typeof value !== 'string') throw invalid(key, 'a string');
  return value;
};

const optionalString = (input: Input, key: string): string | undefined => {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(key, 'a string');
  return value;
};

const optionalInteger = (input: Input, key: string): number | undefined => {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(key, 'an integer');
  return value;
};

const optionalStringList = (input: Input, key: string): string[] | undefined => {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) throw invalid(key, 'a list of strings');
  return value;
};

const optionalRecord = (input: Input, key: string): Input | undefined => {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw invalid(key, 'a map');
  return value;
};

const entries = (input: Input): Input[] => {
  const value = input.Entries;
  if (value === undefined || value === null) throw missing('Entries');
  if (!Array.isArray(value) || !value.every(isRecord)) throw invalid('Entries', 'a list of entries');
  return value;
};

/** Message attributes off the JSON wire, where `BinaryValue` is base64 text; the service validates the rest. */
const messageAttributes = (input: Input, key: string): Record<string, MessageAttributeInput> | undefined => {
  const map = optionalRecord(input, key);
  if (!map) return undefined;
  const attributes: Record<string, MessageAttributeInput> = {};
  for (const [name, value] of Object.entries(map)) {
    if (!isRecord(value)) throw invalid(`${key}.${name}`, 'a message attribute value');
    const attribute: MessageAttributeInput = { DataType: requiredString(value, 'DataType') };
    const stringValue = optionalString(value, 'StringValue');
    const binaryValue = optionalString(value, 'BinaryValue');
    const stringListValues = optionalStringList(value, 'StringListValues');
    const binaryListValues = optionalStringList(value, 'BinaryListValues');
    if (stringValue !== undefined) attribute.StringValue = stringValue;
    if (binaryValue !== undefined) attribute.BinaryValue = binaryValue;
    if (stringListValues) attribute.StringListValues = stringListValues;
    if (binaryListValues) attribute.BinaryListValues = binaryListValues;
    attributes[name] = attribute;
  }
  return attributes;
};

/** FIFO-only parameters: the local cloud has no FIFO queues, so sending them is refused by name. */
const refuseFifoParameters = (input: Input): void => {
  for (const key of ['MessageGroupId', 'MessageDeduplicationId']) {
    if (input[key] !== undefined && input[key] !== null) {
      throw new SqsError('UnsupportedOperation', `${key} is not emulated by the local cloud (FIFO and fair queues are not supported)`);
    }
  }
};

const sendInput = (input: Input): SendMessageInput => {
  refuseFifoParameters(input);
  const message: SendMessageInput = { MessageBody: requiredString(input, 'MessageBody') };
  const delaySeconds = optionalInteger(input, 'DelaySeconds');
  const attributes = messageAttributes(input, 'MessageAttributes');
  const systemAttributes = messageAttributes(input, 'MessageSystemAttributes');
  if (delaySeconds !== undefined) message.DelaySeconds = delaySeconds;
  if (attributes) message.MessageAttributes = attributes;
  if (systemAttributes) message.MessageSystemAttributes = systemAttributes;
  return message;
};

const receiptEntry = (entry: Input): ReceiptEntry => ({ Id: requiredString(entry, 'Id'), ReceiptHandle: requiredString(entry, 'ReceiptHandle') });

const visibilityEntry = (entry: Input): VisibilityEntry => {
  const visibilityTimeout = optionalInteger(entry, 'VisibilityTimeout');
  if (visibilityTimeout === undefined) throw missing('VisibilityTimeout');
  return { ...receiptEntry(entry), VisibilityTimeout: visibilityTimeout };
};

const decodeNextToken = (token: string | undefined): number => {
  if (token === undefined) return 0;
  const offset = Number(Buffer.from(token, 'base64').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) throw invalid('NextToken', 'a token from a previous ListQueues');
  return offset;
};

/**
 * Amazon SQS's JSON protocol (`X-Amz-Target: AmazonSQS.<Operation>`) over an {@link SqsService}: the shapes
 * `@aws-sdk/client-sqs` sends and expects, and errors it maps to its exception classes.
 *
 * @example
 * const services = [sqsApi(new SqsService({ accountId, region, endpoint }))];
 * await handleAwsJsonRequest(services, request.headers['x-amz-target'], body, response);
 */
export const sqsApi = (service: SqsService): JsonService => ({
  targetPrefix: 'AmazonSQS',
  operations: {
    CreateQueue: (input) => {
      const tags = optionalRecord(input, 'tags') ?? {};
      const stringTags = Object.fromEntries(Object.entries(tags).map(([key, value]) => [key, String(value)]));
      const queue = service.createQueue(requiredString(input, 'QueueName'), optionalRecord(input, 'Attributes') ?? {}, stringTags);
      return { QueueUrl: queue.url };
    },
    DeleteQueue: (input) => {
      service.deleteQueue(requiredString(input, 'QueueUrl'));
      return {};
    },
    GetQueueUrl: (input) => ({
      QueueUrl: service.getQueueUrl(requiredString(input, 'QueueName'), optionalString(input, 'QueueOwnerAWSAccountId')),
    }),
    ListQueues: (input) => {
      const maxResults = optionalInteger(input, 'MaxResults');
      if (maxResults !== undefined && (maxResults < 1 || maxResults > MAX_LIST_RESULTS)) throw invalid('MaxResults', `1 to ${MAX_LIST_RESULTS}`);
      const all = service.listQueues(optionalString(input, 'QueueNamePrefix'));
      const offset = decodeNextToken(optionalString(input, 'NextToken'));
      const page = all.slice(offset, offset + (maxResults ?? MAX_LIST_RESULTS));
      const output: { QueueUrls?: string[]; NextToken?: string } = {};
      if (page.length > 0) output.QueueUrls = page;
      // AWS only pages when the caller asked for pages (MaxResults).
      if (maxResults !== undefined && offset + page.length < all.length) {
        output.NextToken = Buffer.from(String(offset + page.length)).toString('base64');
      }
      return output;
    },
    GetQueueAttributes: (input) => ({
      Attributes: service.getQueueAttributes(requiredString(input, 'QueueUrl'), optionalStringList(input, 'AttributeNames') ?? ['All']),
    }),
    PurgeQueue: (input) => {
      service.purgeQueue(requiredString(input, 'QueueUrl'));
      return {};
    },
    SendMessage: (input) => service.sendMessage(requiredString(input, 'QueueUrl'), sendInput(input)),
    SendMessageBatch: (input) => {
      const queueUrl = requiredString(input, 'QueueUrl');
      const batch: SendMessageBatchEntry[] = entries(input).map((entry) => ({ Id: requiredString(entry, 'Id'), ...sendInput(entry) }));
      return service.sendMessageBatch(queueUrl, batch);
    },
    ReceiveMessage: async (input) => {
      const queueUrl = requiredString(input, 'QueueUrl');
      const maxNumberOfMessages = optionalInteger(input, 'MaxNumberOfMessages');
      const visibilityTimeout = optionalInteger(input, 'VisibilityTimeout');
      const waitTimeSeconds = optionalInteger(input, 'WaitTimeSeconds');
      const messages = await service.receiveMessage(queueUrl, {
        ...(maxNumberOfMessages === undefined ? {} : { MaxNumberOfMessages: maxNumberOfMessages }),
        ...(visibilityTimeout === undefined ? {} : { VisibilityTimeout: visibilityTimeout }),
        ...(waitTimeSeconds === undefined ? {} : { WaitTimeSeconds: waitTimeSeconds }),
        MessageSystemAttributeNames: optionalStringList(input, 'MessageSystemAttributeNames') ?? [],
        AttributeNames: optionalStringList(input, 'AttributeNames') ?? [],
        MessageAttributeNames: optionalStringList(input, 'MessageAttributeNames') ?? [],
      });
      // ReceiveRequestAttemptId only means something on FIFO queues; AWS ignores it on standard ones.
      return messages.length > 0 ? { Messages: messages } : {};
    },
    DeleteMessage: (input) => {
      service.deleteMessage(requiredString(input, 'QueueUrl'), requiredString(input, 'ReceiptHandle'));
      return {};
    },
    DeleteMessageBatch: (input) => service.deleteMessageBatch(requiredString(input, 'QueueUrl'), entries(input).map(receiptEntry)),
    ChangeMessageVisibility: (input) => {
      const visibilityTimeout = optionalInteger(input, 'VisibilityTimeout');
      if (visibilityTimeout === undefined) throw missing('VisibilityTimeout');
      service.changeMessageVisibility(requiredString(input, 'QueueUrl'), requiredString(input, 'ReceiptHandle'), visibilityTimeout);
      return {};
    },
    ChangeMessageVisibilityBatch: (input) =>
      service.changeMessageVisibilityBatch(requiredString(input, 'QueueUrl'), entries(input).map(visibilityEntry)),
  },
});
