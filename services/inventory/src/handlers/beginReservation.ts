import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { taskHandler } from '#shared/tasks';
import { reservationRepositoryFromEnv } from '../adapters/reservationRepository';
import { beginReservation, beginReservationInput } from '../domain/beginReservation';
import type { ReservationRepository } from '../domain/reservation';

export interface Dependencies {
  reservations: ReservationRepository;
  logger: Logger;
  tracer: Tracer;
  now?: () => Date;
}

/** Task of the reserve workflow: opens the order's reservation, or finds the cancellation's tombstone. */
export const makeHandler = ({ reservations, logger, tracer, now }: Dependencies) =>
  taskHandler({
    input: beginReservationInput,
    logger,
    tracer,
    now,
    handle: async (input, context) => {
      const result = await beginReservation(reservations, input, context.now());
      context.logger.info('reservation begun', { outcome: result.outcome });
      return result;
    },
  });

const tracer = createTracer('inventory');
export const handler = makeHandler({ reservations: reservationRepositoryFromEnv(tracer), logger: createLogger('inventory'), tracer });
