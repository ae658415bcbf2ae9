import '../support/environment';
import { PublishError } from '#shared/errors';
import { InvalidTaskInputError } from '#shared/tasks';
import { makeHandler } from '../../../../../services/inventory/src/handlers/publishStockEvent';
import { lambdaContext } from '../support/lambdaContext';
import { disabledTracer, silentLogger } from '../support/observability';
import { RecordingPublisher } from '../support/recordingPublisher';
import { sampleEvent } from '../support/sampleEvents';

const setup = () => {
  const publisher = new RecordingPublisher();
  const handler = makeHandler({ publisher, logger: silentLogger(), tracer: disabledTracer() });
  return { publisher, invoke: (payload: unknown) => handler(payload, lambdaContext('publishStockEvent')) };
};

describe('publishStockEvent handler', () => {
  it.each([
    ['publishStockEvent', 'StockReserved'],
    ['publishStockEvent.stockReservationFailed', 'StockReservationFailed'],
    ['publishStockEvent.stockReleased', 'StockReleased'],
  ])('publishes one validated event when given the %s sample', async (sample, detailType) => {
    const { publisher, invoke } = setup();

    await expect(invoke(sampleEvent(sample))).resolves.toEqual({ published: [detailType] });
    expect(publisher.events.map((event) => [event.source, event.detailType])).toEqual([['ordering.inventory', detailType]]);
  });

  it('publishes nothing and says so when no line was released', async () => {
    const { publisher, invoke } = setup();
    const input = sampleEvent<{ lines: { released: boolean }[] }>('publishStockEvent.stockReleased');

    const result = await invoke({ ...input, lines: input.lines.map((line) => ({ ...line, released: false, releasedAt: null })) });

    expect(result).toEqual({ published: [] });
    expect(publisher.events).toEqual([]);
  });

  it('lets a PublishError through so the workflow retries the step when EventBridge refuses the event', async () => {
    const { publisher, invoke } = setup();
    publisher.failures.push(new PublishError('refused', [{ detailType: 'StockReserved', errorCode: 'InternalFailure' }]));

    await expect(invoke(sampleEvent('publishStockEvent'))).rejects.toMatchObject({ name: 'PublishError' });
  });

  it('throws InvalidTaskInputError when the event kind is unknown', async () => {
    const { invoke } = setup();

    await expect(invoke({ event: 'StockCounted', orderId: 'ord_7Hq2Kx9mPz4Lw8Rt' })).rejects.toThrow(InvalidTaskInputError);
  });
});
