import { z } from 'zod';
import { orderIdSchema, skuSchema } from '../envelope';
import { defineEventContract } from '../eventContract';

export const stockLinesSchema = z
  .array(z.object({ sku: skuSchema, quantity: z.number().int().min(1) }).strict())
  .min(1);

export const stockReserved = defineEventContract({
  detailType: 'StockReserved',
  producer: 'inventory',
  version: 1,
  description: 'Every line of the order is reserved.',
  data: z.object({ orderId: orderIdSchema, lines: stockLinesSchema }).strict(),
});
