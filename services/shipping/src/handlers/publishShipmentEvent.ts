import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { publisherFromEnv, type Publisher } from '#shared/publisher';
import { taskHandler } from '#shared/tasks';
import { publishShipmentEventInput, shipmentEventFor } from '../domain/shipmentEvents';

export interface Dependencies {
  publisher: Publisher;
  logger: Logger;
  tracer: Tracer;
}

/**
 * Publishes one shipping fact. The event is built from the task input alone, so a retry publishes the
 * identical event and consumers absorb it by its idempotency key. Returns that key: the next fact's cause.
 */
export const makeHandler = ({ publisher, ...dependencies }: Dependencies) =>
  taskHandler({
    ...dependencies,
    input: publishShipmentEventInput,
    handle: async (input, { logger }) => {
      const event = shipmentEventFor(input);
      await publisher.publish([event]);
      const idempotencyKey = event.detail.metadata['idempotency-key'];
      logger.info('published', { detailType: event.detailType, idempotencyKey });
      return { idempotencyKey };
    },
  });

const tracer = createTracer('shipping');
export const handler = makeHandler({ publisher: publisherFromEnv(tracer), logger: createLogger('shipping'), tracer });
