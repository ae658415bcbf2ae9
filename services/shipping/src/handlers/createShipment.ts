import { z } from 'zod';
import { orderIdSchema, shippingAddressSchema, skuSchema } from '#shared/contracts';
import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { taskHandler } from '#shared/tasks';
import { createSimulatedCarrier } from '../adapters/carrier';
import { shipmentRepositoryFromEnv } from '../adapters/shipmentRepository';
import { bookShipment, type Carrier } from '../domain/carrier';
import type { ShipmentRepository } from '../domain/shipmentRepository';

export const createShipmentInput = z.object({
  orderId: orderIdSchema,
  lines: z.array(z.object({ sku: skuSchema, quantity: z.number().int().min(1) }).strict()).min(1),
  shippingAddress: shippingAddressSchema,
});

export interface Dependencies {
  carrier: Carrier;
  shipments: ShipmentRepository;
  logger: Logger;
  tracer: Tracer;
  now?: () => Date;
}

/**
 * Books the carrier, then stores the shipment, unless the order was cancelled first (`bookShipment`). Safe
 * to retry at any point: the booking is idempotent per order and the first stored shipment wins, so an order
 * never gets two.
 */
export const makeHandler = ({ carrier, shipments, ...dependencies }: Dependencies) =>
  taskHandler({
    ...dependencies,
    input: createShipmentInput,
    handle: async (request, { logger, now }) => {
      const result = await bookShipment({ carrier, shipments }, request, now());
      logger.info('shipment booked', { shipmentId: result.shipmentId, outcome: result.outcome });
      return result;
    },
  });

const tracer = createTracer('shipping');
export const handler = makeHandler({
  carrier: createSimulatedCarrier(),
  shipments: shipmentRepositoryFromEnv(tracer),
  logger: createLogger('shipping'),
  tracer,
});
