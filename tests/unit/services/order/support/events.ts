import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseEvent } from '#shared/contracts';
import type { Order } from '../../../../../services/order/src/domain/order';
import { ORDER_ID_BYTES, orderIdFrom } from '../../../../../services/order/src/domain/orderId';
import type { OrderRequest } from '../../../../../services/order/src/domain/orderRequest';
import {
  factFrom,
  outcomeContracts,
  type OutcomeType,
  type Outcomes,
  type RecordedFact,
} from '../../../../../services/order/src/domain/outcomes';
import { placementOf } from '../../../../../services/order/src/domain/placement';
import { lambdaContext as functionContext } from '../../../../support/lambdaContext';

const ROOT = join(__dirname, '../../../../..');
export const SERVICE_EVENTS = join(ROOT, 'services/order/events');
const SAMPLES = join(ROOT, 'shared/contracts/samples');
/** The order id every catalog sample is about. */
const SAMPLE_ORDER_ID = 'ord_7Hq2Kx9mPz4Lw8Rt';

export const NOW = new Date('2026-11-25T09:30:00.000Z');
export const TIMEOUTS = { outcomesSeconds: 900, shipmentSeconds: 604_800 };

/** A service sample event (`services/order/events/<name>.json`): the files `sls invoke local` runs. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names its fixture's shape
export const serviceEvent = <T>(name: string): T => JSON.parse(readFileSync(join(SERVICE_EVENTS, `${name}.json`), 'utf8')) as T;

/** The signed-in customer of the fixtures: the `sub` of their token. */
export const CUSTOMER = 'cus_42';

/** The customer and the order of the service sample events (`events/getOrder.json`). */
export const SAMPLE_CUSTOMER = '7c1d4f6e-2a3b-4c5d-8e9f-0a1b2c3d4e5f';
export const SAMPLE_EVENT_ORDER_ID = 'ord_Lk7hDihWrdaGzVgK3oAZK4';

/** A valid Idempotency-Key (16 characters or more) named after a fixture's label. */
export const keyFor = (label: string): string => `${label}-idempotency-key`;

/** An order id as the API draws them, but fixed per label, so that tests can name it. */
export const testOrderId = (label: string): string => orderIdFrom(createHash('sha256').update(label).digest().subarray(0, ORDER_ID_BYTES));

export const requestBody = (): OrderRequest => ({
  lines: [
    { sku: 'espresso-beans-1kg', quantity: 2 },
    { sku: 'ceramic-cup', quantity: 1 },
  ],
  shippingAddress: { name: 'Ada Lovelace', line1: '12 Analytical Row', city: 'London', postalCode: 'N1 9GU', country: 'GB' },
});

/**
 * A freshly placed order of {@link CUSTOMER}, built by the domain as POST /orders builds it: its id is
 * `testOrderId(label)` and its Idempotency-Key `keyFor(label)`.
 */
export const placedOrder = (label = 'key-1', overrides: Partial<Order> = {}): Order => {
  const placement = placementOf({
    customerId: CUSTOMER,
    idempotencyKey: keyFor(label),
    body: { ok: true, value: requestBody() },
    timeouts: TIMEOUTS,
    now: NOW,
    orderId: testOrderId(label),
  });
  if (placement.kind !== 'order') throw new Error(`fixture is not a valid order: ${placement.issues.join('; ')}`);
  return { ...placement.order, ...overrides };
};

/** The order every service sample event is about, placed by the sample events' customer. */
export const sampleOrder = (overrides: Partial<Order> = {}): Order =>
  placedOrder('3f0c9a52-5a1e-4d7e-9b55-2f4f9c1d8e11', { orderId: SAMPLE_EVENT_ORDER_ID, customerId: SAMPLE_CUSTOMER, requestKey: '3f0c9a52-5a1e-4d7e-9b55-2f4f9c1d8e11', ...overrides });

export interface CatalogEventOptions {
  idempotencyKey?: string;
  occurredAt?: string;
  data?: Record<string, unknown>;
}

/**
 * A catalog sample (`shared/contracts/samples/<DetailType>.v1.json`) re-addressed to `orderId`, as EventBridge
 * would deliver it.
 */
export const catalogEvent = (detailType: string, orderId: string, options: CatalogEventOptions = {}) => {
  const text = readFileSync(join(SAMPLES, `${detailType}.v1.json`), 'utf8').split(SAMPLE_ORDER_ID).join(orderId);
  const event = JSON.parse(text) as {
    'detail-type': string;
    source: string;
    detail: { metadata: Record<string, unknown>; data: Record<string, unknown> };
  };
  if (options.idempotencyKey) event.detail.metadata['idempotency-key'] = options.idempotencyKey;
  if (options.occurredAt) event.detail.metadata['occurred-at'] = options.occurredAt;
  if (options.data) Object.assign(event.detail.data, options.data);
  return event;
};

let messages = 0;

export const sqsRecord = (body: unknown, receiveCount = 1): SQSRecord => {
  messages += 1;
  return {
    messageId: `msg-${messages}`,
    receiptHandle: `AQEB-${messages}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '1795599060000',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1795599060100',
    },
    messageAttributes: {},
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:ordering-order-dev-onOrderOutcome',
    awsRegion: 'eu-west-1',
  };
};

export const sqsEvent = (...bodies: unknown[]): SQSEvent => ({ Records: bodies.map((body) => sqsRecord(body)) });

export const lambdaContext = (functionName: string) =>
  functionContext(`ordering-order-dev-${functionName}`, { accountId: '000000000000', remainingTimeMs: 10_000 });

/** Who the JWT authorizer let through: a subject and its groups, or `null` for a route without one. */
export interface TestCaller {
  subject: string;
  groups?: string[];
}

/**
 * A service sample event re-addressed to another caller, with the claims as API Gateway's JWT authorizer
 * passes them (every value a string, a list as `[a b]`); `null` takes the authorizer context away.
 */
export const asCaller = <T extends APIGatewayProxyEventV2>(event: T, caller: TestCaller | null): T => {
  const { authorizer, ...requestContext } = event.requestContext as T['requestContext'] & { authorizer?: { jwt: { claims: Record<string, string> } } };
  if (!caller) return { ...event, requestContext };
  const claims: Record<string, string> = { ...authorizer?.jwt.claims, sub: caller.subject, 'cognito:username': caller.subject };
  if (caller.groups) claims['cognito:groups'] = `[${caller.groups.join(' ')}]`;
  else delete claims['cognito:groups'];
  return { ...event, requestContext: { ...requestContext, authorizer: { jwt: { claims, scopes: null } } } };
};

/** `POST /orders` as HTTP API delivers it from `caller`; `body` is sent as is when a string, else as JSON. */
export const postOrder = (
  body: unknown,
  headers: Record<string, string | undefined> = { 'idempotency-key': keyFor('key-1') },
  caller: TestCaller | null = { subject: CUSTOMER },
): APIGatewayProxyEventV2 => {
  const event = serviceEvent<APIGatewayProxyEventV2>('placeOrder');
  const cleanHeaders = Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined)) as Record<string, string>;
  return asCaller(
    {
      ...event,
      headers: { ...event.headers, 'idempotency-key': undefined, ...cleanHeaders },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    },
    caller,
  );
};

/** `GET /orders/{orderId}` as HTTP API delivers it from `caller`. */
export const getOrderEvent = (orderId: string | undefined, caller: TestCaller | null = { subject: CUSTOMER }): APIGatewayProxyEventV2 => {
  const event = serviceEvent<APIGatewayProxyEventV2>('getOrder');
  return asCaller({ ...event, rawPath: `/orders/${orderId ?? ''}`, pathParameters: orderId === undefined ? {} : { orderId } }, caller);
};

/** A catalog event as the order service records it. */
export const factOf = (detailType: OutcomeType, orderId: string, options: CatalogEventOptions = {}, now = NOW): RecordedFact =>
  factFrom(parseEvent(outcomeContracts, catalogEvent(detailType, orderId, options)), now);

/** The outcomes an order holds once these facts are recorded (the first of each kind kept). */
export const outcomesOf = (...facts: RecordedFact[]): Outcomes => {
  const outcomes: Record<string, unknown> = {};
  for (const fact of facts) outcomes[fact.detailType] ??= fact.outcome;
  return outcomes;
};
