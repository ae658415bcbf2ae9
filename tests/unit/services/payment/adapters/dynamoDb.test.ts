import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { isConditionalCheckFailure } from '../../../../../services/payment/src/adapters/dynamoDb';

describe('isConditionalCheckFailure', () => {
  it('recognises a refused conditional write', () => {
    expect(isConditionalCheckFailure(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }))).toBe(true);
  });

  it.each([new Error('boom'), 'ConditionalCheckFailedException', undefined])('rejects anything else (%p)', (error) => {
    expect(isConditionalCheckFailure(error)).toBe(false);
  });
});
