import type { AcceptedEvent } from '../local/eventbridge/eventBridgeService';

/** An order placed through the HTTP API, as the demo and the end-to-end tests describe it. */
export interface Scenario {
  name: string;
  expected: 'COMPLETED' | 'CANCELLED';
  /** The cancellation reason when `expected` is CANCELLED. */
  reason?: string;
  /**
   * Who places it: the subject (`sub`) of the customer's token, which the order service takes as the customer
   * id. The simulated payment provider chooses its answer by the customer id's prefix (services/payment).
   */
  customer: string;
  body: {
    lines: { sku: string; quantity: number }[];
    shippingAddress: { name: string; line1: string; city: string; postalCode: string; country: string };
  };
}

const address = (postalCode: string) => ({ name: 'Ada Lovelace', line1: '12 Analytical Row', city: 'London', postalCode, country: 'GB' });

/** The four paths through the saga, chosen by ordinary order data (see the simulated provider and carrier). */
export const SCENARIOS: Scenario[] = [
  {
    name: 'success',
    expected: 'COMPLETED',
    customer: 'cus_happy',
    body: { lines: [{ sku: 'espresso-beans-1kg', quantity: 2 }, { sku: 'ceramic-cup', quantity: 1 }], shippingAddress: address('N1 9GU') },
  },
  {
    name: 'payment declined',
    expected: 'CANCELLED',
    reason: 'PAYMENT_DECLINED',
    customer: 'cus_declined_card',
    body: { lines: [{ sku: 'milk-frother', quantity: 1 }], shippingAddress: address('N1 9GU') },
  },
  {
    name: 'out of stock',
    expected: 'CANCELLED',
    reason: 'OUT_OF_STOCK',
    customer: 'cus_collector',
    body: { lines: [{ sku: 'filter-papers', quantity: 1 }, { sku: 'seasonal-gift-box', quantity: 1 }], shippingAddress: address('N1 9GU') },
  },
  {
    name: 'shipment timeout',
    expected: 'CANCELLED',
    reason: 'SHIPMENT_FAILED',
    customer: 'cus_patient',
    body: { lines: [{ sku: 'grinder', quantity: 1 }], shippingAddress: address('LOST 404') },
  },
];

export interface OrderView {
  orderId: string;
  status: string;
  cancellationReason?: string;
  history: { detailType: string; time: string }[];
  [key: string]: unknown;
}

/** The headers of a request by the signed-in customer whose ID token this is. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** POST /orders as the customer whose token this is; throws unless the API answered with an order id. */
export const placeOrder = async (httpUrl: string, token: string, body: unknown, idempotencyKey: string): Promise<{ status: number; orderId: string }> => {
  const response = await fetch(`${httpUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey, ...bearer(token) },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { orderId?: string; message?: string };
  if (!answer.orderId) throw new Error(`POST /orders answered ${response.status}: ${JSON.stringify(answer)}`);
  return { status: response.status, orderId: answer.orderId };
};

/** GET /orders/{orderId} as the customer whose token this is (only the customer who placed it is answered). */
export const getOrder = async (httpUrl: string, token: string, orderId: string): Promise<OrderView> => {
  const response = await fetch(`${httpUrl}/orders/${orderId}`, { headers: bearer(token) });
  if (!response.ok) throw new Error(`GET /orders/${orderId} answered ${response.status}`);
  return (await response.json()) as OrderView;
};

export const TERMINAL = new Set(['COMPLETED', 'CANCELLED']);

/** Polls an order until it is COMPLETED or CANCELLED, or the time is up (then returns it as it stands). */
export const waitForTerminal = async (httpUrl: string, token: string, orderId: string, timeoutMs: number): Promise<OrderView> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const order = await getOrder(httpUrl, token, orderId);
    if (TERMINAL.has(order.status) || Date.now() > deadline) return order;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

export interface TimelineEntry {
  atMs: number;
  service: string;
  event: string;
}

/** Every event of one order on the bus, in order, with its time relative to the first. */
export const timelineOf = (eventLog: readonly AcceptedEvent[], orderId: string): TimelineEntry[] => {
  const events = eventLog.filter(({ event }) => (event.detail as { metadata?: Record<string, string> }).metadata?.['correlation-id'] === orderId);
  const start = events[0] ? Date.parse((events[0].event.detail as { metadata: Record<string, string> }).metadata['occurred-at'] ?? '') : 0;
  return events.map(({ event }) => ({
    atMs: Date.parse((event.detail as { metadata: Record<string, string> }).metadata['occurred-at'] ?? '') - start,
    service: event.source.replace(/^ordering\./, ''),
    event: event['detail-type'],
  }));
};
