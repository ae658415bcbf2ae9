import { taskHandler } from '#shared/tasks';
import { taskDependenciesFromEnv, type TaskDependencies } from '../adapters/taskDependencies';
import { beginReservation, beginReservationInput } from '../domain/beginReservation';

export type Dependencies = TaskDependencies<'reservations'>;

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

export const handler = makeHandler(taskDependenciesFromEnv('reservations'));
