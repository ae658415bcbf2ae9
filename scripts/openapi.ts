/**
 * The OpenAPI 3.1 documents of the two HTTP APIs, the order service's and the shipping service's carrier
 * webhook, generated from the zod schemas the functions validate with and answer in. `npm run generate` writes
 * them to `docs/openapi/<api>.json`; `npm start` serves them at `/openapi/<api>.json`;
 * tests/contract/openapi.test.ts checks them against the packaged routes and their authorizers.
 */
import { z } from 'zod';
import { orderIdSchema } from '#shared/contracts';
import { MAX_IDEMPOTENCY_KEY_LENGTH, MIN_IDEMPOTENCY_KEY_LENGTH } from '../services/order/src/domain/orderRequest';
import {
  incompleteOrdersReportSchema,
  messageSchema,
  orderAcceptedSchema,
  orderRequestSchema,
  orderViewSchema,
  problemSchema,
} from '../services/order/src/http/apiSchemas';
import { carrierCallbackSchema } from '../services/shipping/src/domain/carrierCallback';
import { SHIPMENT_STATUSES } from '../services/shipping/src/domain/shipment';
import type { RecordOutcome } from '../services/shipping/src/domain/shipmentRepository';

/** The HTTP APIs, each named after the stack that declares it. */
export const API_NAMES = ['order', 'shipping'] as const;
export type ApiName = (typeof API_NAMES)[number];

/** How a caller proves who it is: the JWT authorizer's bearer token, or the carrier's HMAC signature headers. */
export type Security = 'jwt' | 'carrierSignature';

interface Response {
  description: string;
  schema: z.ZodType;
  headers?: Record<string, { description: string; schema: Record<string, unknown> }>;
}

/** One route of an API, as the document describes it. */
export interface Operation {
  method: 'get' | 'post';
  /** The route's path as API Gateway writes it, `{orderId}` included. */
  path: string;
  operationId: string;
  summary: string;
  description: string;
  security: Security;
  parameters?: Record<string, unknown>[];
  requestBody?: { description: string; schema: z.ZodType };
  responses: Record<string, Response>;
}

/** Answers API Gateway gives before any function runs, on every route: the authorizer's and the stage throttle's. */
const gatewayResponses = (security: Security): Record<string, Response> => ({
  ...(security === 'jwt' && {
    401: { description: 'No token, or one API Gateway refused (signature, issuer, audience, expiry): `{"message":"Unauthorized"}`; no function ran.', schema: messageSchema },
  }),
  429: { description: 'The route’s throttle (the stage’s `throttlingRateLimit`/`throttlingBurstLimit`): `{"message":"Too Many Requests"}`; retry with backoff.', schema: messageSchema },
});

/** A failure of the function: 503 is transient (retry, with the same Idempotency-Key for a POST), 500 is not. */
const failures: Record<string, Response> = {
  500: { description: 'A bug: retrying will not help.', schema: messageSchema },
  503: { description: 'A dependency failed or throttled; retrying is safe (`Retry-After`).', schema: messageSchema },
};

const idempotencyKeyHeader = {
  name: 'Idempotency-Key',
  in: 'header',
  required: true,
  description:
    'The client’s own id for this order request, one per order and kept for its retries (a UUID will do). Scoped to the signed-in customer: the same key again finds the same order; with a different body it is refused (422).',
  schema: { type: 'string', minLength: MIN_IDEMPOTENCY_KEY_LENGTH, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH, pattern: '^[A-Za-z0-9._~-]+$' },
};

const ORDER_OPERATIONS: Operation[] = [
  {
    method: 'post',
    path: '/orders',
    operationId: 'placeOrder',
    summary: 'Place an order as the signed-in customer',
    description:
      'Stores the order (the customer is the token’s `sub`; a body naming `customerId` is refused) and starts its saga. Idempotent per customer and Idempotency-Key: a retry answers the same order.',
    security: 'jwt',
    parameters: [idempotencyKeyHeader],
    requestBody: { description: 'What to order and where to send it.', schema: orderRequestSchema },
    responses: {
      202: {
        description: 'Accepted (or found, for a retry): the order runs on; GET its URL for where it stands.',
        schema: orderAcceptedSchema,
        headers: { Location: { description: 'The order’s URL, as `url` in the body.', schema: { type: 'string' } } },
      },
      400: { description: 'A malformed request (the header, the body, a field), every problem named.', schema: problemSchema },
      403: { description: 'The signed-in user cannot be a customer (their id is longer than a customer id may be).', schema: problemSchema },
      422: { description: 'A product the shop does not sell, or an Idempotency-Key already used for a different request.', schema: problemSchema },
      ...failures,
    },
  },
  {
    method: 'get',
    path: '/orders/{orderId}',
    operationId: 'getOrder',
    summary: 'Read one of the signed-in customer’s orders',
    description: 'The order, where its payment, stock and shipment stand, and its history. Only its customer may read it: anyone else gets the 404 of an order that does not exist.',
    security: 'jwt',
    parameters: [{ name: 'orderId', in: 'path', required: true, schema: schemaOf(orderIdSchema, 'input') }],
    responses: {
      200: { description: 'The order.', schema: orderViewSchema },
      400: { description: 'Not an order id.', schema: problemSchema },
      404: { description: 'No order of the caller’s has this id.', schema: problemSchema },
      ...failures,
    },
  },
  {
    method: 'get',
    path: '/operations/orders/incomplete',
    operationId: 'getIncompleteOrders',
    summary: 'The incomplete-orders report (operators only)',
    description:
      'Orders stuck past their deadline in a non-terminal status, with where each stopped, and cancelled orders still owed a refund, a stock release or a shipment cancellation: what `npm run report:incomplete` prints. For members of the `operators` group of the user pool.',
    security: 'jwt',
    responses: {
      200: { description: 'The report.', schema: incompleteOrdersReportSchema },
      403: { description: 'A signed-in caller who is not in the operators group.', schema: messageSchema },
      ...failures,
    },
  },
];

const RECORDED_OUTCOMES = ['recorded', 'duplicate', 'late'] as const satisfies readonly RecordOutcome[];

const callbackAcceptedSchema = z
  .object({
    outcome: z.enum(RECORDED_OUTCOMES).meta({ description: '`duplicate`: a callback id already recorded; `late`: the shipment was cancelled first, and the report is kept apart.' }),
    status: z.enum(SHIPMENT_STATUSES),
  })
  .meta({ description: 'The report was recorded (or recognised): do not send it again.' });

const SHIPPING_OPERATIONS: Operation[] = [
  {
    method: 'post',
    path: '/carrier/callbacks',
    operationId: 'recordCarrierCallback',
    summary: 'The carrier reports a shipment dispatched or delivered',
    description:
      'Signed by the carrier with the stage’s webhook secret (HMAC-SHA256 over `<timestamp>.<raw body>`), within 5 minutes of the webhook’s clock, each signature accepted once. Any answer but 2xx means the carrier should retry, signing afresh.',
    security: 'carrierSignature',
    requestBody: { description: 'One report; fields the carrier adds are ignored.', schema: carrierCallbackSchema },
    responses: {
      202: { description: 'Recorded, a duplicate, or late.', schema: callbackAcceptedSchema },
      400: { description: 'Not a report: the problem named.', schema: messageSchema },
      401: { description: 'Unsigned, forged, outside the 5-minute window, or a signature already used: `{"message":"Unauthorized"}`; nothing was read or written.', schema: messageSchema },
      404: { description: 'No shipment with this id.', schema: messageSchema },
      409: { description: 'The shipment holds as many callbacks as it keeps; resending will not help.', schema: messageSchema },
      ...failures,
    },
  },
];

export const OPERATIONS: Record<ApiName, Operation[]> = { order: ORDER_OPERATIONS, shipping: SHIPPING_OPERATIONS };

const SECURITY_SCHEMES: Record<Security, Record<string, Record<string, unknown>>> = {
  jwt: {
    bearerJwt: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'An ID token of the stage’s user pool (services/identity) for its web client, in `Authorization: Bearer <token>`. API Gateway checks its RS256 signature (the issuer’s JWKS), `iss` (the `jwtIssuer` param), `aud` (`jwtAudience`) and `exp` before any function runs. Locally: `npm run token -- --customer <id> [--groups operators]`.',
    },
  },
  carrierSignature: {
    carrierTimestamp: { type: 'apiKey', in: 'header', name: 'x-carrier-timestamp', description: 'When the carrier signed the request, in Unix seconds.' },
    carrierSignature: {
      type: 'apiKey',
      in: 'header',
      name: 'x-carrier-signature',
      description: '`v1=` and the lowercase hex HMAC-SHA256, keyed with the stage’s webhook secret (Secrets Manager `ordering-shipping-<stage>-carrier-webhook`), of `<x-carrier-timestamp>.<raw body>`.',
    },
  },
};

const INFO: Record<ApiName, { title: string; description: string }> = {
  order: {
    title: 'Ordering: order API',
    description:
      'Signed-in customers place and read their orders; operators read the incomplete-orders report. Every route needs a bearer ID token of the identity stack’s user pool. CORS allows the stage’s web origin only.',
  },
  shipping: {
    title: 'Ordering: carrier webhook',
    description: 'The carrier’s reports about the shipments it carries, signed with the stage’s webhook secret.',
  },
};

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), without its `$schema`, which OpenAPI sets once. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io }) as Record<string, unknown>;
  return rest;
}

/**
 * The schemas the documents name (`components.schemas`), each written once and referred to by `$ref`; any other
 * schema is written where it is used.
 */
const COMPONENTS = new Map<z.ZodType, string>([
  [orderRequestSchema, 'OrderRequest'],
  [orderAcceptedSchema, 'OrderAccepted'],
  [orderViewSchema, 'OrderView'],
  [incompleteOrdersReportSchema, 'IncompleteOrdersReport'],
  [problemSchema, 'Problem'],
  [messageSchema, 'Message'],
  [carrierCallbackSchema, 'CarrierCallback'],
  [callbackAcceptedSchema, 'CallbackAccepted'],
]);

/** A body's content, by reference when its schema is a component (collected in `components`). */
const jsonContent = (schema: z.ZodType, io: 'input' | 'output', components: Record<string, unknown>) => {
  const name = COMPONENTS.get(schema);
  if (name === undefined) return { 'application/json': { schema: schemaOf(schema, io) } };
  components[name] ??= schemaOf(schema, io);
  return { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } };
};

/**
 * The OpenAPI 3.1 document of one API: its operations, each with its security requirement, parameters, request
 * body and every answer, with JSON Schemas generated from the zod schemas (requests as the function accepts them,
 * responses as it writes them).
 *
 * @example
 * ```ts
 * const document = openApiDocument('order');
 * document.paths['/orders'].post.operationId; // 'placeOrder'
 * ```
 */
export const openApiDocument = (api: ApiName) => {
  const operations = OPERATIONS[api];
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = {};
  for (const operation of operations) {
    const schemes = Object.keys(SECURITY_SCHEMES[operation.security]);
    paths[operation.path] ??= {};
    paths[operation.path] = {
      ...paths[operation.path],
      [operation.method]: {
        operationId: operation.operationId,
        summary: operation.summary,
        description: operation.description,
        // All schemes of one requirement object together: the carrier sends both of its headers.
        security: [Object.fromEntries(schemes.map((scheme) => [scheme, []]))],
        ...(operation.parameters && { parameters: operation.parameters }),
        ...(operation.requestBody && {
          requestBody: { required: true, description: operation.requestBody.description, content: jsonContent(operation.requestBody.schema, 'input', schemas) },
        }),
        responses: Object.fromEntries(
          Object.entries({ ...operation.responses, ...gatewayResponses(operation.security) })
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([status, response]) => [status, { description: response.description, ...(response.headers && { headers: response.headers }), content: jsonContent(response.schema, 'output', schemas) }]),
        ),
      },
    };
  }
  const securitySchemes = Object.assign({}, ...[...new Set(operations.map((operation) => operation.security))].map((security) => SECURITY_SCHEMES[security])) as Record<string, unknown>;
  return {
    openapi: '3.1.0',
    info: { ...INFO[api], version: '1' },
    servers: [
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        description: 'The stage’s HTTP API (stack output HttpApiUrl)',
        variables: { apiId: { default: 'abc123def4' }, region: { default: 'eu-west-1' } },
      },
      { url: 'http://localhost:3000', description: 'The local cloud (`npm start`)' },
    ],
    paths,
    components: { schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))), securitySchemes },
  };
};

export type OpenApiDocument = ReturnType<typeof openApiDocument>;

/** Where `npm run generate` writes an API's document, and where the local cloud serves it. */
export const openApiFile = (api: ApiName): string => `docs/openapi/${api}.json`;
export const openApiPath = (api: ApiName): string => `/openapi/${api}.json`;

/** Every generated document, path → content. `npm run generate` writes them; a contract test checks they are current. */
export const renderOpenApiFiles = (): Record<string, string> =>
  Object.fromEntries(API_NAMES.map((api) => [openApiFile(api), `${JSON.stringify(openApiDocument(api), null, 2)}\n`]));
