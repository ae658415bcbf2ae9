import { z } from 'zod';
import { orderIdSchema, skuSchema } from '../envelope';
import { defineEventContract } from '../eventContract';
import { shippingAddressSchema } from './orderPlaced';

export const orderConfirmed = defineEventContract({
  detailType: 'OrderConfirmed',
  producer: 'order',
  version: 1,
  description: 'The order was paid and its stock reserved; shipping may now ship it.',
  data: z
    .object({
      orderId: orderIdSchema,
      lines: z
        .array(z.object({ sku: skuSchema, quantity: z.number().int().min(1) }).strict())
        .min(1),
      shippingAddress: shippingAddressSchema,
    })
    .strict(),
});
