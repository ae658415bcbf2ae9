import '../env';
import type { SQSEvent } from 'aws-lambda';
import { TransientError } from '#shared/errors';
import { handler, makeHandler } from '../../../../../services/payment/src/handlers/onOrderCancelled';
import { lambdaContext, sampleEvent } from '../fakes';
import { consumerDependencies } from './workflowConsumers';

const setup = () => {
  const dependencies = consumerDependencies();
  const consume = makeHandler(dependencies);
  return { ...dependencies, consume: (event: SQSEvent) => consume(event, lambdaContext('onOrderCancelled')) };
};

describe('onOrderCancelled handler', () => {
  it('starts the refund workflow named after the order when an OrderCancelled arrives', async () => {
    const { workflows, consume } = setup();

    await expect(consume(sampleEvent('onOrderCancelled') as unknown as SQSEvent)).resolves.toEqual({ batchItemFailures: [] });
    expect(workflows.started).toEqual([
      {
        name: 'refund-ord_7Hq2Kx9mPz4Lw8Rt',
        input: { orderId: 'ord_7Hq2Kx9mPz4Lw8Rt', reason: 'PAYMENT_DECLINED', causationId: 'ord_7Hq2Kx9mPz4Lw8Rt:cancelled' },
      },
    ]);
  });

  it('reports the message for redelivery when Step Functions is unavailable', async () => {
    const { workflows, consume } = setup();
    jest.spyOn(workflows, 'start').mockRejectedValue(new TransientError('throttled'));
    const event = sampleEvent('onOrderCancelled') as unknown as SQSEvent;

    await expect(consume(event)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: event.Records[0]?.messageId }] });
  });

  it('exports a production handler wired from the environment', () => {
    expect(typeof handler).toBe('function');
  });
});
