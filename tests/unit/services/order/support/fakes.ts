import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { SQSRecord } from 'aws-lambda';
import type { OutgoingEvent } from '#shared/contracts';
import type { DeadLetterPort } from '#shared/middlewares';
import type { Publisher } from '#shared/publisher';
import type { StartResult, WorkflowStart, WorkflowStarter } from '#shared/workflows';
import { compensationOwed } from '../../../../../services/order/src/domain/compensation';
import type { Order } from '../../../../../services/order/src/domain/order';
import type { KeyClaim } from '../../../../../services/order/src/domain/placement';
import type { IdempotencyKeys, OrderRepository } from '../../../../../services/order/src/domain/ports';

export const silentLogger = () => new Logger({ serviceName: 'order', logLevel: 'SILENT' });
export const disabledTracer = () => new Tracer({ serviceName: 'order', enabled: false });

/** The orders table with the repository's semantics (conditional, one item per write), in memory. */
export class InMemoryOrders implements OrderRepository {
  readonly items = new Map<string, Order>();

  create(order: Order) {
    const existing = this.items.get(order.orderId);
    if (!existing) this.items.set(order.orderId, structuredClone(order));
    return Promise.resolve({ created: !existing, order: structuredClone(existing ?? order) });
  }

  get(orderId: string) {
    return Promise.resolve(this.snapshot(orderId));
  }

  record(fact: Parameters<OrderRepository['record']>[0]) {
    const order = this.items.get(fact.orderId);
    if (!order || order.processed[fact.idempotencyKey] !== undefined) {
      return Promise.resolve({ recorded: false, order: this.snapshot(fact.orderId) });
    }
    order.processed[fact.idempotencyKey] = fact.history.recordedAt;
    order.history.push(structuredClone(fact.history));
    (order.outcomes as Record<string, unknown>)[fact.detailType] ??= structuredClone(fact.outcome);
    order.updatedAt = fact.history.recordedAt;
    return Promise.resolve({ recorded: true, order: this.snapshot(fact.orderId) });
  }

  wait(orderId: string, waiting: NonNullable<Order['waiting']>, expectedStatus: Order['status']) {
    const order = this.items.get(orderId);
    if (order?.status !== expectedStatus) return Promise.resolve({ stored: false, order: this.snapshot(orderId) });
    order.waiting = structuredClone(waiting);
    order.updatedAt = waiting.since;
    return Promise.resolve({ stored: true, order: this.snapshot(orderId) });
  }

  advance(step: Parameters<OrderRepository['advance']>[0]) {
    const order = this.items.get(step.orderId);
    if (!order || !step.from.includes(order.status) || order.processed[step.idempotencyKey] !== undefined) {
      return Promise.resolve({ applied: false, order: this.snapshot(step.orderId) });
    }
    Object.assign(order, structuredClone(step.set), { status: step.to, updatedAt: step.at });
    order.processed[step.idempotencyKey] = step.at;
    order.history.push(structuredClone(step.history));
    delete order.waiting;
    return Promise.resolve({ applied: true, order: this.snapshot(step.orderId) });
  }

  /** The adapter's conditions: mark only while something is owed, unmark only once nothing is. */
  markCompensation(orderId: string, marking: 'mark' | 'unmark' | 'none', dueBy: string) {
    const order = this.items.get(orderId);
    const owes = order ? compensationOwed(order).length > 0 : false;
    if (order && marking === 'mark' && owes) order.compensationDueBy ??= dueBy;
    if (order && marking === 'unmark' && !owes) delete order.compensationDueBy;
    return Promise.resolve();
  }

  /** Puts an order as a test needs it, bypassing the rules. */
  seed(order: Order): Order {
    this.items.set(order.orderId, structuredClone(order));
    return order;
  }

  private snapshot(orderId: string): Order | undefined {
    const order = this.items.get(orderId);
    return order && structuredClone(order);
  }
}

/** Records what would have gone to EventBridge; `failNext` makes the next publish throw. */
export class RecordingPublisher implements Publisher {
  readonly published: OutgoingEvent[] = [];
  failNext: Error | undefined;

  publish(events: readonly OutgoingEvent[]): Promise<void> {
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) return Promise.reject(failure);
    this.published.push(...structuredClone(events));
    return Promise.resolve();
  }

  ofType(detailType: string): OutgoingEvent[] {
    return this.published.filter((event) => event.detailType === detailType);
  }
}

/** Starts nothing; absorbs a second start of the same name as Step Functions does. */
export class RecordingWorkflows implements WorkflowStarter {
  readonly starts: WorkflowStart[] = [];
  failNext: Error | undefined;

  start(request: WorkflowStart): Promise<StartResult> {
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) return Promise.reject(failure);
    const repeat = this.starts.some((start) => start.name === request.name);
    this.starts.push(structuredClone(request));
    return Promise.resolve(repeat ? 'already-started' : 'started');
  }
}

export class RecordingDeadLetters implements DeadLetterPort {
  readonly sent: { messageId: string; body: string; error: Error }[] = [];

  send(record: SQSRecord, error: Error): Promise<void> {
    this.sent.push({ messageId: record.messageId, body: record.body, error });
    return Promise.resolve();
  }
}

/** The idempotency-keys table with the adapter's semantics (one conditional put per claim), in memory. */
export class InMemoryKeys implements IdempotencyKeys {
  readonly items = new Map<string, KeyClaim>();

  claim(claim: KeyClaim) {
    const id = JSON.stringify([claim.customerId, claim.idempotencyKey]);
    const existing = this.items.get(id);
    if (!existing) this.items.set(id, structuredClone(claim));
    return Promise.resolve({ claimed: !existing, stored: structuredClone(existing ?? claim) });
  }

  /** The claim a customer's key holds, if any. */
  of(customerId: string, idempotencyKey: string): KeyClaim | undefined {
    return this.items.get(JSON.stringify([customerId, idempotencyKey]));
  }
}
