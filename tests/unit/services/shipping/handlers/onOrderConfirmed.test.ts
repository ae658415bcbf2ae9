import '../support/environment';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { DeadLetterPort } from '#shared/middlewares';
import type { StartResult, WorkflowStart, WorkflowStarter } from '#shared/workflows';
import { makeHandler } from '../../../../../services/shipping/src/handlers/onOrderConfirmed';
import { disabledTracer, lambdaContext, silentLogger } from '../support/fakes';

const sample = readFileSync(join(__dirname, '../../../../../services/shipping/events/onOrderConfirmed.json'), 'utf8');
const TIMEOUTS = { dispatchSeconds: 3, deliverySeconds: 7 };

class RecordingStarter implements WorkflowStarter {
  readonly started: WorkflowStart[] = [];
  start(request: WorkflowStart): Promise<StartResult> {
    const seen = this.started.some((start) => start.name === request.name);
    this.started.push(request);
    return Promise.resolve(seen ? 'already-started' : 'started');
  }
}

const setup = () => {
  const workflows = new RecordingStarter();
  const deadLetters: DeadLetterPort & { sent: SQSRecord[] } = {
    sent: [],
    send(record) {
      this.sent.push(record);
      return Promise.resolve();
    },
  };
  const handler = makeHandler({ workflows, deadLetters, logger: silentLogger(), tracer: disabledTracer(), maxReceiveCount: 5, timeouts: TIMEOUTS });
  return { handler, workflows, deadLetters };
};

describe('onOrderConfirmed', () => {
  it('starts one shipment workflow per order with the configured timeouts in its input when OrderConfirmed arrives', async () => {
    const { handler, workflows } = setup();

    const response = await handler(JSON.parse(sample) as SQSEvent, lambdaContext('onOrderConfirmed'));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(workflows.started).toEqual([
      {
        name: 'ship-ord_7Hq2Kx9mPz4Lw8Rt',
        input: expect.objectContaining({ orderId: 'ord_7Hq2Kx9mPz4Lw8Rt', causationId: 'ord_7Hq2Kx9mPz4Lw8Rt:confirmed', timeouts: TIMEOUTS }) as unknown,
      },
    ]);
  });

  it('starts the same execution name again, which Step Functions absorbs, when OrderConfirmed is redelivered', async () => {
    const { handler, workflows } = setup();
    const event = JSON.parse(sample) as SQSEvent;

    await handler(event, lambdaContext('onOrderConfirmed'));
    await handler(event, lambdaContext('onOrderConfirmed'));

    expect(new Set(workflows.started.map((start) => start.name)).size).toBe(1);
  });

  it('dead-letters the message and starts nothing when the event breaks its contract', async () => {
    const { handler, workflows, deadLetters } = setup();
    const event = JSON.parse(sample) as SQSEvent;
    const record = event.Records[0] as SQSRecord;
    const body = JSON.parse(record.body) as { detail: { data: { lines: unknown[] } } };
    body.detail.data.lines = [];
    record.body = JSON.stringify(body);

    await handler(event, lambdaContext('onOrderConfirmed'));

    expect(workflows.started).toEqual([]);
    expect(deadLetters.sent).toHaveLength(1);
  });
});
