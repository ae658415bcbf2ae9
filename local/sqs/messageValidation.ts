import type { MessageAttributeValue } from './messageMd5';
import { SqsError } from './sqsErrors';

/** A message attribute as callers may send it; the list values are reserved by AWS and refused. */
export interface MessageAttributeInput extends MessageAttributeValue {
  StringListValues?: readonly string[];
  BinaryListValues?: readonly string[];
}

/** What a send carries that SQS validates. */
export interface MessageInput {
  MessageBody: string;
  MessageAttributes?: Readonly<Record<string, MessageAttributeInput>>;
  MessageSystemAttributes?: Readonly<Record<string, MessageAttributeInput>>;
}

const MAX_MESSAGE_ATTRIBUTES = 10;
/** The characters SQS accepts in bodies and string attributes (XML 1.0's). */
const INVALID_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NUMBER_VALUE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATA_TYPE = /^(String|Number|Binary)(\.[^\s]+)?$/;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;

const invalidParameter = (message: string) => new SqsError('InvalidParameterValue', message);

/** Validates message attributes as SQS does and keeps only the fields that carry a value. */
const normalizeAttributes = (attributes: Readonly<Record<string, MessageAttributeInput>>): Record<string, MessageAttributeValue> => {
  const names = Object.keys(attributes);
  if (names.length > MAX_MESSAGE_ATTRIBUTES) {
    throw invalidParameter(`Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_MESSAGE_ATTRIBUTES}].`);
  }
  const normalized: Record<string, MessageAttributeValue> = {};
  for (const name of names) {
    const attribute = attributes[name];
    if (!attribute) continue;
    if (!ATTRIBUTE_NAME.test(name) || /^(aws|amazon)\./i.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
      throw invalidParameter(`Message (user) attribute name '${name}' is invalid.`);
    }
    normalized[name] = normalizeAttribute(name, attribute);
  }
  return normalized;
};

const normalizeAttribute = (name: string, attribute: MessageAttributeInput): MessageAttributeValue => {
  const { DataType: dataType } = attribute;
  if ((attribute.StringListValues?.length ?? 0) > 0 || (attribute.BinaryListValues?.length ?? 0) > 0) {
    throw new SqsError('UnsupportedOperation', `Message attribute '${name}': list values are reserved by SQS and not supported.`);
  }
  if (typeof dataType !== 'string' || !DATA_TYPE.test(dataType) || dataType.length > 256) {
    throw invalidParameter(`The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`);
  }
  if (dataType.startsWith('Binary')) {
    const value = attribute.BinaryValue;
    if (typeof value !== 'string' || value === '' || Buffer.from(value, 'base64').length === 0) {
      throw invalidParameter(`Message (user) attribute '${name}' must contain a non-empty value of type 'Binary'.`);
    }
    return { DataType: dataType, BinaryValue: value };
  }
  const value = attribute.StringValue;
  if (typeof value !== 'string' || value === '') {
    throw invalidParameter(`Message (user) attribute '${name}' must contain a non-empty value of type '${dataType.split('.')[0] ?? dataType}'.`);
  }
  if (INVALID_CHARACTER.test(value)) throw new SqsError('InvalidMessageContents', `Message (user) attribute '${name}' contains invalid characters.`);
  if (dataType.startsWith('Number') && !NUMBER_VALUE.test(value)) {
    throw invalidParameter(`Can't cast the value of message (user) attribute '${name}' to a number.`);
  }
  return { DataType: dataType, StringValue: value };
};

const traceHeader = (systemAttributes: Readonly<Record<string, MessageAttributeInput>>): string | undefined => {
  let header: string | undefined;
  for (const [name, attribute] of Object.entries(systemAttributes)) {
    if (name !== 'AWSTraceHeader') {
      throw invalidParameter(`Message system attribute name '${name}' is invalid: only AWSTraceHeader can be sent.`);
    }
    if (attribute.DataType !== 'String' || typeof attribute.StringValue !== 'string' || attribute.StringValue === '') {
      throw invalidParameter("Message system attribute 'AWSTraceHeader' must be a non-empty String.");
    }
    header = attribute.StringValue;
  }
  return header;
};

/** What SQS counts against the size limit: the body plus every attribute's name, type and value. */
export const messageSize = (input: MessageInput): number => {
  let size = Buffer.byteLength(typeof input.MessageBody === 'string' ? input.MessageBody : '', 'utf8');
  for (const [name, attribute] of Object.entries(input.MessageAttributes ?? {})) {
    size += Buffer.byteLength(name) + Buffer.byteLength(attribute.DataType);
    size += attribute.BinaryValue === undefined ? Buffer.byteLength(attribute.StringValue ?? '') : Buffer.from(attribute.BinaryValue, 'base64').length;
  }
  return size;
};

/**
 * Checks a message the way SendMessage does (body characters, attribute names, types and values, the
 * trace header, the size limit) and returns what is stored: attributes reduced to the fields carrying a value.
 */
export const validateMessage = (
  input: MessageInput,
  maximumMessageSize: number,
): { body: string; messageAttributes: Record<string, MessageAttributeValue>; awsTraceHeader: string | undefined } => {
  const body = input.MessageBody;
  if (typeof body !== 'string' || body.length === 0) {
    throw new SqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
  }
  if (INVALID_CHARACTER.test(body)) {
    throw new SqsError('InvalidMessageContents', 'Invalid binary character in the message body; see the allowed characters in the SQS documentation.');
  }
  const messageAttributes = normalizeAttributes(input.MessageAttributes ?? {});
  const awsTraceHeader = traceHeader(input.MessageSystemAttributes ?? {});
  if (messageSize(input) > maximumMessageSize) {
    throw invalidParameter(`One or more parameters are invalid. Reason: Message must be shorter than ${maximumMessageSize} bytes.`);
  }
  return { body, messageAttributes, awsTraceHeader };
};
