import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { taskHandler } from '#shared/tasks';
import { reservationRepositoryFromEnv } from '../adapters/reservationRepository';
import { cancelReservation, cancelReservationInput } from '../domain/cancelReservation';
import type { ReservationRepository } from '../domain/reservation';

export interface Dependencies {
  reservations: ReservationRepository;
  logger: Logger;
  tracer: Tracer;
  now?: () => Date;
}

/** Task of the release workflow: marks the reservation CANCELLED (a tombstone if none yet) and lists its lines. */
export const makeHandler = ({ reservations, logger, tracer, now }: Dependencies) =>
  taskHandler({
    input: cancelReservationInput,
    logger,
    tracer,
    now,
    handle: async (input, context) => {
      const result = await cancelReservation(reservations, input, context.now());
      context.logger.info('reservation cancelled', { lines: result.lines });
      return result;
    },
  });

const tracer = createTracer('inventory');
export const handler = makeHandler({ reservations: reservationRepositoryFromEnv(tracer), logger: createLogger('inventory'), tracer });
