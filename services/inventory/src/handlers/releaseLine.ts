import { taskHandler } from '#shared/tasks';
import { taskDependenciesFromEnv, type TaskDependencies } from '../adapters/taskDependencies';
import { releaseLine, releaseLineInput } from '../domain/releaseLine';

export type Dependencies = TaskDependencies<'reservations' | 'stock'>;

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

export const handler = makeHandler(taskDependenciesFromEnv('reservations', 'stock'));
