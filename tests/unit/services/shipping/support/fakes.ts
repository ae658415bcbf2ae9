import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { OutgoingEvent } from '#shared/contracts';
import type { Publisher } from '#shared/publisher';
import { createDynamoShipmentRepository } from '../../../../../services/shipping/src/adapters/shipmentRepository';
import { createDynamoUsedSignatures } from '../../../../../services/shipping/src/adapters/usedSignatures';
import type { ShipmentRequest } from '../../../../../services/shipping/src/domain/carrier';
import type { CarrierCallback } from '../../../../../services/shipping/src/domain/carrierCallback';
import { signCarrierCallback } from '../../../../../services/shipping/src/domain/carrierSignature';
import type { Shipment } from '../../../../../services/shipping/src/domain/shipment';
import type { UsedSignatures } from '../../../../../services/shipping/src/domain/usedSignatures';
import type { WebhookSecret } from '../../../../../services/shipping/src/domain/webhookSecret';
import type { LocalDynamo } from '../../../../support/dynalite';
import { lambdaContext as functionContext } from '../../../../support/lambdaContext';

export const SHIPMENTS_TABLE = 'ordering-shipping-dev-shipments';

export const silentLogger = () => new Logger({ serviceName: 'shipping', logLevel: 'SILENT' });
export const disabledTracer = () => new Tracer({ serviceName: 'shipping', enabled: false });

/** The real repository against the local DynamoDB the packaged template's table was created in. */
export const shipmentsOn = (dynamo: LocalDynamo) =>
  createDynamoShipmentRepository({
    client: DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } }),
    tableName: SHIPMENTS_TABLE,
  });

export const USED_SIGNATURES_TABLE = 'ordering-shipping-dev-used-signatures';

/** The real replay table adapter against the same local DynamoDB. */
export const usedSignaturesOn = (dynamo: LocalDynamo) =>
  createDynamoUsedSignatures({ client: DynamoDBDocumentClient.from(dynamo.client), tableName: USED_SIGNATURES_TABLE });

let orderSequence = 0;
/** A fresh, valid order id per call, so tests sharing a table never meet. */
export const newOrderId = (): string => `ord_Test${Date.now().toString(36)}${(orderSequence++).toString().padStart(4, '0')}`;

export const shipmentRequest = (orderId: string, postalCode = 'N1 9GU'): ShipmentRequest => ({
  orderId,
  lines: [{ sku: 'espresso-beans-1kg', quantity: 2 }],
  shippingAddress: { name: 'Ada Lovelace', line1: '12 Analytical Row', city: 'London', postalCode, country: 'GB' },
});

export const createdShipment = (orderId: string, overrides: Partial<Shipment> = {}): Shipment => ({
  orderId,
  shipmentId: `shp_${orderId.slice(4)}`,
  carrier: 'simulated-post',
  trackingNumber: 'SP123456789GB',
  status: 'CREATED',
  createdAt: '2026-11-25T09:38:00.000Z',
  callbacks: {},
  ...overrides,
});

export const callback = (shipmentId: string, status: CarrierCallback['status'], overrides: Partial<CarrierCallback> = {}): CarrierCallback => ({
  shipmentId,
  status,
  occurredAt: status === 'DISPATCHED' ? '2026-11-25T11:02:00.000Z' : '2026-11-26T14:45:00.000Z',
  callbackId: `cb_${shipmentId}_${status.toLowerCase()}`,
  ...overrides,
});

/** Records what would have gone to EventBridge; `failNext` makes the next publish throw. */
export class RecordingPublisher implements Publisher {
  readonly published: OutgoingEvent[] = [];
  failNext: Error | undefined;
  /** Runs after each successful publish, as whoever hears the event would (a carrier calling back at once). */
  onPublish: ((event: OutgoingEvent) => Promise<void>) | undefined;

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    this.published.push(...structuredClone(events));
    for (const event of events) await this.onPublish?.(event);
  }

  detailTypes(): string[] {
    return this.published.map((event) => event.detailType);
  }
}

export const lambdaContext = (functionName: string) => functionContext(`ordering-shipping-dev-${functionName}`, { remainingTimeMs: 10_000 });

/** An HTTP API (payload 2.0) request to the carrier webhook. */
export const callbackRequest = (body: string | undefined, overrides: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 => ({
  version: '2.0',
  routeKey: 'POST /carrier/callbacks',
  rawPath: '/carrier/callbacks',
  rawQueryString: '',
  headers: { 'content-type': 'application/json' },
  requestContext: {
    accountId: '123456789012',
    apiId: 'api',
    domainName: 'api.execute-api.eu-west-1.amazonaws.com',
    domainPrefix: 'api',
    http: { method: 'POST', path: '/carrier/callbacks', protocol: 'HTTP/1.1', sourceIp: '203.0.113.10', userAgent: 'carrier' },
    requestId: 'request-1',
    routeKey: 'POST /carrier/callbacks',
    stage: '$default',
    time: '25/Nov/2026:11:02:05 +0000',
    timeEpoch: 1795604525000,
  },
  isBase64Encoded: false,
  ...(body !== undefined && { body }),
  ...overrides,
});

/** The stage's webhook secret in tests: 64 letters and digits, as the template's GenerateSecretString makes it. */
export const WEBHOOK_SECRET = 'TestWebhookSecret0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJK';

export const fixedSecret = (value = WEBHOOK_SECRET): WebhookSecret => ({ value: () => Promise.resolve(value) });

/** Used signatures in memory, with the DynamoDB adapter's rules (an expired claim is absent; a request's own claim is its own). */
export class InMemoryUsedSignatures implements UsedSignatures {
  readonly claims = new Map<string, { usableUntil: number; requestId: string }>();

  claim(signature: string, { usableUntil, requestId, now }: { usableUntil: number; requestId: string; now: Date }): Promise<'claimed' | 'replayed'> {
    const existing = this.claims.get(signature);
    if (existing && existing.requestId !== requestId && existing.usableUntil >= Math.floor(now.getTime() / 1000)) return Promise.resolve('replayed');
    this.claims.set(signature, { usableUntil, requestId });
    return Promise.resolve('claimed');
  }
}

let requestSequence = 0;

/**
 * A carrier callback as the carrier sends it: signed at `signedAt` (by default now) with the test secret, under
 * a request id of its own, as API Gateway gives every request.
 */
export const signedCallbackRequest = (
  body: string,
  { signedAt = new Date(), secret = WEBHOOK_SECRET, overrides = {} }: { signedAt?: Date; secret?: string; overrides?: Partial<APIGatewayProxyEventV2> } = {},
): APIGatewayProxyEventV2 => {
  const request = callbackRequest(body, overrides);
  return {
    ...request,
    headers: { ...request.headers, ...signCarrierCallback({ secret, body, now: signedAt }), ...overrides.headers },
    requestContext: { ...request.requestContext, requestId: `request-${(requestSequence++).toString()}` },
  };
};

/**
 * Signs callbacks as a carrier does, every attempt afresh and each in a second of its own (signed timestamps are
 * whole seconds, so two attempts in one second would share a signature, and the second would be a replay). The
 * simulated carrier waits for the next second; a test moves the carrier's clock instead, a second per attempt,
 * from `start`.
 */
export const carrierSigner = (start: Date = new Date()) => {
  let attempts = 0;
  return (body: string, overrides: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 =>
    signedCallbackRequest(body, { signedAt: new Date(start.getTime() + attempts++ * 1000), overrides });
};
