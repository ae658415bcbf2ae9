import { createHash } from 'node:crypto';

/** One message attribute as SQS's API carries it; `BinaryValue` is base64, as on the JSON wire. */
export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

/** MD5 of the UTF-8 body, hex: what the SDK compares `MD5OfMessageBody`/`MD5OfBody` with. */
export const md5OfBody = (body: string): string => createHash('md5').update(body, 'utf8').digest('hex');

const lengthPrefixed = (bytes: Buffer): Buffer => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
};

/** SQS's transport type byte: 1 for String and Number (and their custom labels), 2 for Binary. */
const STRING_TRANSPORT = 1;
const BINARY_TRANSPORT = 2;

/**
 * `MD5OfMessageAttributes` the way SQS computes it: attributes sorted by name, each encoded as
 * length-prefixed name, length-prefixed data type, one transport-type byte, then the length-prefixed value
 * (UTF-8 for strings, raw bytes for binaries); lengths are 4-byte big-endian. Undefined when there are no
 * attributes, since SQS then omits the field.
 */
export const md5OfMessageAttributes = (attributes: Readonly<Record<string, MessageAttributeValue>>): string | undefined => {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  for (const name of names) {
    const attribute = attributes[name];
    if (!attribute) continue;
    hash.update(lengthPrefixed(Buffer.from(name, 'utf8')));
    hash.update(lengthPrefixed(Buffer.from(attribute.DataType, 'utf8')));
    if (attribute.DataType.startsWith('Binary')) {
      hash.update(Buffer.of(BINARY_TRANSPORT));
      hash.update(lengthPrefixed(Buffer.from(attribute.BinaryValue ?? '', 'base64')));
    } else {
      hash.update(Buffer.of(STRING_TRANSPORT));
      hash.update(lengthPrefixed(Buffer.from(attribute.StringValue ?? '', 'utf8')));
    }
  }
  return hash.digest('hex');
};
