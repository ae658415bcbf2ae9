import { z } from 'zod';
import { shippingAddressSchema, skuSchema, type Money } from '#shared/contracts';
import { priceOf } from './priceList';

/**
 * The body of `POST /orders`. Its limits are the OrderPlaced contract's own (sku, quantity, lines, address):
 * a request accepted here can always be published, so an order never fails after it was stored. It names no
 * customer: the customer is the signed-in user, whose id comes from the token (`#shared/identity`).
 */
export const orderRequestSchema = z
  .object({
    lines: z
      .array(
        z
          .object({
            sku: skuSchema,
            quantity: z.number().int().min(1).max(99),
          })
          .strict(),
      )
      .min(1)
      .max(25),
    shippingAddress: shippingAddressSchema,
  })
  .strict()
  .superRefine((request, context) => {
    // One line per sku: inventory reserves per line, and two lines of one sku would race for the same stock.
    const firstLineOf = new Map<string, number>();
    request.lines.forEach((line, index) => {
      const first = firstLineOf.get(line.sku);
      if (first === undefined) {
        firstLineOf.set(line.sku, index);
        return;
      }
      context.addIssue({
        code: 'custom',
        path: ['lines', index, 'sku'],
        message: `repeats lines[${first}].sku; put the whole quantity on one line`,
      });
    });
  });

export type OrderRequest = z.infer<typeof orderRequestSchema>;

export interface PricedLine {
  sku: string;
  quantity: number;
  unitPrice: Money;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; issues: string[] };

/**
 * Idempotency-Key limits. At least 16 characters, so a key is something drawn at random (a UUID is 36) rather
 * than a counter two of a client's requests could share; at most 128, and only URL-safe characters (RFC 3986's
 * unreserved ones), so a key is stored, logged and sent on as OrderPlaced's causation id (at most 256) as is.
 */
export const MIN_IDEMPOTENCY_KEY_LENGTH = 16;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 128;
const IDEMPOTENCY_KEY_ALPHABET = /^[A-Za-z0-9._~-]+$/;

/**
 * Validates the `Idempotency-Key` header: required, so a client retry can never create a second order.
 *
 * @example
 * ```ts
 * checkIdempotencyKey(event.headers['idempotency-key']);
 * ```
 */
export const checkIdempotencyKey = (header: string | undefined): Checked<string> => {
  const key = header?.trim();
  if (!key) return { ok: false, issues: ['Idempotency-Key: header is required'] };
  if (key.length < MIN_IDEMPOTENCY_KEY_LENGTH || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    return {
      ok: false,
      issues: [`Idempotency-Key: must be ${MIN_IDEMPOTENCY_KEY_LENGTH} to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters (a UUID will do), got ${key.length}`],
    };
  }
  if (!IDEMPOTENCY_KEY_ALPHABET.test(key)) {
    return { ok: false, issues: ['Idempotency-Key: may contain only letters, digits and - . _ ~ (a UUID will do)'] };
  }
  return { ok: true, value: key };
};

/**
 * Validates a parsed request body. Every issue names its field the way a client writes it
 * (`lines[1].quantity: must be ≥ 1`), so a 400 says what to fix.
 *
 * @example
 * ```ts
 * const checked = checkOrderRequest(JSON.parse(body));
 * if (!checked.ok) return badRequest(checked.issues);
 * ```
 */
export const checkOrderRequest = (body: unknown): Checked<OrderRequest> => {
  const parsed = orderRequestSchema.safeParse(body, { error: messageFor });
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, issues: parsed.error.issues.flatMap(describeIssue) };
};

/**
 * Prices every line from the price list. A sku the shop does not sell is a request it cannot fulfil (422),
 * named by its line.
 */
export const priceOrder = (
  request: OrderRequest,
  price: (sku: string) => Money | undefined = priceOf,
): Checked<{ lines: PricedLine[]; total: Money }> => {
  const issues: string[] = [];
  const lines: PricedLine[] = [];
  request.lines.forEach(({ sku, quantity }, index) => {
    const unitPrice = price(sku);
    if (unitPrice) lines.push({ sku, quantity, unitPrice });
    else issues.push(`lines[${index}].sku: "${sku}" is not a product we sell`);
  });
  if (issues.length > 0) return { ok: false, issues };
  const currencies = new Set(lines.map((line) => line.unitPrice.currency));
  const [currency] = currencies;
  if (currencies.size !== 1 || currency === undefined) {
    // The price list has one currency; mixed currencies would mean a broken price list, not a bad request.
    throw new Error(`the price list mixes currencies: ${[...currencies].join(', ')}`);
  }
  const amount = lines.reduce((sum, line) => sum + line.unitPrice.amount * line.quantity, 0);
  return { ok: true, value: { lines, total: { amount, currency } } };
};

/** `['lines', 1, 'quantity']` → `lines[1].quantity`; the body itself is `body`. @internal */
export const fieldPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
    '',
  ) || 'body';

/**
 * Fields a client may think an order has, and why it has not. A customer id in the body would let anyone
 * charge anyone: the customer is whoever signed in, so the field is refused by name rather than ignored.
 */
const REFUSED_FIELDS = new Map([['customerId', 'not allowed; the customer is the signed-in user']]);

const describeIssue = (issue: z.core.$ZodIssue): string[] =>
  issue.code === 'unrecognized_keys'
    ? issue.keys.map((key) => {
        const refusal = issue.path.length === 0 ? REFUSED_FIELDS.get(key) : undefined;
        return `${fieldPath([...issue.path, key])}: ${refusal ?? 'is not a field of an order'}`;
      })
    : [`${fieldPath(issue.path)}: ${issue.message}`];

const typeNames: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  array: 'an array',
  object: 'an object',
};

/** Messages for a client, not for a developer: "must be ≥ 1" rather than "Too small: expected number to be >=1". */
const messageFor: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${typeNames[issue.expected] ?? issue.expected}`;
    case 'too_small':
      if (issue.origin === 'string') return issue.minimum === 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `must have at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`;
      return `must be ${issue.inclusive === false ? '>' : '≥'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `must have at most ${issue.maximum} items`;
      return `must be ${issue.inclusive === false ? '<' : '≤'} ${issue.maximum}`;
    default:
      return undefined;
  }
};
