import { taskHandler } from '#shared/tasks';
import { taskDependenciesFromEnv, type TaskDependencies } from '../adapters/taskDependencies';
import { cancelReservation, cancelReservationInput } from '../domain/cancelReservation';

export type Dependencies = TaskDependencies<'reservations'>;

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

export const handler = makeHandler(taskDependenciesFromEnv('reservations'));
