import { z } from 'zod';
import { orderIdSchema } from '../envelope';
import { defineEventContract } from '../eventContract';
import { stockLinesSchema } from './stockReserved';

export const stockReleased = defineEventContract({
  detailType: 'StockReleased',
  producer: 'inventory',
  version: 1,
  description: "The order's reservations were returned to stock because the order was cancelled.",
  data: z.object({ orderId: orderIdSchema, lines: stockLinesSchema }).strict(),
});
