import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import type { ShipmentRepository } from '../domain/shipmentRepository';
import { shipmentRepositoryFromEnv } from './shipmentRepository';

/** What a shipment workflow task that only touches the shipments table is built from. */
export interface ShipmentTaskDependencies {
  shipments: ShipmentRepository;
  logger: Logger;
  tracer: Tracer;
  now?: () => Date;
}

/**
 * The production wiring of such a task, once per cold start.
 *
 * @example
 * ```ts
 * export const handler = makeHandler(shipmentTaskDependenciesFromEnv());
 * ```
 */
export const shipmentTaskDependenciesFromEnv = (): ShipmentTaskDependencies => {
  const tracer = createTracer('shipping');
  return { shipments: shipmentRepositoryFromEnv(tracer), logger: createLogger('shipping'), tracer };
};
