import { z } from 'zod';
import { orderIdSchema } from '#shared/contracts';
import { taskHandler } from '#shared/tasks';
import { shipmentTaskDependenciesFromEnv, type ShipmentTaskDependencies } from '../adapters/taskDependencies';
import { CARRIER_STATUSES, waitOutcomeOf } from '../domain/shipment';

export const expireWaitInput = z.object({ orderId: orderIdSchema, awaiting: z.enum(CARRIER_STATUSES) });

export type Dependencies = ShipmentTaskDependencies;

/**
 * Runs when a carrier wait timed out: fails the shipment, unless the awaited report was recorded after the
 * timer fired, in which case the workflow carries on as if the wait had been resumed (same outcome shape).
 */
export const makeHandler = ({ shipments, ...dependencies }: Dependencies) =>
  taskHandler({
    ...dependencies,
    input: expireWaitInput,
    handle: async ({ orderId, awaiting }, { logger, now }) => {
      const outcome = waitOutcomeOf(await shipments.expireWait(orderId, awaiting, now()));
      logger.info('carrier wait expired', { awaiting, status: outcome.status, failureReason: outcome.failureReason });
      return outcome;
    },
  });

export const handler = makeHandler(shipmentTaskDependenciesFromEnv());
