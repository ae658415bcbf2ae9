import { z } from 'zod';
import { orderIdSchema, skuSchema } from '../envelope';
import { defineEventContract } from '../eventContract';

export const stockReservationFailed = defineEventContract({
  detailType: 'StockReservationFailed',
  producer: 'inventory',
  version: 1,
  description:
    'A line could not be reserved; the lines already reserved for the order were released before this was published.',
  data: z
    .object({
      orderId: orderIdSchema,
      sku: skuSchema,
      reason: z.enum(['OUT_OF_STOCK', 'UNKNOWN_SKU', 'ORDER_CANCELLED']),
    })
    .strict(),
});
