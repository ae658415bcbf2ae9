import { z } from 'zod';
import { orderIdSchema } from '../envelope';
import { defineEventContract } from '../eventContract';

export const shipmentCreated = defineEventContract({
  detailType: 'ShipmentCreated',
  producer: 'shipping',
  version: 1,
  description: 'A carrier accepted the shipment; its callbacks will report dispatch and delivery.',
  data: z
    .object({
      orderId: orderIdSchema,
      shipmentId: z.string().min(1),
      carrier: z.string().min(1),
      trackingNumber: z.string().min(1),
    })
    .strict(),
});
