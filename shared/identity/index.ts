/**
 * Who is calling an HTTP API route, as API Gateway's JWT authorizer vouched for them. The authorizer has
 * already checked the token's signature, issuer, audience and expiry before the function runs; what reaches
 * the function are the token's claims, which this module reads so that no handler parses them itself.
 */

/** The group whose members may use the operator routes (`AWS::Cognito::UserPoolGroup` `operators`). */
export const OPERATORS_GROUP = 'operators';

/** The signed-in user behind a request. */
export interface Caller {
  /** The token's `sub`: the identity provider's stable id for the user (the customer id, for a customer). */
  subject: string;
  /** The token's groups (`cognito:groups`), empty when it carries none. */
  groups: string[];
}

/** A claim value as API Gateway may hand it over; `jwt.claims` is typed this way by `@types/aws-lambda`. */
type ClaimValue = string | number | boolean | string[] | undefined;

/**
 * The part of an HTTP API (payload 2.0) event this module reads. Structural, so that a handler typed with the
 * plain `APIGatewayProxyEventV2` (whose request context declares no authorizer) can pass its event as is.
 */
export interface AuthorizedEvent {
  requestContext: object & { authorizer?: { jwt?: { claims?: Record<string, ClaimValue> } } };
}

/** Cognito's claim for the groups a user belongs to. */
const GROUPS_CLAIM = 'cognito:groups';

/**
 * A list-valued claim. API Gateway flattens every claim to a string before it reaches the function, an array
 * as `"[a b]"` (space-separated, brackets included); an event built by hand, a test or a Lambda authorizer may
 * still carry a real array. Both mean the same list.
 */
const listClaim = (value: ClaimValue): string[] => {
  if (Array.isArray(value)) return value.filter((item) => typeof item === 'string' && item !== '');
  if (typeof value !== 'string') return [];
  const inner = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  return inner.split(/\s+/).filter((item) => item !== '');
};

/**
 * The caller of an HTTP API route, read from the claims API Gateway's JWT authorizer passes on, or undefined
 * when the request carries none (a route without an authorizer, or a token without a subject). Behind the
 * authorizer, undefined never happens on AWS: a handler answers it with 401 rather than trusting anything else
 * in the request (a body's or a header's customer id is whatever the client wrote).
 *
 * @example
 * ```ts
 * const caller = callerOf(event);
 * if (!caller) return json(401, { message: 'Unauthorized' });
 * const orders = await ordersOf(caller.subject);
 * ```
 */
export const callerOf = (event: AuthorizedEvent): Caller | undefined => {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  const subject = claims?.sub;
  if (typeof subject !== 'string' || subject.trim() === '') return undefined;
  return { subject, groups: [...new Set(listClaim(claims?.[GROUPS_CLAIM]))] };
};

/**
 * Whether the caller is an operator (a member of the `operators` group), who may read the operations routes.
 * Membership is decided where the token is signed (the user pool), so nothing a client sends can grant it.
 *
 * @example
 * ```ts
 * if (!isOperator(caller)) return json(403, { message: 'Forbidden: operators only' });
 * ```
 */
export const isOperator = (caller: Caller | undefined): boolean => caller?.groups.includes(OPERATORS_GROUP) ?? false;
