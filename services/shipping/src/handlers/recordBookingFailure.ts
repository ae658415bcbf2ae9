import { z } from 'zod';
import { orderIdSchema } from '#shared/contracts';
import { taskHandler } from '#shared/tasks';
import { shipmentTaskDependenciesFromEnv, type ShipmentTaskDependencies } from '../adapters/taskDependencies';
import { creationResultOf, unbookedShipment } from '../domain/carrier';

export const recordBookingFailureInput = z.object({ orderId: orderIdSchema });

export type Dependencies = ShipmentTaskDependencies;

/**
 * Runs when createShipment failed on every attempt: stores the order's shipment as FAILED
 * (CARRIER_UNAVAILABLE), unless an attempt whose reply was lost had stored a booking, in which case that
 * booking is the answer and the workflow carries on as if createShipment had returned it.
 */
export const makeHandler = ({ shipments, ...dependencies }: Dependencies) =>
  taskHandler({
    ...dependencies,
    input: recordBookingFailureInput,
    handle: async ({ orderId }, { logger, now }) => {
      const result = creationResultOf(await shipments.create(unbookedShipment(orderId, now())));
      logger.warn('carrier booking failed on every attempt', { outcome: result.outcome, shipmentId: result.shipmentId });
      return result;
    },
  });

export const handler = makeHandler(shipmentTaskDependenciesFromEnv());
