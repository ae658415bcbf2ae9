import { taskHandler } from '#shared/tasks';
import { taskDependenciesFromEnv, type TaskDependencies } from '../adapters/taskDependencies';
import { reserveLine, reserveLineInput } from '../domain/reserveLine';

export type Dependencies = TaskDependencies<'reservations' | 'stock'>;

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

export const handler = makeHandler(taskDependenciesFromEnv('reservations', 'stock'));
