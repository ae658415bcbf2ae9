import { PermanentError } from '#shared/errors';
import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { workflowStarterFromEnv, type WorkflowStarter } from '#shared/workflows';
import { orderRepositoryFromEnv } from '../adapters/orderRepository';
import type { WorkflowTimeouts } from '../domain/order';
import { isSameRequest, orderLocation, orderWorkflowStart, placementOf } from '../domain/placement';
import type { OrderRepository } from '../domain/ports';
import { apiHandler, json, jsonBody, problem } from '../http/apiHandler';

export interface PlaceOrderDependencies {
  orders: OrderRepository;
  workflows: WorkflowStarter;
  timeouts: WorkflowTimeouts;
  logger: Logger;
  tracer: Tracer;
  now?: () => Date;
}

/**
 * `POST /orders`, storage first: the order is stored before anything else happens, with one conditional put
 * that also recognises a retry (same Idempotency-Key, same body: the same order again). Its workflow is
 * started on every accepted request, a retry included: the start is absorbed when it already ran, and it
 * heals a crash between the put and the start.
 */
export const makeHandler = ({ orders, workflows, timeouts, logger, tracer, now = () => new Date() }: PlaceOrderDependencies) =>
  apiHandler({ logger, tracer }, async (event) => {
    const placement = placementOf({
      idempotencyKey: event.headers['idempotency-key'],
      body: jsonBody(event),
      timeouts,
      now: now(),
    });
    if (placement.kind !== 'order') return problem(placement.kind === 'invalid' ? 400 : 422, placement.issues);

    const { created, order } = await orders.create(placement.order);
    if (!isSameRequest(order, placement.order)) {
      return problem(422, ['Idempotency-Key: already used for a different order request; use a new key for a new order']);
    }
    const workflow = await workflows.start(orderWorkflowStart(order));
    logger.info('order accepted', { correlationId: order.orderId, created, workflow });

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
  workflows: workflowStarterFromEnv(tracer),
  timeouts: timeoutsFromEnv(),
  logger,
  tracer,
});
