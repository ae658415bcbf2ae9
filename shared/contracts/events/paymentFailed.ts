import { z } from 'zod';
import { orderIdSchema } from '../envelope';
import { defineEventContract } from '../eventContract';

export const paymentFailed = defineEventContract({
  detailType: 'PaymentFailed',
  producer: 'payment',
  version: 1,
  description:
    'The provider could not be reached after every retry. Nothing was charged as far as payment knows; a charge that surfaces later is refunded.',
  data: z.object({ orderId: orderIdSchema, attempts: z.number().int().positive() }).strict(),
});
