import '../support/environment';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PublishError } from '#shared/errors';
import { makeHandler } from '../../../../../services/shipping/src/handlers/publishShipmentEvent';
import { disabledTracer, lambdaContext, RecordingPublisher, silentLogger } from '../support/fakes';

const EVENTS_DIR = join(__dirname, '../../../../../services/shipping/events');
const sample = (name: string) => JSON.parse(readFileSync(join(EVENTS_DIR, name), 'utf8')) as Record<string, unknown>;

const setup = () => {
  const publisher = new RecordingPublisher();
  const handler = makeHandler({ publisher, logger: silentLogger(), tracer: disabledTracer() });
  return { publisher, invoke: (payload: unknown) => handler(payload, lambdaContext('publishShipmentEvent')) };
};

describe('publishShipmentEvent', () => {
  it.each([
    ['publishShipmentEvent.json', 'ShipmentCreated', 'ord_7Hq2Kx9mPz4Lw8Rt:shipment-created'],
    ['publishShipmentEvent.dispatched.json', 'ShipmentDispatched', 'ord_7Hq2Kx9mPz4Lw8Rt:shipment-dispatched'],
    ['publishShipmentEvent.delivered.json', 'ShipmentDelivered', 'ord_7Hq2Kx9mPz4Lw8Rt:shipment-delivered'],
    ['publishShipmentEvent.failed.json', 'ShipmentFailed', 'ord_7Hq2Kx9mPz4Lw8Rt:shipment-failed'],
  ])('publishes the fact of %s and returns its idempotency key', async (file, detailType, idempotencyKey) => {
    const { invoke, publisher } = setup();

    await expect(invoke(sample(file))).resolves.toEqual({ idempotencyKey });

    expect(publisher.detailTypes()).toEqual([detailType]);
    expect(publisher.published[0]?.detail.metadata['idempotency-key']).toBe(idempotencyKey);
  });

  it('lets PublishError through, for the workflow to retry, when EventBridge keeps refusing', async () => {
    const { invoke, publisher } = setup();
    publisher.failNext = new PublishError('refused', [{ detailType: 'ShipmentCreated', errorCode: 'ThrottlingException' }]);

    await expect(invoke(sample('publishShipmentEvent.json'))).rejects.toMatchObject({ name: 'PublishError' });
  });

  it('publishes nothing and throws InvalidTaskInputError when the input names no publishable fact', async () => {
    const { invoke, publisher } = setup();

    await expect(invoke({ ...sample('publishShipmentEvent.json'), event: 'ShipmentLost' })).rejects.toMatchObject({ name: 'InvalidTaskInputError' });
    expect(publisher.published).toEqual([]);
  });
});
