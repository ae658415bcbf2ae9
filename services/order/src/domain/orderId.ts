import { createHash } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** 20 base62 characters carry 119 bits of the hash: collisions between keys are out of reach. */
export const ORDER_ID_DIGITS = 20;

/**
 * The order id a request's `Idempotency-Key` names. Deriving the id (rather than drawing a random one) is what
 * lets one conditional put both create the order and recognise a retry of the same request.
 *
 * @example
 * ```ts
 * orderIdFor('3f0c9a52-5a1e-4d7e-9b55-2f4f9c1d8e11'); // 'ord_' + 20 base62 characters, always the same
 * ```
 */
export const orderIdFor = (idempotencyKey: string): string => {
  let value = BigInt(`0x${sha256(idempotencyKey)}`);
  let digits = '';
  for (let i = 0; i < ORDER_ID_DIGITS; i++) {
    digits += BASE62.charAt(Number(value % 62n));
    value /= 62n;
  }
  return `ord_${digits}`;
};

/**
 * A fingerprint of a request's meaning: the same fields give the same fingerprint whatever their order or
 * whitespace in the body, so a retry is recognised and a different request under a reused key is not.
 */
export const requestFingerprint = (request: unknown): string => sha256(canonicalJson(request));

/** JSON with object keys sorted at every depth. @internal */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, nested: unknown) =>
    nested && typeof nested === 'object' && !Array.isArray(nested)
      ? Object.fromEntries(Object.entries(nested).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : nested,
  );

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
