import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { taskHandler } from '#shared/tasks';
import { reservationRepositoryFromEnv } from '../adapters/reservationRepository';
import { stockRepositoryFromEnv } from '../adapters/stockRepository';
import type { ReservationRepository } from '../domain/reservation';
import { reserveLine, reserveLineInput } from '../domain/reserveLine';
import type { StockRepository } from '../domain/stock';

export interface Dependencies {
  reservations: ReservationRepository;
  stock: StockRepository;
  logger: Logger;
  tracer: Tracer;
  now?: () => Date;
}

/** Task of the reserve workflow's Map: reserves one line; out of stock and unknown SKU are returned outcomes. */
export const makeHandler = ({ reservations, stock, logger, tracer, now }: Dependencies) =>
  taskHandler({
    input: reserveLineInput,
    logger,
    tracer,
    now,
    handle: async (input, context) => {
      const result = await reserveLine({ reservations, stock }, input);
      context.logger.info('line reserved', { ...result });
      return result;
    },
  });

const tracer = createTracer('inventory');
export const handler = makeHandler({
  reservations: reservationRepositoryFromEnv(tracer),
  stock: stockRepositoryFromEnv(tracer),
  logger: createLogger('inventory'),
  tracer,
});
