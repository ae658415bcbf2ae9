import '../env';
import { PublishError } from '#shared/errors';
import { InvalidTaskInputError } from '#shared/tasks';
import { handler, makeHandler } from '../../../../../services/payment/src/handlers/publishPaymentEvent';
import { disabledTracer, FakePublisher, lambdaContext, ORDER_ID, sampleEvent, silentLogger } from '../fakes';

const setup = () => {
  const publisher = new FakePublisher();
  const publish = makeHandler({ publisher, logger: silentLogger(), tracer: disabledTracer() });
  return { publisher, publish: (event: unknown) => publish(event, lambdaContext('publishPaymentEvent')) };
};

describe('publishPaymentEvent handler', () => {
  it.each([
    ['publishPaymentEvent', 'PaymentSucceeded', 'payment-succeeded'],
    ['publishPaymentEvent.declined', 'PaymentDeclined', 'payment-declined'],
    ['publishPaymentEvent.failed', 'PaymentFailed', 'payment-failed'],
    ['publishPaymentEvent.refunded', 'PaymentRefunded', 'payment-refunded'],
  ])('publishes the fact of %s as %s', async (sample, detailType, fact) => {
    const { publisher, publish } = setup();

    await expect(publish(sampleEvent(sample))).resolves.toEqual({ detailType, idempotencyKey: `${ORDER_ID}:${fact}` });
    expect(publisher.detailTypes).toEqual([detailType]);
  });

  it('lets the publisher failure through when EventBridge refuses the event', async () => {
    const { publisher, publish } = setup();
    publisher.failure = new PublishError('refused', []);

    await expect(publish(sampleEvent('publishPaymentEvent'))).rejects.toBe(publisher.failure);
  });

  it('throws InvalidTaskInputError and publishes nothing when the fact is incomplete', async () => {
    const { publisher, publish } = setup();

    await expect(publish({ ...sampleEvent('publishPaymentEvent'), paymentId: undefined })).rejects.toThrow(InvalidTaskInputError);
    expect(publisher.published).toEqual([]);
  });

  it('exports a production handler wired from the environment', () => {
    expect(typeof handler).toBe('function');
  });
});
