import { z } from 'zod';
import { orderIdSchema } from '../envelope';
import { defineEventContract } from '../eventContract';

export const shipmentFailed = defineEventContract({
  detailType: 'ShipmentFailed',
  producer: 'shipping',
  version: 1,
  description: 'The carrier did not report dispatch or delivery in time, rejected the parcel, or could not be booked at all.',
  data: z
    .object({
      orderId: orderIdSchema,
      shipmentId: z.string().min(1),
      reason: z.enum(['DISPATCH_TIMED_OUT', 'DELIVERY_TIMED_OUT', 'CARRIER_REJECTED', 'CARRIER_UNAVAILABLE']),
    })
    .strict(),
});
