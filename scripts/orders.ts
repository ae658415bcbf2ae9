import type { AcceptedEvent } from '../local/eventbridge/eventBridgeService';

/** An order placed through the HTTP API, as the demo and the end-to-end tests describe it. */
export interface Scenario {
  name: string;
  expected: 'COMPLETED' | 'CANCELLED';
  /** The cancellation reason when `expected` is CANCELLED. */
  reason?: string;
  body: {
    customerId: string;
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
    body: { customerId: 'cus_happy', lines: [{ sku: 'espresso-beans-1kg', quantity: 2 }, { sku: 'ceramic-cup', quantity: 1 }], shippingAddress: address('N1 9GU') },
  },
  {
    name: 'payment declined',
    expected: 'CANCELLED',
    reason: 'PAYMENT_DECLINED',
    body: { customerId: 'cus_declined_card', lines: [{ sku: 'milk-frother', quantity: 1 }], shippingAddress: address('N1 9GU') },
  },
  {
    name: 'out of stock',
    expected: 'CANCELLED',
    reason: 'OUT_OF_STOCK',
    body: { customerId: 'cus_collector', lines: [{ sku: 'filter-papers', quantity: 1 }, { sku: 'seasonal-gift-box', quantity: 1 }], shippingAddress: address('N1 9GU') },
  },
  {
    name: 'shipment timeout',
    expected: 'CANCELLED',
    reason: 'SHIPMENT_FAILED',
    body: { customerId: 'cus_patient', lines: [{ sku: 'grinder', quantity: 1 }], shippingAddress: address('LOST 404') },
  },
];

export interface OrderView {
  orderId: string;
  status: string;
  cancellationReason?: string;
  history: { detailType: string; source: string; time: string }[];
  [key: string]: unknown;
}

export const placeOrder = async (httpUrl: string, body: unknown, idempotencyKey: string): Promise<{ status: number; orderId: string }> => {
  const response = await fetch(`${httpUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { orderId?: string; message?: string };
  if (!answer.orderId) throw new Error(`POST /orders answered ${response.status}: ${JSON.stringify(answer)}`);
  return { status: response.status, orderId: answer.orderId };
};

export const getOrder = async (httpUrl: string, orderId: string): Promise<OrderView> => {
  const response = await fetch(`${httpUrl}/orders/${orderId}`);
  if (!response.ok) throw new Error(`GET /orders/${orderId} answered ${response.status}`);
  return (await response.json()) as OrderView;
};

export const TERMINAL = new Set(['COMPLETED', 'CANCELLED']);

/** Polls an order until it is COMPLETED or CANCELLED, or the time is up (then returns it as it stands). */
export const waitForTerminal = async (httpUrl: string, orderId: string, timeoutMs: number): Promise<OrderView> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const order = await getOrder(httpUrl, orderId);
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
