/**
 * The carrier webhook on the local cloud, attacked as the issue describes: an order whose parcel the carrier
 * dispatches and never delivers (postal code STUCK) is told DELIVERED by someone who is not the carrier. The
 * packaged webhook, reading the stage's secret from the local Secrets Manager, refuses every forged, stale and
 * replayed callback with 401 and changes nothing, so the order is cancelled SHIPMENT_FAILED by its delivery
 * timeout, refunded and released, as if nobody had called.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { signCarrierCallback } from '../../services/shipping/src/domain/carrierSignature';
import type { Shipment } from '../../services/shipping/src/domain/shipment';
import { CARRIER_WEBHOOK_SECRET } from '../../scripts/localCloud';
import { getOrder, placeOrder, waitForTerminal } from '../../scripts/orders';
import { busEventsOf, busyWork, eventually, ORDER_TIMEOUT_MS, SETTLE_TIMEOUT_MS, useE2eCloud } from './support/e2eCloud';
import { packagedTableName, scanTable, type PaymentItem, type ReservationItem } from './support/stores';

// Start-up, the dispatch, the dev stage's 20 s delivery timeout, and the compensations after it.
jest.setTimeout(300_000);

const e2e = useE2eCloud('carrierWebhook');
const documents = () => DynamoDBDocumentClient.from(e2e.client(DynamoDBClient));

/** The STUCK order: placed once, dispatched by the simulated carrier, then waiting for a delivery that never comes. */
let order: { orderId: string; shipmentId: string; token: string };

const shipmentOf = async (orderId: string): Promise<Shipment> => {
  const { Item } = await documents().send(new GetCommand({ TableName: packagedTableName('shipping', 'ShipmentsTable'), Key: { orderId }, ConsistentRead: true }));
  if (!Item) throw new Error(`order ${orderId} has no shipment`);
  return Item as Shipment;
};

const post = async (body: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }> => {
  const response = await fetch(`${e2e.cloud.httpUrl}/carrier/callbacks`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, body: await response.json() };
};

/** A DELIVERED report for the STUCK order's shipment, as the carrier would word it. */
const deliveredReport = () =>
  JSON.stringify({ shipmentId: order.shipmentId, status: 'DELIVERED', occurredAt: new Date().toISOString(), callbackId: `cb_${order.shipmentId}_delivered` });

/**
 * What an accepted DELIVERED would have changed: the shipment's status, its delivery time and its callbacks
 * (a refused request must leave all three), and the order completing. Compared rather than whole items: the
 * delivery timeout may fail the shipment at any moment, which is no change the request made.
 */
const observable = async () => {
  const shipment = await shipmentOf(order.orderId);
  const { status } = await getOrder(e2e.cloud.httpUrl, order.token, order.orderId);
  const delivered = busEventsOf(e2e.cloud.eventLog, order.orderId).some((event) => ['ShipmentDelivered', 'OrderCompleted'].includes(event.detailType));
  return { delivered: shipment.status === 'DELIVERED' || shipment.deliveredAt !== undefined || delivered, callbacks: shipment.callbacks, completed: status === 'COMPLETED' };
};

beforeAll(async () => {
  const token = await e2e.cloud.identity.issueToken({ subject: 'cus_webhook_e2e' });
  const body = {
    lines: [{ sku: 'espresso-beans-1kg', quantity: 1 }],
    shippingAddress: { name: 'Ada Lovelace', line1: '12 Analytical Row', city: 'London', postalCode: 'STUCK 1', country: 'GB' },
  };
  const { orderId } = await placeOrder(e2e.cloud.httpUrl, token, body, `e2e-carrier-webhook-${Date.now().toString(36)}`);
  // Dispatched by the carrier: from here the shipment waits for a delivery report.
  const dispatched = await eventually(
    () => {
      const event = busEventsOf(e2e.cloud.eventLog, orderId).find(({ detailType }) => detailType === 'ShipmentDispatched');
      if (!event) throw new Error(`order ${orderId} was not dispatched`);
      return event;
    },
    { timeoutMs: ORDER_TIMEOUT_MS },
  );
  order = { orderId, shipmentId: String(dispatched.data.shipmentId), token };
});

describe('POST /carrier/callbacks', () => {
  it.each([
    ['unsigned', () => ({})],
    ['signed with a guessed secret (forged)', (body: string) => signCarrierCallback({ secret: 'guessed', body, now: new Date() })],
  ])('answers 401 to a DELIVERED %s and leaves the shipment and the order as they were', async (_case, sign) => {
    const before = await observable();
    const body = deliveredReport();

    const answer = await post(body, sign(body));

    expect(answer).toEqual({ status: 401, body: { message: 'Unauthorized' } });
    await expect(observable()).resolves.toEqual({ ...before, delivered: false, completed: false });
  });

  it('answers 401 to a DELIVERED signed with the real secret more than five minutes ago (stale) and changes nothing', async () => {
    const before = await observable();
    const body = deliveredReport();
    const secret = e2e.cloud.secrets.valueOf(CARRIER_WEBHOOK_SECRET);

    const answer = await post(body, signCarrierCallback({ secret, body, now: new Date(Date.now() - 301_000) }));

    expect(answer).toEqual({ status: 401, body: { message: 'Unauthorized' } });
    await expect(observable()).resolves.toEqual({ ...before, delivered: false, completed: false });
  });

  it('answers 401 to a replay of a callback it accepted, and the replay changes nothing', async () => {
    // The carrier's own DISPATCHED, resent by the carrier: accepted (as a duplicate) once. Signed a second after
    // the first attempt arrived at the latest: in the same second, it would carry that attempt's signature.
    const { callbacks } = await shipmentOf(order.orderId);
    const [callbackId, report] = Object.entries(callbacks)[0] ?? [];
    if (!report) throw new Error(`the dispatched shipment of ${order.orderId} holds no callback`);
    const body = JSON.stringify({ shipmentId: order.shipmentId, status: report.status, occurredAt: report.occurredAt, callbackId });
    const signedAt = new Date(Math.max(Date.now(), Date.parse(report.receivedAt) + 1000));
    const headers = signCarrierCallback({ secret: e2e.cloud.secrets.valueOf(CARRIER_WEBHOOK_SECRET), body, now: signedAt });
    const accepted = await post(body, headers);
    const before = await observable();

    const replay = await post(body, headers);

    expect(accepted).toEqual({ status: 202, body: { outcome: 'duplicate', status: expect.any(String) as unknown } });
    expect(replay).toEqual({ status: 401, body: { message: 'Unauthorized' } });
    await expect(observable()).resolves.toEqual(before);
  });

  it('answers only 4xx, and changes nothing, to a few hundred DELIVERED callbacks with malformed signature headers', async () => {
    const before = await observable();
    const body = deliveredReport();
    const secret = e2e.cloud.secrets.valueOf(CARRIER_WEBHOOK_SECRET);
    // What fetch may send as a header value: visible ASCII and spaces.
    const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 120 });
    const real = () => signCarrierCallback({ secret, body, now: new Date() });
    const headers = fc.oneof(
      fc.record({ 'x-carrier-timestamp': headerText, 'x-carrier-signature': headerText }),
      fc.record({ 'x-carrier-signature': headerText }),
      fc.record({ 'x-carrier-timestamp': headerText }),
      // The real timestamp with a signature that is almost right, or right for another secret.
      fc.string({ unit: fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'), minLength: 64, maxLength: 64 }).map((hex) => ({ ...real(), 'x-carrier-signature': `v1=${hex}` })),
      fc.string({ maxLength: 20 }).map((other) => signCarrierCallback({ secret: `${secret}${other}x`, body, now: new Date() })),
      // The real signature, re-dated: the timestamp is inside the MAC.
      fc.integer({ min: -10_000, max: 10_000 }).filter((shift) => shift !== 0).map((shift) => {
        const signed = real();
        return { ...signed, 'x-carrier-timestamp': String(Number(signed['x-carrier-timestamp']) + shift) };
      }),
    );

    await fc.assert(
      fc.asyncProperty(headers, async (attempt) => {
        const answer = await post(body, attempt);
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
      }),
      { numRuns: 250 },
    );

    await expect(observable()).resolves.toEqual({ ...before, delivered: false, completed: false });
  });
});

describe('the STUCK order told DELIVERED by a forger', () => {
  it('ends CANCELLED with SHIPMENT_FAILED, its shipment failed on the delivery timeout', async () => {
    const final = await waitForTerminal(e2e.cloud.httpUrl, order.token, order.orderId, ORDER_TIMEOUT_MS);

    expect({ status: final.status, cancellationReason: final.cancellationReason }).toEqual({ status: 'CANCELLED', cancellationReason: 'SHIPMENT_FAILED' });
    await expect(shipmentOf(order.orderId)).resolves.toMatchObject({ status: 'FAILED', failureReason: 'DELIVERY_TIMED_OUT' });
  });

  it('is refunded and its stock released', async () => {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    await eventually(
      async () => {
        const busy = await busyWork(e2e.cloud, deadline - Date.now());
        if (busy) throw new Error(`the system did not settle: ${busy}`);
        const facts = busEventsOf(e2e.cloud.eventLog, order.orderId).map(({ detailType }) => detailType);
        const payments = await scanTable<PaymentItem>(e2e.client(DynamoDBClient), packagedTableName('payment', 'PaymentsTable'));
        const lines = (await scanTable<ReservationItem>(e2e.client(DynamoDBClient), packagedTableName('inventory', 'ReservationsTable'))).filter(
          (item) => item.orderId === order.orderId && item.sk.startsWith('LINE#'),
        );

        expect(facts).toEqual(expect.arrayContaining(['ShipmentFailed', 'OrderCancelled', 'PaymentRefunded', 'StockReleased']));
        expect(facts).not.toContain('ShipmentDelivered');
        expect(payments.filter((payment) => payment.orderId === order.orderId).map(({ status }) => status)).toEqual(['REFUNDED']);
        expect(lines.map(({ status }) => status)).toEqual(['RELEASED']);
      },
      { timeoutMs: SETTLE_TIMEOUT_MS, intervalMs: 500 },
    );
  });
});
