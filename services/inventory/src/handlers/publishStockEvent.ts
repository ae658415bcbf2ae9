import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { publisherFromEnv, type Publisher } from '#shared/publisher';
import { taskHandler } from '#shared/tasks';
import { publishStockEventInput, stockEventsFor } from '../domain/stockEvents';

export interface Dependencies {
  publisher: Publisher;
  logger: Logger;
  tracer: Tracer;
}

/** Task of both workflows: announces StockReserved, StockReservationFailed or StockReleased on the bus. */
export const makeHandler = ({ publisher, logger, tracer }: Dependencies) =>
  taskHandler({
    input: publishStockEventInput,
    logger,
    tracer,
    handle: async (input, context) => {
      const events = stockEventsFor(input);
      await publisher.publish(events);
      const published = events.map((event) => event.detailType);
      context.logger.info('stock events published', { published });
      return { published };
    },
  });

const tracer = createTracer('inventory');
export const handler = makeHandler({ publisher: publisherFromEnv(tracer), logger: createLogger('inventory'), tracer });
