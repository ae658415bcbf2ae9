import { z } from 'zod';
import { moneySchema, orderIdSchema } from '../envelope';
import { defineEventContract } from '../eventContract';

export const paymentSucceeded = defineEventContract({
  detailType: 'PaymentSucceeded',
  producer: 'payment',
  version: 1,
  description: "The order's total was charged.",
  data: z.object({ orderId: orderIdSchema, paymentId: z.string().min(1), amount: moneySchema }).strict(),
});
