import { z } from 'zod';
import { customerIdSchema, moneySchema, orderIdSchema, skuSchema } from '../envelope';
import { defineEventContract } from '../eventContract';

export const orderLineSchema = z
  .object({
    sku: skuSchema,
    quantity: z.number().int().min(1).max(99),
    unitPrice: moneySchema,
  })
  .strict();

export const shippingAddressSchema = z
  .object({
    name: z.string().min(1).max(100),
    line1: z.string().min(1).max(200),
    city: z.string().min(1).max(100),
    postalCode: z.string().min(1).max(20),
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'),
  })
  .strict();

export const orderPlaced = defineEventContract({
  detailType: 'OrderPlaced',
  producer: 'order',
  version: 1,
  description:
    'A customer placed an order. Payment charges its total and inventory reserves its lines, in parallel.',
  data: z
    .object({
      orderId: orderIdSchema,
      customerId: customerIdSchema,
      lines: z.array(orderLineSchema).min(1).max(25),
      total: moneySchema,
      shippingAddress: shippingAddressSchema,
      placedAt: z.iso.datetime({ offset: true }),
    })
    .strict(),
});
