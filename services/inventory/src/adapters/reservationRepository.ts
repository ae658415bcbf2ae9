import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { PermanentError } from '#shared/errors';
import type { Tracer } from '#shared/logging';
import { requireEnv } from '#shared/runtime';
import {
  requiredState,
  SETTLES_FROM,
  type LineMove,
  type Reservation,
  type ReservationLine,
  type ReservationRepository,
} from '../domain/reservation';
import { documentClientFromEnv, writeIf } from './documentClient';

/**
 * One item collection per order: the reservation itself under `sk = RESERVATION`, a line per SKU under
 * `sk = LINE#<sku>`, so the release workflow finds an order's lines with one Query and no index.
 */
const HEADER = 'RESERVATION';
const LINE_PREFIX = 'LINE#';
const lineKey = (orderId: string, sku: string) => ({ orderId, sk: `${LINE_PREFIX}${sku}` });
const headerKey = (orderId: string) => ({ orderId, sk: HEADER });

const stockLine = z.object({ sku: z.string(), quantity: z.number() });
const reservationRecord = z.object({
  orderId: z.string(),
  status: z.enum(['RESERVING', 'RESERVED', 'FAILED', 'CANCELLED']),
  lines: z.array(stockLine).optional(),
  causationId: z.string().optional(),
  cancelledBy: z.string().optional(),
  failure: z.object({ sku: z.string(), reason: z.enum(['OUT_OF_STOCK', 'UNKNOWN_SKU', 'ERROR']) }).optional(),
  startedAt: z.string().optional(),
  reservedAt: z.string().optional(),
  failedAt: z.string().optional(),
  cancelledAt: z.string().optional(),
});
const lineRecord = z.object({
  orderId: z.string(),
  sku: z.string(),
  quantity: z.number(),
  status: z.enum(['PENDING', 'RESERVED', 'FAILED', 'RELEASING', 'RELEASED']),
  reason: z.enum(['OUT_OF_STOCK', 'UNKNOWN_SKU']).optional(),
  releasedBy: z.string().optional(),
  releasedFrom: z.enum(['PENDING', 'RESERVED']).optional(),
  releasedAt: z.string().optional(),
  stockReturned: z.boolean().optional(),
});

/** Stored items are parsed, not trusted: a malformed one is a bug no retry fixes. */
const parse = <T>(schema: z.ZodType<T>, item: Record<string, unknown>, what: string): T => {
  const parsed = schema.safeParse(item);
  if (!parsed.success) throw new PermanentError(`${what} is malformed: ${parsed.error.message}`);
  return parsed.data;
};

/** `SET #a = :a, #b = :b` with names and values for every defined field. */
const setAll = (fields: Record<string, unknown>) => {
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
  return {
    expression: entries.map(([name]) => `#${name} = :${name}`).join(', '),
    names: Object.fromEntries(entries.map(([name]) => [`#${name}`, name])),
    values: Object.fromEntries(entries.map(([name, value]) => [`:${name}`, value])),
  };
};

/** What a move records beside the status. */
const lineFields = (move: LineMove): Partial<ReservationLine> => {
  switch (move.to) {
    case 'RESERVED':
      return {};
    case 'FAILED':
      return { reason: move.reason };
    case 'RELEASING':
      return { releasedBy: move.releasedBy, releasedFrom: move.from };
    case 'RELEASED':
      return { releasedAt: move.releasedAt, stockReturned: move.stockReturned };
  }
};

/**
 * The reservations table (`orderId`, `sk`). Every transition is one conditional write whose condition is the
 * domain's own rule ({@link SETTLES_FROM}, {@link requiredState}); a write that loses reads the item back.
 *
 * @example
 * ```ts
 * const reservations = createReservationRepository({ client, tableName });
 * await reservations.moveLine(orderId, 'ceramic-cup', { to: 'RESERVED' });
 * ```
 */
export const createReservationRepository = ({
  client,
  tableName,
}: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): ReservationRepository => {
  const readHeader = async (orderId: string): Promise<Reservation | undefined> => {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: headerKey(orderId), ConsistentRead: true }));
    return Item && parse(reservationRecord, Item, `reservation of ${orderId}`);
  };
  const requireHeader = async (orderId: string): Promise<Reservation> => {
    const reservation = await readHeader(orderId);
    if (!reservation) throw new PermanentError(`order ${orderId} has no reservation`);
    return reservation;
  };
  const readLine = async (orderId: string, sku: string): Promise<ReservationLine | undefined> => {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: lineKey(orderId, sku), ConsistentRead: true }));
    return Item && parse(lineRecord, Item, `line ${sku} of ${orderId}`);
  };

  return {
    async begin({ orderId, lines, causationId, startedAt }) {
      const reservation: Reservation = { orderId, status: 'RESERVING', lines, causationId, startedAt };
      const created = await writeIf(() =>
        client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...headerKey(orderId), ...reservation },
            ConditionExpression: 'attribute_not_exists(orderId)',
          }),
        ),
      );
      return created ? reservation : requireHeader(orderId);
    },

    async settle(orderId, settlement) {
      const fromStatuses = SETTLES_FROM[settlement.status];
      const { status, at } = settlement;
      // The first settlement's time and failure are kept, so a retry reports the same decision.
      const timeField = status === 'RESERVED' ? 'reservedAt' : 'failedAt';
      const failure = settlement.status === 'FAILED' ? settlement.failure : undefined;
      let settled: Record<string, unknown> | undefined;
      const applied = await writeIf(async () => {
        settled = (
          await client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: headerKey(orderId),
            UpdateExpression: `SET #status = :status, #${timeField} = if_not_exists(#${timeField}, :at)${
              failure ? ', #failure = if_not_exists(#failure, :failure)' : ''
            }`,
            ConditionExpression: `#status IN (${fromStatuses.map((_, i) => `:from${i}`).join(', ')})`,
            ExpressionAttributeNames: { '#status': 'status', [`#${timeField}`]: timeField, ...(failure ? { '#failure': 'failure' } : {}) },
            ExpressionAttributeValues: {
              ':status': status,
              ':at': at,
              ...(failure ? { ':failure': failure } : {}),
              ...Object.fromEntries(fromStatuses.map((from, i) => [`:from${i}`, from])),
            },
            ReturnValues: 'ALL_NEW',
          }),
          )
        ).Attributes;
      });
      return applied && settled ? parse(reservationRecord, settled, `reservation of ${orderId}`) : requireHeader(orderId);
    },

    async cancel(orderId, { causationId, cancelledAt }) {
      // No condition: CANCELLED may overwrite any status, and writing it where nothing exists is the tombstone.
      const { Attributes } = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: headerKey(orderId),
          UpdateExpression:
            'SET #status = :cancelled, #cancelledAt = if_not_exists(#cancelledAt, :at), #cancelledBy = if_not_exists(#cancelledBy, :by)',
          ExpressionAttributeNames: { '#status': 'status', '#cancelledAt': 'cancelledAt', '#cancelledBy': 'cancelledBy' },
          ExpressionAttributeValues: { ':cancelled': 'CANCELLED', ':at': cancelledAt, ':by': causationId },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return parse(reservationRecord, Attributes ?? {}, `reservation of ${orderId}`);
    },

    async createLine({ orderId, sku, quantity }) {
      const line: ReservationLine = { orderId, sku, quantity, status: 'PENDING' };
      const created = await writeIf(() =>
        client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...lineKey(orderId, sku), ...line },
            ConditionExpression: 'attribute_not_exists(orderId)',
          }),
        ),
      );
      if (created) return line;
      const existing = await readLine(orderId, sku);
      if (!existing) throw new PermanentError(`line ${sku} of ${orderId} exists and does not`);
      return existing;
    },

    getLine: readLine,

    async linesOf(orderId) {
      const lines: ReservationLine[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'orderId = :orderId AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':orderId': orderId, ':prefix': LINE_PREFIX },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        lines.push(...(page.Items ?? []).map((item) => parse(lineRecord, item, `a line of ${orderId}`)));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return lines;
    },

    moveLine(orderId, sku, move) {
      const required = requiredState(move);
      const set = setAll({ status: move.to, ...lineFields(move) });
      return writeIf(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: lineKey(orderId, sku),
            UpdateExpression: `SET ${set.expression}`,
            ConditionExpression: `#status = :required${required.releasedBy ? ' AND #releasedBy = :requiredBy' : ''}`,
            ExpressionAttributeNames: { ...set.names, '#status': 'status', ...(required.releasedBy ? { '#releasedBy': 'releasedBy' } : {}) },
            ExpressionAttributeValues: {
              ...set.values,
              ':required': required.status,
              ...(required.releasedBy ? { ':requiredBy': required.releasedBy } : {}),
            },
          }),
        ),
      );
    },
  };
};

/** The production repository: the table named in `RESERVATIONS_TABLE_NAME`. */
export const reservationRepositoryFromEnv = (tracer?: Tracer): ReservationRepository =>
  createReservationRepository({ client: documentClientFromEnv(tracer), tableName: requireEnv('RESERVATIONS_TABLE_NAME') });
