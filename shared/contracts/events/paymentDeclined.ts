import { z } from 'zod';
import { orderIdSchema } from '../envelope';
import { defineEventContract } from '../eventContract';

export const paymentDeclined = defineEventContract({
  detailType: 'PaymentDeclined',
  producer: 'payment',
  version: 1,
  description: 'The provider refused the charge (a business outcome: retrying will not help).',
  data: z
    .object({
      orderId: orderIdSchema,
      reason: z.enum(['CARD_DECLINED', 'INSUFFICIENT_FUNDS', 'AMOUNT_LIMIT_EXCEEDED']),
    })
    .strict(),
});
