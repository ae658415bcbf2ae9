import '../env';
import type { SQSEvent } from 'aws-lambda';
import { handler, makeHandler } from '../../../../../services/payment/src/handlers/onOrderPlaced';
import { lambdaContext, sampleEvent } from '../fakes';
import { consumerDependencies } from './workflowConsumers';

const setup = () => {
  const dependencies = consumerDependencies();
  const consume = makeHandler(dependencies);
  return { ...dependencies, consume: (event: SQSEvent) => consume(event, lambdaContext('onOrderPlaced')) };
};

describe('onOrderPlaced handler', () => {
  it('starts the charge workflow named after the order when an OrderPlaced arrives', async () => {
    const { workflows, consume } = setup();

    await expect(consume(sampleEvent('onOrderPlaced') as unknown as SQSEvent)).resolves.toEqual({ batchItemFailures: [] });
    expect(workflows.started).toEqual([
      {
        name: 'charge-ord_7Hq2Kx9mPz4Lw8Rt',
        input: {
          orderId: 'ord_7Hq2Kx9mPz4Lw8Rt',
          customerId: 'cus_42',
          amount: { amount: 5800, currency: 'EUR' },
          causationId: 'ord_7Hq2Kx9mPz4Lw8Rt:placed',
        },
      },
    ]);
  });

  it('starts one workflow when the same OrderPlaced is delivered twice', async () => {
    const { workflows, consume } = setup();
    const event = sampleEvent('onOrderPlaced') as unknown as SQSEvent;

    await consume(event);
    await consume(event);

    expect(workflows.started).toHaveLength(1);
  });

  it('dead-letters the message and starts nothing when the event breaks its contract', async () => {
    const { workflows, deadLetters, consume } = setup();
    const event = sampleEvent('onOrderPlaced') as unknown as SQSEvent;
    const record = event.Records[0];
    if (!record) throw new Error('sample has no record');
    const body = JSON.parse(record.body) as { detail: { data: { total: { amount: number } } } };
    body.detail.data.total.amount = -5;
    record.body = JSON.stringify(body);

    await expect(consume(event)).resolves.toEqual({ batchItemFailures: [] });
    expect(workflows.started).toEqual([]);
    expect(deadLetters.sent).toEqual([expect.objectContaining({ name: 'InvalidEventError' })]);
  });

  it('exports a production handler wired from the environment', () => {
    expect(typeof handler).toBe('function');
  });
});
