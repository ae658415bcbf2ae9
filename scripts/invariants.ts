/**
 * The invariants of DESIGN.md, checked against what the stores hold — the DynamoDB tables of every service,
 * the simulated provider's ledger, the SQS queues and DLQs, the Step Functions executions — never against
 * logs. `readStores` takes a snapshot through the real AWS SDK clients (any endpoint that speaks AWS: the
 * local cloud's edge, or a deployed stage); `findViolations` is pure, so every rule is unit-tested on
 * hand-made snapshots.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, ListExecutionsCommand, ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { ChangeMessageVisibilityBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { FAILURE_ATTRIBUTES } from '#shared/middlewares';
import { EVENTBRIDGE_FAILURE_ATTRIBUTES, listQueueUrls, queueNameOf } from './dlqTools';

// ----- what the stores hold (only the fields the invariants read; the adapters own the full shapes) -----

const money = z.object({ amount: z.number(), currency: z.string() });

/** services/order/src/domain/order.ts */
const orderRecord = z.object({
  orderId: z.string(),
  customerId: z.string(),
  status: z.string(),
  lines: z.array(z.object({ sku: z.string(), quantity: z.number() })),
  total: money.optional(),
  shipmentId: z.string().optional(),
  cancellationReason: z.string().optional(),
  confirmedAt: z.string().optional(),
  processed: z.record(z.string(), z.string()).default({}),
});
/** services/order/src/domain/placement.ts KeyClaim: a customer's Idempotency-Key and the order it names. */
const keyClaimRecord = z.object({ customerId: z.string(), idempotencyKey: z.string(), orderId: z.string() });
/** services/payment/src/domain/payments.ts */
const paymentRecord = z.object({
  orderId: z.string(),
  status: z.string(),
  paymentId: z.string().optional(),
  amount: money.optional(),
  chargedAt: z.string().optional(),
  failedAt: z.string().optional(),
});
/** services/payment/src/adapters/paymentProvider.ts: one entry per idempotency key; a charge key holds its refund. */
const ledgerEntry = z.object({
  idempotencyKey: z.string(),
  operation: z.string(),
  charge: z.object({ orderId: z.string(), outcome: z.string(), paymentId: z.string().optional(), amount: money }).optional(),
  refund: z.object({ refundId: z.string() }).optional(),
});
/** services/inventory/src/adapters/reservationRepository.ts: `sk = RESERVATION` or `LINE#<sku>`. */
const reservationHeader = z.object({ orderId: z.string(), sk: z.literal('RESERVATION'), status: z.string() });
const reservationLine = z.object({
  orderId: z.string(),
  sku: z.string(),
  quantity: z.number(),
  status: z.string(),
  releasedBy: z.string().optional(),
  releasedFrom: z.string().optional(),
  stockReturned: z.boolean().optional(),
});
/** services/inventory/src/adapters/stockRepository.ts; `pendingOperations` is a string set. */
const stockItem = z.object({ sku: z.string(), available: z.number(), pendingOperations: z.array(z.string()).default([]) });
/** services/shipping/src/domain/shipment.ts */
const shipmentRecord = z.object({
  orderId: z.string(),
  shipmentId: z.string(),
  status: z.string(),
  failureReason: z.string().optional(),
  /** Only a booking the carrier accepted has one (`wasBooked` in services/shipping/src/domain/carrier.ts). */
  trackingNumber: z.string().optional(),
});

export type OrderRecord = z.infer<typeof orderRecord>;
export type KeyClaimRecord = z.infer<typeof keyClaimRecord>;
export type PaymentRecord = z.infer<typeof paymentRecord>;
export type LedgerEntry = z.infer<typeof ledgerEntry>;
export type ReservationHeader = z.infer<typeof reservationHeader>;
export type ReservationLine = z.infer<typeof reservationLine>;
export type StockItem = z.infer<typeof stockItem>;
export type ShipmentRecord = z.infer<typeof shipmentRecord>;

export interface DeadLetter {
  messageId: string;
  body: string;
  /** `failure-reason` (a consumer dead-lettered it) or `ERROR_CODE: ERROR_MESSAGE` (EventBridge could not deliver it). */
  reason?: string;
  /**
   * Set when SQS's own redrive moved it (after `maxReceiveCount`). With no `reason` beside it, no invocation got
   * to record one: that is its reason (`sqsRedriveReason` in dlqTools.ts words it for operators), and the function's logs hold the rest.
   */
  redrivenFrom?: string;
}

export interface QueueState {
  name: string;
  deadLetter: boolean;
  visible: number;
  inFlight: number;
  delayed: number;
  /** Every message of a dead-letter queue (read, then made visible again). */
  messages: DeadLetter[];
}

export interface ExecutionRecord {
  stateMachine: string;
  name: string;
  status: string;
  /** Why an execution that did not succeed ended, and the last state it entered. */
  error?: string;
  cause?: string;
  lastState?: string;
}

const UNSUCCESSFUL = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

export interface StoreSnapshot {
  orders: OrderRecord[];
  keyClaims: KeyClaimRecord[];
  payments: PaymentRecord[];
  ledger: LedgerEntry[];
  reservations: ReservationHeader[];
  reservationLines: ReservationLine[];
  stock: StockItem[];
  shipments: ShipmentRecord[];
  queues: QueueState[];
  executions: ExecutionRecord[];
  /** Items no invariant can be checked on, because they do not have the shape their adapter writes. */
  unreadable: { table: string; key: string; issue: string }[];
}

// ----- the invariants -----

export const INVARIANTS = {
  'order-terminal': 'every order ends COMPLETED or CANCELLED',
  'order-key-claimed': "every order is named by exactly one Idempotency-Key claim, its own customer's, and every claim names an order of that customer",
  'completed-charged-once': 'a completed order was charged exactly once',
  'completed-stock-reserved-once': 'a completed order had its stock reserved exactly once',
  'completed-one-shipment': 'a completed order has exactly one shipment',
  'charged-at-most-once': 'no order is charged twice, and no charge lacks an order',
  'cancelled-charge-refunded': 'a cancelled order holds no charge that was not refunded',
  'cancelled-stock-released': 'a cancelled order holds no stock that was not released',
  'cancelled-shipment-cancelled': "a cancelled order's shipment is cancelled too: none is left open, and a cancelled shipment belongs to a cancelled order",
  'stock-non-negative': 'stock never goes negative',
  'stock-conserved': 'initial stock − units held by completed orders = available, per SKU',
  'no-event-lost': 'every event was handled or sits in a DLQ',
  'dead-letter-has-reason': 'every dead-lettered message carries its failure reason, or SQS moved it after maxReceiveCount',
  'nothing-in-flight': 'once quiet: no message queued, no execution running, no stock operation pending',
  'stores-readable': 'every item has the shape its adapter writes',
} as const;

export type Invariant = keyof typeof INVARIANTS;

export interface Violation {
  invariant: Invariant;
  /** The order id, SKU, queue or execution it is about. */
  subject: string;
  detail: string;
}

export interface Expectations {
  /** Units of each SKU the run started with (the inventory seed). */
  initialStock: Readonly<Record<string, number>>;
  /** Orders the run placed: each must exist. Orders found beyond them are checked too. */
  orderIds?: readonly string[];
  /** Markers of the malformed messages the run sent: each must sit in some DLQ. */
  poisonIds?: readonly string[];
  /** The lowest count of each SKU seen while the run went on (the final snapshot only shows the end). */
  lowestStockSeen?: Readonly<Record<string, number>>;
}

export interface DeadLetterCount {
  queue: string;
  messages: number;
  poison: number;
  /** Moved by SQS after maxReceiveCount: their reason is that no invocation got to record one. */
  movedBySqs: number;
  withoutReason: number;
}

export interface InvariantReport {
  violations: Violation[];
  orders: { total: number; completed: number; cancelled: Record<string, number>; other: number };
  deadLetters: DeadLetterCount[];
  /** Executions that ended FAILED, TIMED_OUT or ABORTED: not an invariant, but worth a look. */
  unsuccessfulExecutions: ExecutionRecord[];
}

const TERMINAL = new Set(['COMPLETED', 'CANCELLED']);
/** Payment statuses that hold money: a charge that happened and was not refunded, or one that may still happen. */
const HOLDING_PAYMENT = new Set(['CHARGED', 'CHARGING']);
/** Line statuses that hold units: taken and recorded, or claimed for release but not given back yet. */
const HOLDING_LINE = new Set(['RESERVED', 'RELEASING']);
/** Shipment statuses a carrier may still deliver: booked, or on its way. */
const OPEN_SHIPMENT = new Set(['CREATED', 'DISPATCHED']);

/** `ShipmentDelivered` → `shipment-delivered`: the fact part of `<orderId>:<fact>` idempotency keys. */
const kebab = (detailType: string) => detailType.replace(/(?<!^)([A-Z])/g, '-$1').toLowerCase();

const groupBy = <T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
};

/** An order may list a SKU twice; inventory keeps one line per (order, SKU). */
const mergedLines = (lines: readonly { sku: string; quantity: number }[]) => {
  const merged = new Map<string, number>();
  for (const { sku, quantity } of lines) merged.set(sku, (merged.get(sku) ?? 0) + quantity);
  return merged;
};

/**
 * Every invariant of DESIGN.md, on one snapshot of the stores. Pure: no clock, no I/O.
 *
 * @example
 * ```ts
 * const report = findViolations(await readStores(storeClients(cloud.edgeUrl)), { initialStock, orderIds });
 * if (report.violations.length > 0) process.exitCode = 1;
 * ```
 */
export const findViolations = (snapshot: StoreSnapshot, expectations: Expectations): InvariantReport => {
  const violations: Violation[] = [];
  const violate = (invariant: Invariant, subject: string, detail: string) => violations.push({ invariant, subject, detail });

  for (const { table, key, issue } of snapshot.unreadable) violate('stores-readable', `${table}/${key}`, issue);

  const orders = new Map(snapshot.orders.map((order) => [order.orderId, order]));
  const claimsByOrder = groupBy(snapshot.keyClaims, (claim) => claim.orderId);
  const payments = new Map(snapshot.payments.map((payment) => [payment.orderId, payment]));
  const reservations = new Map(snapshot.reservations.map((reservation) => [reservation.orderId, reservation]));
  const linesByOrder = groupBy(snapshot.reservationLines, (line) => line.orderId);
  const shipments = new Map(snapshot.shipments.map((shipment) => [shipment.orderId, shipment]));
  const executions = new Map(snapshot.executions.map((execution) => [execution.name, execution.status]));
  const pendingOperations = new Set(snapshot.stock.flatMap((item) => item.pendingOperations.map((operation) => `${item.sku}|${operation}`)));
  const charges = snapshot.ledger.flatMap((entry) => (entry.charge?.outcome === 'succeeded' ? [{ ...entry, charge: entry.charge }] : []));
  const chargesByOrder = groupBy(charges, (entry) => entry.charge.orderId);

  for (const orderId of expectations.orderIds ?? []) {
    if (!orders.has(orderId)) violate('order-terminal', orderId, 'the run placed this order, but the orders table does not hold it');
  }

  for (const order of snapshot.orders) {
    const { orderId, status } = order;
    const orderCharges = chargesByOrder.get(orderId) ?? [];
    const unrefunded = orderCharges.filter((entry) => !entry.refund);
    const payment = payments.get(orderId);
    const reservation = reservations.get(orderId);
    const lines = linesByOrder.get(orderId) ?? [];
    const shipment = shipments.get(orderId);

    if (!TERMINAL.has(status)) violate('order-terminal', orderId, `status is ${status}`);
    if (orderCharges.length > 1) {
      violate('charged-at-most-once', orderId, `the provider holds ${orderCharges.length} successful charges (${orderCharges.map((entry) => entry.idempotencyKey).join(', ')})`);
    }

    if (status === 'COMPLETED') {
      if (unrefunded.length !== 1) {
        violate('completed-charged-once', orderId, `the provider holds ${unrefunded.length} unrefunded charges (${orderCharges.length} in all)`);
      } else {
        const [charge] = unrefunded;
        if (charge && order.total && (charge.charge.amount.amount !== order.total.amount || charge.charge.amount.currency !== order.total.currency)) {
          violate('completed-charged-once', orderId, `charged ${charge.charge.amount.amount} ${charge.charge.amount.currency}, the order totals ${order.total.amount} ${order.total.currency}`);
        }
        if (charge && payment?.paymentId !== undefined && payment.paymentId !== charge.charge.paymentId) {
          violate('completed-charged-once', orderId, `payment record says ${payment.paymentId}, the provider ${String(charge.charge.paymentId)}`);
        }
      }
      if (payment?.status !== 'CHARGED') violate('completed-charged-once', orderId, `payment record is ${payment?.status ?? 'missing'}, not CHARGED`);

      if (reservation?.status !== 'RESERVED') violate('completed-stock-reserved-once', orderId, `reservation is ${reservation?.status ?? 'missing'}, not RESERVED`);
      const ordered = mergedLines(order.lines);
      for (const [sku, quantity] of ordered) {
        const line = lines.find((candidate) => candidate.sku === sku);
        if (line?.status !== 'RESERVED' || line.quantity !== quantity) {
          violate('completed-stock-reserved-once', orderId, `line ${sku}: ordered ${quantity}, reservation line is ${line ? `${line.status} ×${line.quantity}` : 'missing'}`);
        }
      }
      for (const line of lines.filter((candidate) => !ordered.has(candidate.sku))) {
        violate('completed-stock-reserved-once', orderId, `reservation line ${line.sku} (${line.status}) is not on the order`);
      }

      if (!shipment) violate('completed-one-shipment', orderId, 'no shipment');
      else {
        if (shipment.status !== 'DELIVERED') violate('completed-one-shipment', orderId, `shipment ${shipment.shipmentId} is ${shipment.status}, not DELIVERED`);
        if (order.shipmentId !== undefined && order.shipmentId !== shipment.shipmentId) {
          violate('completed-one-shipment', orderId, `the order names shipment ${order.shipmentId}, shipping holds ${shipment.shipmentId}`);
        }
      }
    }

    if (status === 'CANCELLED') {
      if (unrefunded.length > 0) violate('cancelled-charge-refunded', orderId, `the provider holds ${unrefunded.length} unrefunded charge(s) (${unrefunded.map((entry) => entry.charge.paymentId ?? entry.idempotencyKey).join(', ')})`);
      if (payment && HOLDING_PAYMENT.has(payment.status)) violate('cancelled-charge-refunded', orderId, `payment record is ${payment.status}`);
      for (const line of lines) {
        if (HOLDING_LINE.has(line.status)) violate('cancelled-stock-released', orderId, `line ${line.sku} ×${line.quantity} is ${line.status}`);
        // A PENDING line whose reserve id is on the stock item: units taken, never recorded, never given back.
        if (line.status === 'PENDING' && pendingOperations.has(`${line.sku}|${orderId}:reserve`)) {
          violate('cancelled-stock-released', orderId, `line ${line.sku} ×${line.quantity} is PENDING with its units taken`);
        }
      }
      if (shipment && OPEN_SHIPMENT.has(shipment.status)) {
        violate('cancelled-shipment-cancelled', orderId, `shipment ${shipment.shipmentId} is still ${shipment.status}`);
      }
    }

    // An order is stored only under the id its key claim names: a second claim would be a second request placing
    // the same order, a claim of another customer an order served to the wrong person.
    const claims = claimsByOrder.get(orderId) ?? [];
    if (claims.length !== 1) violate('order-key-claimed', orderId, `${claims.length} Idempotency-Key claims name this order`);
    for (const claim of claims.filter(({ customerId }) => customerId !== order.customerId)) {
      violate('order-key-claimed', orderId, `the key ${claim.idempotencyKey} of ${claim.customerId} names it, but it is ${order.customerId}'s`);
    }

    // Handled, not lost: each consumer starts a workflow named after the order, so its execution is the proof.
    const handledBy = (execution: string, event: string) => {
      if (!executions.has(execution)) violate('no-event-lost', orderId, `${event} was not handled: no execution ${execution}`);
    };
    handledBy(`order-${orderId}`, 'POST /orders');
    handledBy(`charge-${orderId}`, 'OrderPlaced (payment)');
    handledBy(`reserve-${orderId}`, 'OrderPlaced (inventory)');
    if (order.confirmedAt !== undefined) handledBy(`ship-${orderId}`, 'OrderConfirmed (shipping)');
    if (status === 'CANCELLED') {
      handledBy(`refund-${orderId}`, 'OrderCancelled (payment)');
      handledBy(`release-${orderId}`, 'OrderCancelled (inventory)');
      // Shipping's consumer starts no workflow: its proof is the shipment it cancelled, or the tombstone it left.
      if (!shipment) violate('no-event-lost', orderId, 'OrderCancelled (shipping) was not handled: no shipment, not even a tombstone');
    }
    // The order service records every outcome it hears under the fact's idempotency key: each fact the
    // other services' stores say was reached (and so published) must be there.
    const recorded = (fact: string) => order.processed[`${orderId}:${kebab(fact)}`] !== undefined;
    const mustHaveRecorded = (fact: string) => {
      if (!recorded(fact)) violate('no-event-lost', orderId, `${fact} happened, but the order never recorded it`);
    };
    if (payment?.status === 'DECLINED') mustHaveRecorded('PaymentDeclined');
    if (payment?.status === 'REFUNDED') mustHaveRecorded('PaymentRefunded');
    if (payment?.chargedAt !== undefined) mustHaveRecorded('PaymentSucceeded');
    if (payment?.failedAt !== undefined) mustHaveRecorded('PaymentFailed');
    // Every OrderPlaced ends in exactly one stock outcome once its reservation workflow succeeded
    // (services/inventory/README.md), even when a cancellation pre-empted it.
    if (executions.get(`reserve-${orderId}`) === 'SUCCEEDED' && !recorded('StockReserved') && !recorded('StockReservationFailed')) {
      violate('no-event-lost', orderId, 'the reservation workflow succeeded, but the order recorded no stock outcome');
    }
    if (lines.some((line) => line.status === 'RELEASED' && line.stockReturned === true && line.releasedBy === `release-${orderId}`)) mustHaveRecorded('StockReleased');
    // A booking the carrier refused, or that never happened (it failed, or the order was cancelled first),
    // creates no shipment to announce.
    const neverBooked = shipment?.status === 'CANCELLED' && shipment.trackingNumber === undefined;
    if (shipment && !neverBooked && shipment.failureReason !== 'CARRIER_REJECTED' && shipment.failureReason !== 'CARRIER_UNAVAILABLE') {
      mustHaveRecorded('ShipmentCreated');
    }
    // A confirmed order has a shipment workflow, which ends by announcing the cancellation; a tombstone of an
    // order that was never confirmed has no workflow to announce it.
    if (shipment?.status === 'CANCELLED' && order.confirmedAt !== undefined) mustHaveRecorded('ShipmentCancelled');
    if (shipment?.status === 'DELIVERED') mustHaveRecorded('ShipmentDelivered');
    if (shipment?.status === 'FAILED') mustHaveRecorded('ShipmentFailed');
  }

  for (const shipment of snapshot.shipments.filter((candidate) => candidate.status === 'CANCELLED')) {
    const orderStatus = orders.get(shipment.orderId)?.status;
    if (orderStatus !== 'CANCELLED') {
      violate('cancelled-shipment-cancelled', shipment.orderId, `shipment ${shipment.shipmentId} is CANCELLED, its order is ${orderStatus ?? 'missing'}`);
    }
  }

  for (const [orderId, entries] of chargesByOrder) {
    if (!orders.has(orderId)) violate('charged-at-most-once', orderId, `the provider charged ${entries.length} time(s) for an order that does not exist`);
  }

  // A claim without its order is a placement that crashed after claiming and was never retried to the end: the
  // client was told to retry (a 5xx), so once the run's clients are done, none may be left.
  for (const claim of snapshot.keyClaims) {
    if (!orders.has(claim.orderId)) violate('order-key-claimed', claim.orderId, `the key ${claim.idempotencyKey} of ${claim.customerId} names an order that does not exist`);
  }

  const heldByCompleted = new Map<string, number>();
  for (const line of snapshot.reservationLines) {
    if (line.status === 'RESERVED' && orders.get(line.orderId)?.status === 'COMPLETED') heldByCompleted.set(line.sku, (heldByCompleted.get(line.sku) ?? 0) + line.quantity);
  }
  const stock = new Map(snapshot.stock.map((item) => [item.sku, item]));
  for (const [sku, initial] of Object.entries(expectations.initialStock)) {
    const item = stock.get(sku);
    if (!item) {
      violate('stock-conserved', sku, `seeded with ${initial}, missing from the stock table`);
      continue;
    }
    const held = heldByCompleted.get(sku) ?? 0;
    if (item.available !== initial - held) {
      violate('stock-conserved', sku, `seeded ${initial} − held by completed orders ${held} = ${initial - held}, but ${item.available} available (${item.available - (initial - held)} off)`);
    }
  }
  for (const [sku, lowest] of Object.entries(expectations.lowestStockSeen ?? {})) {
    if (lowest < 0) violate('stock-non-negative', sku, `${lowest} available at one point during the run`);
  }
  for (const item of snapshot.stock) {
    if (item.available < 0) violate('stock-non-negative', item.sku, `${item.available} available`);
    if (item.pendingOperations.length > 0) {
      // Name what the owning line says, so the report shows which step left the tag behind.
      const described = item.pendingOperations.map((operation) => {
        const orderId = operation.slice(0, operation.lastIndexOf(':'));
        const line = (linesByOrder.get(orderId) ?? []).find((candidate) => candidate.sku === item.sku);
        const state = line
          ? `line ${line.status}${line.releasedFrom ? ` from ${line.releasedFrom}` : ''}${line.releasedBy ? ` by ${line.releasedBy}` : ''}${line.stockReturned === undefined ? '' : `, stockReturned ${String(line.stockReturned)}`}`
          : 'no line';
        return `${operation} (order ${orders.get(orderId)?.status ?? 'unknown'}, ${state})`;
      });
      violate('nothing-in-flight', item.sku, `stock operations still pending: ${described.join('; ')}`);
    }
  }

  const poisonFound = new Set<string>();
  const deadLetters: DeadLetterCount[] = [];
  for (const queue of snapshot.queues) {
    if (!queue.deadLetter) {
      const waiting = queue.visible + queue.inFlight + queue.delayed;
      if (waiting > 0) violate('nothing-in-flight', queue.name, `${queue.visible} visible, ${queue.inFlight} in flight, ${queue.delayed} delayed`);
      continue;
    }
    let poison = 0;
    let movedBySqs = 0;
    let withoutReason = 0;
    for (const message of queue.messages) {
      const marker = (expectations.poisonIds ?? []).find((id) => message.body.includes(id));
      if (marker) {
        poison++;
        poisonFound.add(marker);
      }
      if (!message.reason && message.redrivenFrom) movedBySqs++;
      else if (!message.reason) {
        withoutReason++;
        violate('dead-letter-has-reason', queue.name, `message ${message.messageId} carries no failure reason: ${message.body.slice(0, 160)}`);
      }
    }
    const unread = queue.visible + queue.inFlight + queue.delayed - queue.messages.length;
    if (unread > 0) violate('dead-letter-has-reason', queue.name, `${unread} message(s) could not be read to check their reason`);
    if (queue.messages.length > 0 || unread > 0) deadLetters.push({ queue: queue.name, messages: queue.messages.length, poison, movedBySqs, withoutReason });
  }
  for (const id of expectations.poisonIds ?? []) {
    if (!poisonFound.has(id)) violate('no-event-lost', id, 'a malformed message sent by the run sits in no DLQ');
  }

  for (const execution of snapshot.executions.filter((candidate) => candidate.status === 'RUNNING')) {
    violate('nothing-in-flight', `${execution.stateMachine}/${execution.name}`, 'execution still RUNNING');
  }

  const cancelled: Record<string, number> = {};
  for (const order of snapshot.orders.filter((candidate) => candidate.status === 'CANCELLED')) {
    const reason = order.cancellationReason ?? 'UNKNOWN';
    cancelled[reason] = (cancelled[reason] ?? 0) + 1;
  }
  const completed = snapshot.orders.filter((order) => order.status === 'COMPLETED').length;
  return {
    violations,
    orders: { total: snapshot.orders.length, completed, cancelled, other: snapshot.orders.filter((order) => !TERMINAL.has(order.status)).length },
    deadLetters,
    unsuccessfulExecutions: snapshot.executions.filter((execution) => UNSUCCESSFUL.has(execution.status)),
  };
};

// ----- reading the stores -----

export interface StoreClients {
  dynamo: DynamoDBDocumentClient;
  sqs: SQSClient;
  sfn: SFNClient;
}

/** SDK clients for an AWS-compatible endpoint (the local cloud's edge), with throwaway credentials. */
export const storeClients = (endpoint: string, region = 'eu-west-1'): StoreClients => {
  const config = { endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  return { dynamo: DynamoDBDocumentClient.from(new DynamoDBClient(config)), sqs: new SQSClient(config), sfn: new SFNClient(config) };
};

/** The tables of a stage, named as each service's serverless.yml names them. */
export const tablesOf = (stage: string) => ({
  orders: `ordering-order-${stage}-orders`,
  idempotencyKeys: `ordering-order-${stage}-idempotency-keys`,
  payments: `ordering-payment-${stage}-payments`,
  ledger: `ordering-payment-${stage}-provider-ledger`,
  stock: `ordering-inventory-${stage}-stock`,
  reservations: `ordering-inventory-${stage}-reservations`,
  shipments: `ordering-shipping-${stage}-shipments`,
});

const scanAll = async (dynamo: DynamoDBDocumentClient, table: string): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
};

/** DynamoDB string sets arrive as `Set`s; the snapshot is plain JSON. */
const plain = (item: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(item).map(([name, value]) => [name, value instanceof Set ? [...(value as Set<unknown>)] : value]));

const parseItems = <T>(table: string, items: Record<string, unknown>[], schema: z.ZodType<T>, keyOf: (item: Record<string, unknown>) => string, unreadable: StoreSnapshot['unreadable']): T[] =>
  items.flatMap((item) => {
    const parsed = schema.safeParse(plain(item));
    if (parsed.success) return [parsed.data];
    unreadable.push({ table, key: keyOf(item), issue: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ') });
    return [];
  });

const DEAD_LETTER_READ_VISIBILITY_SECONDS = 60;

/** Reads every message of a DLQ without consuming it: received once each, then made visible again. */
const readDeadLetters = async (sqs: SQSClient, queueUrl: string): Promise<DeadLetter[]> => {
  const received: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: DEAD_LETTER_READ_VISIBILITY_SECONDS,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) break;
    received.push(...Messages);
  }
  for (let start = 0; start < received.length; start += 10) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: received.slice(start, start + 10).map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? '', VisibilityTimeout: 0 })),
      }),
    );
  }
  return received.map((message) => {
    const attribute = (name: string) => message.MessageAttributes?.[name]?.StringValue;
    const eventBridgeError = attribute(EVENTBRIDGE_FAILURE_ATTRIBUTES.errorCode);
    const reason =
      attribute(FAILURE_ATTRIBUTES.reason) ?? (eventBridgeError ? `${eventBridgeError}: ${attribute(EVENTBRIDGE_FAILURE_ATTRIBUTES.errorMessage) ?? ''}` : undefined);
    const redrivenFrom = message.Attributes?.DeadLetterQueueSourceArn;
    return { messageId: message.MessageId ?? '', body: message.Body ?? '', ...(reason && { reason }), ...(redrivenFrom && { redrivenFrom }) };
  });
};

/** This project names every DLQ `…-dlq` (subscriptions.js); any queue another queue redrives to counts too. */
export const isDeadLetterQueueName = (name: string): boolean => /dlq$|dead-?letter/i.test(name);

const readQueues = async (sqs: SQSClient): Promise<QueueState[]> => {
  const urls = await listQueueUrls(sqs);
  const described = await Promise.all(
    urls.map(async (url) => ({ url, attributes: (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes ?? {} })),
  );
  // A DLQ is any queue another queue redrives to, or (EventBridge target DLQs have no such link) named one.
  const redriveTargets = new Set(
    described.flatMap(({ attributes }) => (attributes.RedrivePolicy ? [(JSON.parse(attributes.RedrivePolicy) as { deadLetterTargetArn: string }).deadLetterTargetArn] : [])),
  );
  return Promise.all(
    described.map(async ({ url, attributes }) => {
      const name = queueNameOf(url);
      const deadLetter = redriveTargets.has(attributes.QueueArn ?? '') || isDeadLetterQueueName(name);
      return {
        name,
        deadLetter,
        visible: Number(attributes.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
        delayed: Number(attributes.ApproximateNumberOfMessagesDelayed ?? 0),
        messages: deadLetter ? await readDeadLetters(sqs, url) : [],
      };
    }),
  );
};

const readExecutions = async (sfn: SFNClient): Promise<ExecutionRecord[]> => {
  const machines: { name: string; arn: string }[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListStateMachinesCommand({ nextToken }));
    machines.push(...(page.stateMachines ?? []).map((machine) => ({ name: machine.name ?? '', arn: machine.stateMachineArn ?? '' })));
    nextToken = page.nextToken;
  } while (nextToken);
  const executions: ExecutionRecord[] = [];
  for (const machine of machines) {
    let token: string | undefined;
    do {
      const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machine.arn, nextToken: token, maxResults: 1000 }));
      for (const execution of page.executions ?? []) {
        const record: ExecutionRecord = { stateMachine: machine.name, name: execution.name ?? '', status: execution.status ?? '' };
        if (UNSUCCESSFUL.has(record.status) && execution.executionArn) {
          const { error, cause } = await sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn }));
          const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn: execution.executionArn, reverseOrder: true, maxResults: 1000 }));
          const lastState = events.find((event) => event.stateEnteredEventDetails?.name !== undefined)?.stateEnteredEventDetails?.name;
          Object.assign(record, error !== undefined && { error }, cause !== undefined && { cause }, lastState !== undefined && { lastState });
        }
        executions.push(record);
      }
      token = page.nextToken;
    } while (token);
  }
  return executions;
};

/**
 * A snapshot of every store the invariants read. Reading DLQs hides their messages for a moment and then
 * shows them again: nothing is consumed.
 */
export const readStores = async (clients: StoreClients, stage = 'dev'): Promise<StoreSnapshot> => {
  const tables = tablesOf(stage);
  const unreadable: StoreSnapshot['unreadable'] = [];
  const scan = (table: string) => scanAll(clients.dynamo, table);
  const [orders, keyClaims, payments, ledger, reservations, stock, shipments, queues, executions] = await Promise.all([
    scan(tables.orders),
    scan(tables.idempotencyKeys),
    scan(tables.payments),
    scan(tables.ledger),
    scan(tables.reservations),
    scan(tables.stock),
    scan(tables.shipments),
    readQueues(clients.sqs),
    readExecutions(clients.sfn),
  ]);
  const byKey = (...names: string[]) => (item: Record<string, unknown>) => names.map((name) => String(item[name])).join('/');
  return {
    orders: parseItems(tables.orders, orders, orderRecord, byKey('orderId'), unreadable),
    keyClaims: parseItems(tables.idempotencyKeys, keyClaims, keyClaimRecord, byKey('customerId', 'idempotencyKey'), unreadable),
    payments: parseItems(tables.payments, payments, paymentRecord, byKey('orderId'), unreadable),
    ledger: parseItems(tables.ledger, ledger, ledgerEntry, byKey('idempotencyKey'), unreadable),
    reservations: parseItems(tables.reservations, reservations.filter((item) => item.sk === 'RESERVATION'), reservationHeader, byKey('orderId', 'sk'), unreadable),
    reservationLines: parseItems(tables.reservations, reservations.filter((item) => item.sk !== 'RESERVATION'), reservationLine, byKey('orderId', 'sk'), unreadable),
    stock: parseItems(tables.stock, stock, stockItem, byKey('sku'), unreadable),
    shipments: parseItems(tables.shipments, shipments, shipmentRecord, byKey('orderId'), unreadable),
    queues,
    executions,
    unreadable,
  };
};
