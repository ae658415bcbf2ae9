import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, SQSEvent, SQSRecord } from 'aws-lambda';
import { parseEvent } from '#shared/contracts';
import type { Order } from '../../../../../services/order/src/domain/order';
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

export const requestBody = (): OrderRequest => ({
  customerId: 'cus_42',
  lines: [
    { sku: 'espresso-beans-1kg', quantity: 2 },
    { sku: 'ceramic-cup', quantity: 1 },
  ],
  shippingAddress: { name: 'Ada Lovelace', line1: '12 Analytical Row', city: 'London', postalCode: 'N1 9GU', country: 'GB' },
});

/** A freshly placed order, built by the domain as POST /orders builds it. */
export const placedOrder = (idempotencyKey = 'key-1', overrides: Partial<Order> = {}): Order => {
  const placement = placementOf({ idempotencyKey, body: { ok: true, value: requestBody() }, timeouts: TIMEOUTS, now: NOW });
  if (placement.kind !== 'order') throw new Error(`fixture is not a valid order: ${placement.issues.join('; ')}`);
  return { ...placement.order, ...overrides };
};

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

/** `POST /orders` as HTTP API delivers it; `body` is sent as is when a string, else as JSON. */
export const postOrder = (body: unknown, headers: Record<string, string | undefined> = { 'idempotency-key': 'key-1' }) => {
  const event = serviceEvent<APIGatewayProxyEventV2>('placeOrder');
  const cleanHeaders = Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined)) as Record<string, string>;
  return {
    ...event,
    headers: { ...event.headers, 'idempotency-key': undefined, ...cleanHeaders },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  } as APIGatewayProxyEventV2;
};

/** `GET /orders/{orderId}` as HTTP API delivers it. */
export const getOrderEvent = (orderId: string | undefined): APIGatewayProxyEventV2 => {
  const event = serviceEvent<APIGatewayProxyEventV2>('getOrder');
  return { ...event, rawPath: `/orders/${orderId ?? ''}`, pathParameters: orderId === undefined ? {} : { orderId } };
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
