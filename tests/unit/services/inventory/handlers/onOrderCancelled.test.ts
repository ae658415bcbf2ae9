import '../support/environment';
import type { SQSEvent } from 'aws-lambda';
import { makeHandler } from '../../../../../services/inventory/src/handlers/onOrderCancelled';
import { FakeDeadLetters, FakeWorkflows } from '../support/fakeConsumer';
import { lambdaContext } from '../support/lambdaContext';
import { disabledTracer, silentLogger } from '../support/observability';
import { sampleEvent } from '../support/sampleEvents';

const setup = () => {
  const workflows = new FakeWorkflows();
  const deadLetters = new FakeDeadLetters();
  const handler = makeHandler({ workflows, deadLetters, logger: silentLogger(), tracer: disabledTracer(), maxReceiveCount: 5 });
  return { workflows, deadLetters, invoke: (event: SQSEvent) => handler(event, lambdaContext('onOrderCancelled')) };
};

describe('onOrderCancelled handler', () => {
  it('starts the release workflow named after the order when given the sample batch', async () => {
    const { workflows, invoke } = setup();

    await expect(invoke(sampleEvent('onOrderCancelled'))).resolves.toEqual({ batchItemFailures: [] });
    expect(workflows.started).toEqual([
      { name: 'release-ord_7Hq2Kx9mPz4Lw8Rt', input: { orderId: 'ord_7Hq2Kx9mPz4Lw8Rt', causationId: 'ord_7Hq2Kx9mPz4Lw8Rt:cancelled' } },
    ]);
  });

  it('dead-letters an event this consumer does not accept', async () => {
    const { workflows, deadLetters, invoke } = setup();

    await invoke(sampleEvent('onOrderPlaced'));

    expect(workflows.started).toEqual([]);
    expect(deadLetters.sent.map(({ error }) => error.name)).toEqual(['InvalidEventError']);
  });
});
