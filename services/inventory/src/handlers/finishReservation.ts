import { taskHandler } from '#shared/tasks';
import { taskDependenciesFromEnv, type TaskDependencies } from '../adapters/taskDependencies';
import { finishReservation, finishReservationInput } from '../domain/finishReservation';

export type Dependencies = TaskDependencies<'reservations'>;

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

export const handler = makeHandler(taskDependenciesFromEnv('reservations'));
