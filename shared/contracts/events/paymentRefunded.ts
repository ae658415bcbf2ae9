import { z } from 'zod';
import { moneySchema, orderIdSchema } from '../envelope';
import { defineEventContract } from '../eventContract';

export const paymentRefunded = defineEventContract({
  detailType: 'PaymentRefunded',
  producer: 'payment',
  version: 1,
  description: 'A charge was refunded in full because its order was cancelled.',
  data: z
    .object({ orderId: orderIdSchema, paymentId: z.string().min(1), amount: moneySchema })
    .strict(),
});
