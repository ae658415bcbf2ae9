import { createHash } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Random bytes in an order id: 128 bits, as many as a UUID carries (122) and then some. */
export const ORDER_ID_BYTES = 16;

/** 62^22 > 2^128: every value of the bytes has its own id, so no two draws share one by construction. */
export const ORDER_ID_DIGITS = 22;

/**
 * The order id for `ORDER_ID_BYTES` random bytes: `ord_` and 22 base62 characters. Ids are random rather
 * than derived from anything a client sends, so knowing one order's id (or a client's Idempotency-Key) says
 * nothing about another's; the caller draws the bytes (`crypto.randomBytes`), which keeps this function pure.
 *
 * @example
 * ```ts
 * orderIdFrom(randomBytes(ORDER_ID_BYTES)); // 'ord_' + 22 base62 characters
 * ```
 */
export const orderIdFrom = (bytes: Uint8Array): string => {
  if (bytes.length !== ORDER_ID_BYTES) throw new RangeError(`an order id takes ${ORDER_ID_BYTES} random bytes, got ${bytes.length}`);
  let value = BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
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
