import '../support/environment';
import type { SQSEvent } from 'aws-lambda';
import { makeHandler } from '../../../../../services/inventory/src/handlers/onOrderPlaced';
import { FakeDeadLetters, FakeWorkflows } from '../support/fakeConsumer';
import { lambdaContext } from '../support/lambdaContext';
import { disabledTracer, silentLogger } from '../support/observability';
import { sampleEvent } from '../support/sampleEvents';

const setup = () => {
  const workflows = new FakeWorkflows();
  const deadLetters = new FakeDeadLetters();
  const handler = makeHandler({ workflows, deadLetters, logger: silentLogger(), tracer: disabledTracer(), maxReceiveCount: 5 });
  return { workflows, deadLetters, invoke: (event: SQSEvent) => handler(event, lambdaContext('onOrderPlaced')) };
};

const batch = () => sampleEvent<SQSEvent>('onOrderPlaced');

describe('onOrderPlaced handler', () => {
  it('starts the reservation workflow named after the order when given the sample batch', async () => {
    const { workflows, invoke } = setup();

    const response = await invoke(batch());

    expect(response).toEqual({ batchItemFailures: [] });
    expect(workflows.started).toEqual([
      {
        name: 'reserve-ord_7Hq2Kx9mPz4Lw8Rt',
        input: {
          orderId: 'ord_7Hq2Kx9mPz4Lw8Rt',
          lines: [
            { sku: 'espresso-beans-1kg', quantity: 2 },
            { sku: 'ceramic-cup', quantity: 1 },
          ],
          causationId: 'ord_7Hq2Kx9mPz4Lw8Rt:placed',
        },
      },
    ]);
  });

  it('starts one workflow when the same event is delivered twice', async () => {
    const { workflows, invoke } = setup();

    await invoke(batch());
    await invoke(batch());

    expect(workflows.started).toHaveLength(1);
  });

  it('reports the record for redelivery when starting the workflow fails transiently', async () => {
    const { workflows, deadLetters, invoke } = setup();
    workflows.failures = 1;

    const response = await invoke(batch());

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: batch().Records[0]?.messageId }]);
    expect(deadLetters.sent).toEqual([]);
  });

  it('dead-letters an event that breaks the OrderPlaced contract', async () => {
    const { workflows, deadLetters, invoke } = setup();
    const event = batch();
    const [record] = event.Records;
    if (!record) throw new Error('the sample has a record');
    const body = JSON.parse(record.body) as { detail: { data: { lines: unknown[] } } };
    body.detail.data.lines = [];
    record.body = JSON.stringify(body);

    await expect(invoke(event)).resolves.toEqual({ batchItemFailures: [] });
    expect(workflows.started).toEqual([]);
    expect(deadLetters.sent.map(({ error }) => error.name)).toEqual(['InvalidEventError']);
  });
});
