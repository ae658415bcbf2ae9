import { md5OfBody, md5OfMessageAttributes } from '../../../../local/sqs/messageMd5';

// Digests AWS returned for these inputs, as pinned by moto's SQS test suite (tests/test_sqs/test_sqs.py).
describe('md5OfMessageAttributes', () => {
  it('matches the digest AWS returns for a Number attribute', () => {
    expect(md5OfMessageAttributes({ timestamp: { DataType: 'Number', StringValue: '1493147359900' } })).toBe('235c5c510d26fb653d073faed50ae77c');
    expect(md5OfMessageAttributes({ timestamp: { DataType: 'Number', StringValue: '1493147359901' } })).toBe('994258b45346a2cc3f9cbb611aa7af30');
  });

  it('sorts by name and encodes binaries and non-ASCII text as AWS does', () => {
    const digest = md5OfMessageAttributes({
      ccc: { DataType: 'String', StringValue: 'testjunk' },
      aaa: { DataType: 'Binary', BinaryValue: Buffer.from([2, 3, 4]).toString('base64') },
      zzz: { DataType: 'Number', StringValue: '0230.01' },
      öther_encodings: { DataType: 'String', StringValue: 'Tüst' },
    });

    expect(digest).toBe('8ae21a7957029ef04146b42aeaa18a22');
  });

  it('is undefined when there are no attributes, as SQS omits the field', () => {
    expect(md5OfMessageAttributes({})).toBeUndefined();
  });
});

describe('md5OfBody', () => {
  it('hashes the UTF-8 body', () => {
    expect(md5OfBody('derp')).toBe('58fd9edd83341c29f1aebba81c31e257');
  });
});
