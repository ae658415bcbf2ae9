import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { taskHandler } from '#shared/tasks';
import { reservationRepositoryFromEnv } from '../adapters/reservationRepository';
import { stockRepositoryFromEnv } from '../adapters/stockRepository';
import { releaseLine, releaseLineInput } from '../domain/releaseLine';
import type { ReservationRepository } from '../domain/reservation';
import type { StockRepository } from '../domain/stock';

export interface Dependencies {
  reservations: ReservationRepository;
  stock: StockRepository;
  logger: Logger;
  tracer: Tracer;
  now?: () => Date;
}

/** Task of both workflows' release Maps: gives one line's units back, once across releasers and retries. */
export const makeHandler = ({ reservations, stock, logger, tracer, now }: Dependencies) =>
  taskHandler({
    input: releaseLineInput,
    logger,
    tracer,
    now,
    handle: async (input, context) => {
      const result = await releaseLine({ reservations, stock }, input, context.now());
      context.logger.info('line released', { ...result, releasedBy: input.releasedBy });
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
