import { z } from 'zod';

/**
 * `detail.metadata`, identical for every event. `idempotency-key` is set by the producer and stays the
 * same across retries of the same fact: EventBridge's own `id` changes on every PutEvents, so consumers
 * must never deduplicate on it.
 */
export const metadataSchema = z
  .object({
    'idempotency-key': z.string().min(1).max(256),
    'correlation-id': z.string().min(1).max(128),
    'causation-id': z.string().min(1).max(256),
    'occurred-at': z.iso.datetime({ offset: true }),
    'schema-version': z.number().int().positive(),
  })
  .strict();

export type EventMetadata = z.infer<typeof metadataSchema>;

/** The parts of an EventBridge event a consumer relies on; EventBridge adds the rest. */
export const eventBridgeEventSchema = z.object({
  id: z.string().optional(),
  source: z.string().min(1),
  'detail-type': z.string().min(1),
  time: z.string().optional(),
  detail: z.object({ metadata: z.unknown(), data: z.unknown() }),
});

export const orderIdSchema = z
  .string()
  .regex(/^ord_[0-9A-Za-z]{8,40}$/, 'must look like ord_<8-40 letters or digits>');

/**
 * Who an order belongs to: the signed-in user's id, the `sub` of their token (a Cognito user's is a UUID).
 * Payment charges this customer; the order API refuses a caller whose id would not fit.
 */
export const customerIdSchema = z.string().min(1).max(64);

export const skuSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be a lowercase slug');

/** Money in minor units (cents): floating point never touches an amount. */
export const moneySchema = z
  .object({
    amount: z.number().int().nonnegative(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
  })
  .strict();

export type Money = z.infer<typeof moneySchema>;
