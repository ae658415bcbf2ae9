import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { taskHandler } from '#shared/tasks';
import { reservationRepositoryFromEnv } from '../adapters/reservationRepository';
import { finishReservation, finishReservationInput } from '../domain/finishReservation';
import type { ReservationRepository } from '../domain/reservation';

export interface Dependencies {
  reservations: ReservationRepository;
  logger: Logger;
  tracer: Tracer;
  now?: () => Date;
}

/** Task of the reserve workflow: settles the reservation from its lines' outcomes and names what to release. */
export const makeHandler = ({ reservations, logger, tracer, now }: Dependencies) =>
  taskHandler({
    input: finishReservationInput,
    logger,
    tracer,
    now,
    handle: async (input, context) => {
      const result = await finishReservation(reservations, input, context.now());
      context.logger.info('reservation settled', { outcome: result.outcome, failure: result.failure, toRelease: result.toRelease });
      return result;
    },
  });

const tracer = createTracer('inventory');
export const handler = makeHandler({ reservations: reservationRepositoryFromEnv(tracer), logger: createLogger('inventory'), tracer });
