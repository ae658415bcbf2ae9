import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import type { ReservationRepository } from '../domain/reservation';
import type { StockRepository } from '../domain/stock';
import { reservationRepositoryFromEnv } from './reservationRepository';
import { stockRepositoryFromEnv } from './stockRepository';

interface Stores {
  reservations: ReservationRepository;
  stock: StockRepository;
}

export type StoreName = keyof Stores;

/** What a reservation task handler is built from: the stores it uses, plus logging and an injectable clock. */
export type TaskDependencies<S extends StoreName> = Pick<Stores, S> & {
  logger: Logger;
  tracer: Tracer;
  now?: () => Date;
};

const storesFromEnv: { [K in StoreName]: (tracer: Tracer) => Stores[K] } = {
  reservations: reservationRepositoryFromEnv,
  stock: stockRepositoryFromEnv,
};

/**
 * The production wiring of a reservation task, once per cold start. Only the named stores are built: each
 * function's environment holds only its own tables' names (serverless.yml), and a repository requires its
 * table's variable as it is built, so building another would fail the cold start.
 *
 * @example
 * ```ts
 * export const handler = makeHandler(taskDependenciesFromEnv('reservations', 'stock'));
 * ```
 */
export const taskDependenciesFromEnv = <S extends StoreName>(...stores: S[]): TaskDependencies<S> => {
  const tracer = createTracer('inventory');
  // Object.fromEntries loses the keys' types; the entries are exactly the stores named.
  const built = Object.fromEntries(stores.map((name) => [name, storesFromEnv[name](tracer)])) as Pick<Stores, S>;
  return { ...built, logger: createLogger('inventory'), tracer };
};
