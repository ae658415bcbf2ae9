import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeService } from '../../../../local/eventbridge';
import { startCarrierSimulator } from '../../../../local/simulators/carrier';
import { verifyCarrierSignature } from '../../../../services/shipping/src/domain/carrierSignature';

const ORDER_ID = 'ord_carrierTest';
const SHIPMENT_ID = 'shp_carrierTest';
const SECRET = 'CarrierTestSecret0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL';

describe('startCarrierSimulator', () => {
  let webhook: Server;
  let webhookUrl: string;
  /** Callback statuses in the order the webhook received them, refused ones included. */
  let received: string[];
  /** Each request's signature header, and whether the webhook's own rule verified it. */
  let signatures: { signature: string | undefined; verified: boolean }[];
  /** How many of the next requests the webhook refuses (503), as a webhook briefly down would. */
  let refuseNext: number;
  /** Runs as the webhook receives a callback, before it answers: what happens while a callback is on its way. */
  let onReceive: (status: string) => void;
  let eventBridge: EventBridgeService;
  let carrier: ReturnType<typeof startCarrierSimulator>;

  beforeEach(async () => {
    received = [];
    signatures = [];
    refuseNext = 0;
    onReceive = () => undefined;
    webhook = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks);
        const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
        signatures.push({ signature: headers['x-carrier-signature'], verified: verifyCarrierSignature({ headers, body: raw, secret: SECRET, now: new Date() }).ok });
        const { status } = JSON.parse(raw.toString('utf8')) as { status: string };
        received.push(status);
        onReceive(status);
        response.writeHead(refuseNext-- > 0 ? 503 : 200).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/carrier/callbacks`;
    eventBridge = new EventBridgeService({ accountId: '000000000000', region: 'eu-west-1', dispatcher: { deliver: () => Promise.resolve() } });
    carrier = startCarrierSimulator({ eventBridge, webhookUrl, secret: SECRET, dispatchAfterSeconds: 0.1, deliveryAfterSeconds: 0.2 });
  });

  afterEach(async () => {
    carrier.stop();
    eventBridge.stop();
    await new Promise<void>((resolve) => webhook.close(() => resolve()));
  });

  const shipmentCreated = () =>
    eventBridge.putEvents([
      { Source: 'shipping', DetailType: 'ShipmentCreated', Detail: JSON.stringify({ data: { orderId: ORDER_ID, shipmentId: SHIPMENT_ID } }) },
    ]);

  const orderConfirmed = (postalCode: string) =>
    eventBridge.putEvents([
      { Source: 'order', DetailType: 'OrderConfirmed', Detail: JSON.stringify({ data: { orderId: ORDER_ID, shippingAddress: { postalCode } } }) },
    ]);

  const shipmentCancelled = () =>
    eventBridge.putEvents([
      { Source: 'shipping', DetailType: 'ShipmentCancelled', Detail: JSON.stringify({ data: { orderId: ORDER_ID, shipmentId: SHIPMENT_ID } }) },
    ]);

  it('is idle until a shipment is created, then until every planned callback was posted', async () => {
    const idleBefore = carrier.idle;

    shipmentCreated();
    const idleAfterBooking = carrier.idle;
    await carrier.whenIdle();

    expect({ idleBefore, idleAfterBooking }).toEqual({ idleBefore: true, idleAfterBooking: false });
    expect(received).toEqual(['DISPATCHED', 'DELIVERED']);
    expect(carrier.idle).toBe(true);
  });

  it('signs every callback with the stage secret, as the webhook verifies it', async () => {
    shipmentCreated();
    await carrier.whenIdle();

    expect(signatures).toEqual([
      { signature: expect.stringMatching(/^v1=[0-9a-f]{64}$/) as unknown, verified: true },
      { signature: expect.stringMatching(/^v1=[0-9a-f]{64}$/) as unknown, verified: true },
    ]);
  });

  it('signs a retried attempt afresh, never with the signature of the attempt it repeats', async () => {
    refuseNext = 1;

    shipmentCreated();
    await carrier.whenIdle();

    expect(signatures.every(({ verified }) => verified)).toBe(true);
    expect(new Set(signatures.map(({ signature }) => signature)).size).toBe(signatures.length);
  });

  it('signs the two copies of an echoed report differently, so the second is a duplicate, not a replay', async () => {
    orderConfirmed('ECHO 1');

    shipmentCreated();
    await carrier.whenIdle();

    // A copy waits for a second of its own, so the other report may come between the two.
    expect([...received].sort()).toEqual(['DELIVERED', 'DELIVERED', 'DISPATCHED', 'DISPATCHED']);
    expect(new Set(signatures.map(({ signature }) => signature)).size).toBe(4);
  });

  it('waits for the retries of a callback the webhook refused', async () => {
    refuseNext = 1;

    shipmentCreated();
    await carrier.whenIdle();

    // The retry and the delivery report may cross: only what was posted matters here.
    expect([...received].sort()).toEqual(['DELIVERED', 'DISPATCHED', 'DISPATCHED']);
  });

  it('is idle once stopped, with callbacks still planned', async () => {
    shipmentCreated();
    const idle = carrier.whenIdle();

    carrier.stop();

    await expect(idle).resolves.toBeUndefined();
    expect(received).toEqual([]);
  });

  it('withdraws every callback not sent yet when the shipment is cancelled', async () => {
    shipmentCreated();

    shipmentCancelled();
    await carrier.whenIdle();

    expect(received).toEqual([]);
  });

  it('still delivers, late, the callback already on its way when the shipment is cancelled, and sends nothing after it', async () => {
    onReceive = (status) => {
      if (status === 'DISPATCHED') shipmentCancelled();
    };

    shipmentCreated();
    await carrier.whenIdle();

    expect(received).toEqual(['DISPATCHED']);
  });

  it('keeps retrying a callback that was on its way when the shipment was cancelled, as a carrier resends a refused report', async () => {
    refuseNext = 1;
    onReceive = (status) => {
      if (status === 'DISPATCHED') shipmentCancelled();
    };

    shipmentCreated();
    await carrier.whenIdle();

    expect(received).toEqual(['DISPATCHED', 'DISPATCHED']);
  });

  it('sends nothing for a shipment whose cancellation overtook its creation on the bus', async () => {
    shipmentCancelled();

    shipmentCreated();
    const idle = carrier.idle;
    await carrier.whenIdle();

    expect(idle).toBe(true);
    expect(received).toEqual([]);
  });
});
