import { createHmac, timingSafeEqual } from 'node:crypto';
import type { UsedSignatures } from './usedSignatures';

/**
 * How the carrier proves a callback is its own: `x-carrier-signature: v1=<hex HMAC-SHA256(secret,
 * "<timestamp>.<raw body>")>` with `x-carrier-timestamp: <unix seconds>`. The timestamp is inside the MAC, so
 * a captured request cannot be re-dated; the replay window bounds how long a captured one stays usable, and the
 * webhook accepts each signature once inside it (`UsedSignatures`). Nothing else of a callback is trusted
 * as proof: its shipment id is the carrier's public identifier (the simulated carrier's is a hash of the order
 * id, by public code; a real carrier prints its own on labels).
 */

export const TIMESTAMP_HEADER = 'x-carrier-timestamp';
export const SIGNATURE_HEADER = 'x-carrier-signature';

/** The scheme's version prefix: a second scheme (another hash, another payload) would be `v2=` beside it. */
export const SIGNATURE_SCHEME = 'v1';

/**
 * How far a signed timestamp may be from the webhook's clock, either way. Five minutes absorbs the clock skew
 * of an NTP-synced carrier and a retry's queueing on its side; it is also how long a captured request could be
 * replayed, were the webhook to forget signatures, which is why used ones are kept exactly that long.
 */
export const REPLAY_WINDOW_SECONDS = 300;

/** Why a callback's signature was refused: for the log only, never for the caller (it would coach a forger). */
export type SignatureRefusal = 'missing' | 'malformed' | 'mismatch' | 'stale' | 'future';

export type SignatureCheck =
  | {
      ok: true;
      /** The hex MAC: what the replay table is keyed by. */
      signature: string;
      /** The signed timestamp, unix seconds. */
      signedAt: number;
      /** Unix seconds after which this signature is stale anyway, so the replay table may forget it. */
      usableUntil: number;
    }
  | { ok: false; reason: SignatureRefusal; detail: string };

/** Unix seconds, digits only: no sign, exponent or fraction, and short enough to be a safe integer. */
const TIMESTAMP_FORMAT = /^\d{1,12}$/;
const SIGNATURE_FORMAT = new RegExp(`^${SIGNATURE_SCHEME}=([0-9a-f]{64})$`);

const mac = (secret: string, timestamp: string, body: Uint8Array): Buffer =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();

/** A header by name, whatever its case: API Gateway lowercases names, a hand-written test event may not. */
const headerOf = (headers: Readonly<Record<string, string | undefined>>, name: string): string | undefined =>
  Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];

/**
 * The headers that sign a callback body at `now`. The carrier signs every attempt afresh: each signature is
 * accepted once, so a resend under an earlier attempt's headers is refused.
 *
 * @example
 * ```ts
 * const body = JSON.stringify(callback);
 * await fetch(webhookUrl, { method: 'POST', body, headers: { 'content-type': 'application/json', ...signCarrierCallback({ secret, body, now: new Date() }) } });
 * ```
 */
export const signCarrierCallback = ({ secret, body, now }: { secret: string; body: string | Uint8Array; now: Date }): Record<string, string> => {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: `${SIGNATURE_SCHEME}=${mac(secret, timestamp, bytes).toString('hex')}` };
};

/**
 * Checks a callback's signature headers against its raw body (the bytes as received: parsing and re-serialising
 * would change them) and the webhook's clock. The MAC is checked before the window, so a forgery is reported as
 * one even when it is also stale; it is compared in constant time, so the answer's timing says nothing about how
 * much of a guess was right.
 *
 * @example
 * ```ts
 * const check = verifyCarrierSignature({ headers: event.headers, body: rawBody, secret, now: new Date() });
 * if (!check.ok) return unauthorized(check.reason);
 * ```
 */
export const verifyCarrierSignature = ({
  headers,
  body,
  secret,
  now,
}: {
  headers: Readonly<Record<string, string | undefined>>;
  body: Uint8Array;
  secret: string;
  now: Date;
}): SignatureCheck => {
  const timestamp = headerOf(headers, TIMESTAMP_HEADER);
  const signature = headerOf(headers, SIGNATURE_HEADER);
  if (timestamp === undefined || signature === undefined) {
    const missing = [timestamp === undefined && TIMESTAMP_HEADER, signature === undefined && SIGNATURE_HEADER].filter(Boolean);
    return { ok: false, reason: 'missing', detail: `no ${missing.join(' and no ')} header` };
  }
  if (!TIMESTAMP_FORMAT.test(timestamp)) return { ok: false, reason: 'malformed', detail: `${TIMESTAMP_HEADER} is not unix seconds` };
  const given = SIGNATURE_FORMAT.exec(signature)?.[1];
  if (given === undefined) return { ok: false, reason: 'malformed', detail: `${SIGNATURE_HEADER} is not ${SIGNATURE_SCHEME}=<64 lowercase hex digits>` };

  // Both are 32 bytes here (the format fixed the length), as timingSafeEqual requires.
  if (!timingSafeEqual(mac(secret, timestamp, body), Buffer.from(given, 'hex'))) {
    return { ok: false, reason: 'mismatch', detail: 'the signature does not match the timestamp and body' };
  }

  const signedAt = Number(timestamp);
  const age = Math.floor(now.getTime() / 1000) - signedAt;
  if (age > REPLAY_WINDOW_SECONDS) return { ok: false, reason: 'stale', detail: `signed ${age} s ago, more than ${REPLAY_WINDOW_SECONDS} s` };
  if (-age > REPLAY_WINDOW_SECONDS) return { ok: false, reason: 'future', detail: `signed ${-age} s ahead of the webhook's clock, more than ${REPLAY_WINDOW_SECONDS} s` };
  return { ok: true, signature: given, signedAt, usableUntil: signedAt + REPLAY_WINDOW_SECONDS };
};

export type Authentication = { ok: true } | { ok: false; reason: SignatureRefusal | 'replayed'; detail: string };

/**
 * The webhook's rule: a callback is the carrier's if its signature verifies (`verifyCarrierSignature`) and no
 * request presented that signature before. The signature is claimed only once verified, so a flood of forged
 * requests writes nothing; a genuine one is claimed before its report is read, so a replay changes nothing.
 *
 * @example
 * ```ts
 * const auth = await authenticateCallback({ headers, body, secret, now, requestId }, usedSignatures);
 * if (!auth.ok) return respond(401, { message: 'Unauthorized' });
 * ```
 */
export const authenticateCallback = async (
  request: { headers: Readonly<Record<string, string | undefined>>; body: Uint8Array; secret: string; now: Date; requestId: string },
  usedSignatures: UsedSignatures,
): Promise<Authentication> => {
  const check = verifyCarrierSignature(request);
  if (!check.ok) return check;
  const claim = await usedSignatures.claim(check.signature, { usableUntil: check.usableUntil, requestId: request.requestId, now: request.now });
  return claim === 'claimed' ? { ok: true } : { ok: false, reason: 'replayed', detail: `the signature of ${check.signedAt} was accepted before` };
};
