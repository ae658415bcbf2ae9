import { z } from 'zod';
import { orderIdSchema } from '../envelope';
import { defineEventContract } from '../eventContract';

export const shipmentFailed = defineEventContract({
  detailType: 'ShipmentFailed',
  producer: 'shipping',
  version: 1,
  description: 'The carrier did not report dispatch or delivery in time, or rejected the parcel.',
  data: z
    .object({
      orderId: orderIdSchema,
      shipmentId: z.string().min(1),
      reason: z.enum(['DISPATCH_TIMED_OUT', 'DELIVERY_TIMED_OUT', 'CARRIER_REJECTED']),
    })
    .strict(),
});
