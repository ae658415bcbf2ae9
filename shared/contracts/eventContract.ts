import { z } from 'zod';
import { InvalidEventError } from '#shared/errors';
import { eventBridgeEventSchema, metadataSchema, type EventMetadata } from './envelope';
import { SOURCES, type Domain } from './sources';

/**
 * One object per event type: the single source of its schema, its publisher-side builder and its
 * consumer-side parser, so producer, consumer and catalog cannot drift.
 */
export interface EventContract<TType extends string = string, TData = unknown> {
  readonly detailType: TType;
  readonly producer: Domain;
  readonly source: (typeof SOURCES)[Domain];
  readonly version: number;
  readonly description: string;
  readonly data: z.ZodType<TData>;
  readonly detail: z.ZodType<EventDetail<TData>>;
}

export interface EventDetail<TData> {
  metadata: EventMetadata;
  data: TData;
}

/** An event as a consumer sees it after validation. */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  /** EventBridge's delivery id: useful in logs, never an idempotency key. */
  id: string | undefined;
  source: string;
  detailType: TType;
  metadata: EventMetadata;
  data: TData;
}

/** An event ready for PutEvents, already validated against its contract. */
export interface OutgoingEvent<TType extends string = string> {
  source: string;
  detailType: TType;
  detail: EventDetail<unknown>;
}

export type DataOf<C> = C extends EventContract<string, infer D> ? D : never;
export type EventOf<C> = C extends EventContract<infer T, infer D> ? DomainEvent<T, D> : never;

/**
 * @example
 * ```ts
 * export const orderCancelled = defineEventContract({
 *   detailType: 'OrderCancelled', producer: 'order', version: 1,
 *   description: 'The order will not be fulfilled.',
 *   data: z.object({ orderId: orderIdSchema, reason: z.string() }),
 * });
 * ```
 */
export const defineEventContract = <TType extends string, TData>(spec: {
  detailType: TType;
  producer: Domain;
  version: number;
  description: string;
  data: z.ZodType<TData>;
}): EventContract<TType, TData> => ({
  ...spec,
  source: SOURCES[spec.producer],
  detail: z
    .object({
      metadata: metadataSchema.extend({ 'schema-version': z.literal(spec.version) }),
      data: spec.data,
    })
    .strict(),
});

export interface EventCause {
  /** Stable across retries of the same fact, e.g. `${orderId}:payment-succeeded`. */
  idempotencyKey: string;
  /** The order id: every event of one order's saga carries it. */
  correlationId: string;
  /** The idempotency key of the event (or the request) that caused this one. */
  causationId: string;
  occurredAt: Date;
}

/**
 * Builds and validates an event; a producer that breaks its own contract fails here, before publishing.
 *
 * @example
 * ```ts
 * const event = buildEvent(orderCancelled, { orderId, reason: 'PAYMENT_DECLINED' }, {
 *   idempotencyKey: `${orderId}:cancelled`, correlationId: orderId, causationId: cause, occurredAt: now,
 * });
 * ```
 */
export const buildEvent = <TType extends string, TData>(
  contract: EventContract<TType, TData>,
  data: TData,
  cause: EventCause,
): OutgoingEvent<TType> => {
  const detail = {
    metadata: {
      'idempotency-key': cause.idempotencyKey,
      'correlation-id': cause.correlationId,
      'causation-id': cause.causationId,
      // An Invalid Date would make toISOString throw a RangeError (an unknown, hence transient, error);
      // passed on as text it fails the schema below as the contract breach it is.
      'occurred-at': Number.isNaN(cause.occurredAt.getTime()) ? String(cause.occurredAt) : cause.occurredAt.toISOString(),
      'schema-version': contract.version,
    },
    data,
  };
  const parsed = contract.detail.safeParse(detail);
  if (!parsed.success) {
    throw invalid(contract.detailType, 'refused to publish', parsed.error);
  }
  return { source: contract.source, detailType: contract.detailType, detail: parsed.data };
};

/**
 * Validates a raw EventBridge event against the contracts a consumer accepts. Throws
 * {@link InvalidEventError} naming the event and every offending field; never returns a partly valid event.
 *
 * @example
 * ```ts
 * const event = parseEvent([orderPlaced, orderCancelled], JSON.parse(record.body));
 * if (event.detailType === 'OrderPlaced') charge(event.data.total);
 * ```
 */
export const parseEvent = <const C extends readonly EventContract[]>(
  contracts: C,
  raw: unknown,
): EventOf<C[number]> => {
  const envelope = eventBridgeEventSchema.safeParse(raw);
  if (!envelope.success) {
    throw invalid('event', 'is not an EventBridge event with detail.metadata and detail.data', envelope.error);
  }
  const { source, 'detail-type': detailType, id } = envelope.data;
  // The envelope schema strips keys it does not know; the contract must see the detail as sent, or its
  // strictness would silently drop unknown top-level detail fields instead of rejecting them.
  const { detail } = raw as { detail: unknown };
  const contract = contracts.find((c) => c.detailType === detailType && c.source === source);
  if (!contract) {
    throw new InvalidEventError(
      `${detailType} from ${source} is not an event this consumer accepts (accepts: ${contracts
        .map((c) => c.detailType)
        .join(', ')})`,
    );
  }
  const parsed = contract.detail.safeParse(detail);
  if (!parsed.success) {
    throw invalid(`${detailType} v${contract.version}`, 'does not match its schema', parsed.error, 'detail');
  }
  return {
    id,
    source,
    detailType,
    metadata: parsed.data.metadata,
    data: parsed.data.data,
  } as EventOf<C[number]>;
};

const invalid = (subject: string, problem: string, error: z.ZodError, root?: string): InvalidEventError => {
  const issues = error.issues.map((issue) => {
    const path = [root, ...issue.path.map(String)].filter(Boolean).join('.');
    return `${path || '(root)'}: ${issue.message}`;
  });
  return new InvalidEventError(`${subject} ${problem}: ${issues.join('; ')}`, issues, { cause: error });
};
