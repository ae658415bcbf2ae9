import { z } from 'zod';
import { orderIdSchema } from '../envelope';
import { defineEventContract } from '../eventContract';

export const cancellationReasons = [
  'PAYMENT_DECLINED',
  'PAYMENT_FAILED',
  'OUT_OF_STOCK',
  'OUTCOMES_TIMED_OUT',
  'SHIPMENT_FAILED',
] as const;

export const orderCancelled = defineEventContract({
  detailType: 'OrderCancelled',
  producer: 'order',
  version: 1,
  description:
    'The order will not be fulfilled. Payment refunds any charge, inventory releases any reservation and shipping cancels any shipment, whenever they learn of it.',
  data: z
    .object({
      orderId: orderIdSchema,
      reason: z.enum(cancellationReasons),
    })
    .strict(),
});
