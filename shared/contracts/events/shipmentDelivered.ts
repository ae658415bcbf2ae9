import { z } from 'zod';
import { orderIdSchema } from '../envelope';
import { defineEventContract } from '../eventContract';

export const shipmentDelivered = defineEventContract({
  detailType: 'ShipmentDelivered',
  producer: 'shipping',
  version: 1,
  description: 'The carrier delivered the parcel.',
  data: z
    .object({ orderId: orderIdSchema, shipmentId: z.string().min(1), deliveredAt: z.iso.datetime({ offset: true }) })
    .strict(),
});
