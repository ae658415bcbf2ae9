import { z } from 'zod';
import { orderIdSchema } from '../envelope';
import { defineEventContract } from '../eventContract';

export const shipmentCancelled = defineEventContract({
  detailType: 'ShipmentCancelled',
  producer: 'shipping',
  version: 1,
  description:
    "The order was cancelled, so its shipment will not be delivered: the carrier's booking, if there was one, was cancelled (`shipmentId` is `unbooked-<orderId>` when nothing had been booked).",
  data: z
    .object({
      orderId: orderIdSchema,
      shipmentId: z.string().min(1),
    })
    .strict(),
});
