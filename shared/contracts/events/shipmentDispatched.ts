import { z } from 'zod';
import { orderIdSchema } from '../envelope';
import { defineEventContract } from '../eventContract';

export const shipmentDispatched = defineEventContract({
  detailType: 'ShipmentDispatched',
  producer: 'shipping',
  version: 1,
  description: 'The carrier collected the parcel.',
  data: z
    .object({ orderId: orderIdSchema, shipmentId: z.string().min(1), dispatchedAt: z.iso.datetime({ offset: true }) })
    .strict(),
});
