import { z } from 'zod';
import { orderIdSchema } from '../envelope';
import { defineEventContract } from '../eventContract';

export const orderCompleted = defineEventContract({
  detailType: 'OrderCompleted',
  producer: 'order',
  version: 1,
  description: 'The order was delivered; its saga is over.',
  data: z.object({ orderId: orderIdSchema, shipmentId: z.string().min(1) }).strict(),
});
