import { PublishError, TransientError } from '#shared/errors';
import { retryablePublisher } from '../../../../../services/payment/src/adapters/eventPublisher';
import { FakePublisher } from '../fakes';

describe('retryablePublisher', () => {
  it('publishes through the wrapped publisher when it succeeds', async () => {
    const inner = new FakePublisher();
    const event = { source: 'ordering.payment', detailType: 'PaymentFailed', detail: { metadata: {} as never, data: {} } };

    await retryablePublisher(inner).publish([event]);

    expect(inner.published).toEqual([event]);
  });

  it('surfaces a PublishError as TransientError so the workflow retries it', async () => {
    const inner = new FakePublisher();
    inner.failure = new PublishError('EventBridge refused 1 event(s)', [{ detailType: 'PaymentFailed', errorCode: 'InternalFailure' }]);

    const error = (await retryablePublisher(inner).publish([]).catch((caught: unknown) => caught)) as Error;

    expect(error).toBeInstanceOf(TransientError);
    expect(error.name).toBe('TransientError');
    expect(error.cause).toBe(inner.failure);
  });
});
