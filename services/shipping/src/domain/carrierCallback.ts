import { z } from 'zod';
import { CARRIER_STATUSES } from './shipment';

/**
 * The body a carrier posts to `POST /carrier/callbacks`. Not strict: carriers add fields to their webhooks
 * without notice, and an extra field must not turn a delivery report into a 400 the carrier retries forever.
 */
export const carrierCallbackSchema = z.object({
  shipmentId: z.string().min(1).max(64),
  status: z.enum(CARRIER_STATUSES),
  occurredAt: z.iso.datetime({ offset: true }),
  /** The carrier's id for this report: a redelivered callback repeats it. */
  callbackId: z.string().min(1).max(128),
});

export type CarrierCallback = z.infer<typeof carrierCallbackSchema>;

export type ParsedCallback = { ok: true; callback: CarrierCallback } | { ok: false; problem: string };

/** Parses a raw HTTP body; the problem names every offending field, so a carrier can fix its request. */
export const parseCarrierCallback = (body: string | undefined): ParsedCallback => {
  if (body === undefined || body.trim() === '') return { ok: false, problem: 'body: a JSON object is required' };
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return { ok: false, problem: 'body: is not valid JSON' };
  }
  const parsed = carrierCallbackSchema.safeParse(raw);
  if (parsed.success) return { ok: true, callback: parsed.data };
  return {
    ok: false,
    problem: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '),
  };
};
