import { randomBytes } from 'node:crypto';
import { PermanentError } from '#shared/errors';
import { callerOf } from '#shared/identity';
import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { workflowStarterFromEnv, type WorkflowStarter } from '#shared/workflows';
import { idempotencyKeysFromEnv } from '../adapters/idempotencyKeys';
import { orderRepositoryFromEnv } from '../adapters/orderRepository';
import type { WorkflowTimeouts } from '../domain/order';
import { ORDER_ID_BYTES, orderIdFrom } from '../domain/orderId';
import { isSameRequest, orderClaimedBy, orderLocation, orderWorkflowStart, placementOf } from '../domain/placement';
import type { IdempotencyKeys, OrderRepository } from '../domain/ports';
import { apiHandler, json, jsonBody, problem, unauthorized } from '../http/apiHandler';

export interface PlaceOrderDependencies {
  orders: OrderRepository;
  keys: IdempotencyKeys;
  workflows: WorkflowStarter;
  timeouts: WorkflowTimeouts;
  logger: Logger;
  tracer: Tracer;
  now?: () => Date;
  /** A fresh order id for each attempt; random in production ({@link randomOrderId}), fixed in tests. */
  newOrderId?: () => string;
}

/** A random order id (128 bits from the system's CSPRNG). */
export const randomOrderId = (): string => orderIdFrom(randomBytes(ORDER_ID_BYTES));

const PROBLEM_STATUS = { invalid: 400, forbidden: 403, unfulfillable: 422 } as const;

/**
 * `POST /orders` from a signed-in customer (the JWT authorizer's `sub`), storage first. Two conditional puts,
 * each of which also recognises a retry: the customer's Idempotency-Key is claimed for a fresh random order id
 * (or found claimed, naming the order of the first request under it), then the order is stored under the id
 * the claim names (or found stored). Its workflow is started on every accepted request, a retry included: the
 * start is absorbed when it already ran. A crash after the claim or after the order heals on the client's
 * retry, which finds the claim and finishes the work.
 */
export const makeHandler = ({ orders, keys, workflows, timeouts, logger, tracer, now = () => new Date(), newOrderId = randomOrderId }: PlaceOrderDependencies) =>
  apiHandler({ logger, tracer }, async (event) => {
    const caller = callerOf(event);
    if (!caller) return unauthorized();
    const placement = placementOf({
      customerId: caller.subject,
      idempotencyKey: event.headers['idempotency-key'],
      body: jsonBody(event),
      timeouts,
      now: now(),
      orderId: newOrderId(),
    });
    if (placement.kind !== 'order') return problem(PROBLEM_STATUS[placement.kind], placement.issues);

    const { claimed, stored } = await keys.claim(placement.claim);
    if (!isSameRequest(stored, placement.claim)) {
      return problem(422, ['Idempotency-Key: already used for a different order request; use a new key for a new order']);
    }
    const { created, order } = await orders.create(orderClaimedBy(placement.order, stored));
    const workflow = await workflows.start(orderWorkflowStart(order));
    logger.info('order accepted', { correlationId: order.orderId, claimed, created, workflow });

    const url = orderLocation(order.orderId);
    return json(202, { orderId: order.orderId, status: order.status, url }, { location: url });
  });

/** Production waits (15 minutes for payment and stock, a week for shipping) unless the stage sets others. */
export const DEFAULT_TIMEOUTS: WorkflowTimeouts = { outcomesSeconds: 900, shipmentSeconds: 604_800 };

/** Reads `OUTCOMES_TIMEOUT_SECONDS` and `SHIPMENT_TIMEOUT_SECONDS`; a malformed value fails the cold start. */
export const timeoutsFromEnv = (env: NodeJS.ProcessEnv = process.env): WorkflowTimeouts => ({
  outcomesSeconds: seconds(env, 'OUTCOMES_TIMEOUT_SECONDS', DEFAULT_TIMEOUTS.outcomesSeconds),
  shipmentSeconds: seconds(env, 'SHIPMENT_TIMEOUT_SECONDS', DEFAULT_TIMEOUTS.shipmentSeconds),
});

const seconds = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  // Step Functions wants a whole number of seconds, at least 1, for TimeoutSecondsPath.
  if (!Number.isInteger(value) || value < 1) throw new PermanentError(`${name} must be a whole number of seconds ≥ 1, got "${raw}"`);
  return value;
};

const logger = createLogger('order');
const tracer = createTracer('order');
export const handler = makeHandler({
  orders: orderRepositoryFromEnv(tracer),
  keys: idempotencyKeysFromEnv(tracer),
  workflows: workflowStarterFromEnv(tracer),
  timeouts: timeoutsFromEnv(),
  logger,
  tracer,
});
