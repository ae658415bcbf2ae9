import '../../../unit/services/inventory/support/environment';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { createReservationRepository } from '../../../../services/inventory/src/adapters/reservationRepository';
import { createStockRepository } from '../../../../services/inventory/src/adapters/stockRepository';
import type { ReservationRepository, StockLine } from '../../../../services/inventory/src/domain/reservation';
import type { StockRepository } from '../../../../services/inventory/src/domain/stock';
import { STOCK_SEED } from '../../../../services/inventory/src/domain/stockSeed';
import { makeHandler as beginReservation } from '../../../../services/inventory/src/handlers/beginReservation';
import { makeHandler as cancelReservation } from '../../../../services/inventory/src/handlers/cancelReservation';
import { makeHandler as finishReservation } from '../../../../services/inventory/src/handlers/finishReservation';
import { makeHandler as publishStockEvent } from '../../../../services/inventory/src/handlers/publishStockEvent';
import { makeHandler as releaseLine } from '../../../../services/inventory/src/handlers/releaseLine';
import { makeHandler as reserveLine } from '../../../../services/inventory/src/handlers/reserveLine';
import { startDynamo, type LocalDynamo } from '../../../support/dynalite';
import { runWorkflow, type TaskHandler, type WorkflowRun } from '../../../support/workflows';
import { lambdaContext } from '../../../unit/services/inventory/support/lambdaContext';
import { disabledTracer, silentLogger } from '../../../unit/services/inventory/support/observability';
import { RecordingPublisher } from '../../../unit/services/inventory/support/recordingPublisher';

export type TaskKey = 'beginReservation' | 'reserveLine' | 'finishReservation' | 'releaseLine' | 'cancelReservation' | 'publishStockEvent';
export type Handlers = Record<TaskKey, TaskHandler>;

export interface Inventory {
  stock: StockRepository;
  reservations: ReservationRepository;
  publisher: RecordingPublisher;
  /** The real handlers, on the real adapters against dynalite, keyed by function key. */
  handlers: Handlers;
  reserve(orderId: string, lines: StockLine[], handlers?: Partial<Handlers>): WorkflowRun;
  release(orderId: string, handlers?: Partial<Handlers>): WorkflowRun;
  available(sku: string): Promise<number | undefined>;
  /** The order's reservation as stored (status, times), read without touching it. */
  reservation(orderId: string): Promise<Record<string, unknown> | undefined>;
  /** The operation ids a stock item still carries: none once every reservation and release has finished. */
  inFlight(sku: string): Promise<string[]>;
  /** Resets stock to the seed and forgets published events: each test starts from the catalogue. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Starting counts of the seed catalogue, by SKU. */
export const SEEDED = Object.fromEntries(STOCK_SEED.map(({ sku, available }) => [sku, available])) as Record<string, number>;

/**
 * The inventory stack as its workflows see it: the packaged state machines, the real task handlers on the
 * real DynamoDB adapters (dynalite, tables from the packaged template), and a publisher that records.
 */
export const startInventory = async (): Promise<Inventory> => {
  const dynamo: LocalDynamo = await startDynamo(['inventory']);
  const client = DynamoDBDocumentClient.from(dynamo.client, { marshallOptions: { removeUndefinedValues: true } });
  const stock = createStockRepository({ client, tableName: 'ordering-inventory-dev-stock' });
  const reservations = createReservationRepository({ client, tableName: 'ordering-inventory-dev-reservations' });
  const publisher = new RecordingPublisher();
  const observability = { logger: silentLogger(), tracer: disabledTracer() };

  const bind =
    (key: TaskKey, handler: (event: never, context: ReturnType<typeof lambdaContext>) => Promise<unknown>): TaskHandler =>
    (payload: never) =>
      handler(payload, lambdaContext(key));
  const handlers: Handlers = {
    beginReservation: bind('beginReservation', beginReservation({ reservations, ...observability })),
    reserveLine: bind('reserveLine', reserveLine({ reservations, stock, ...observability })),
    finishReservation: bind('finishReservation', finishReservation({ reservations, ...observability })),
    releaseLine: bind('releaseLine', releaseLine({ reservations, stock, ...observability })),
    cancelReservation: bind('cancelReservation', cancelReservation({ reservations, ...observability })),
    publishStockEvent: bind('publishStockEvent', publishStockEvent({ publisher, ...observability })),
  };

  return {
    stock,
    reservations,
    publisher,
    handlers,
    reserve: (orderId, lines, overrides = {}) =>
      runWorkflow({
        stack: 'inventory',
        workflow: 'reserve',
        input: { orderId, lines, causationId: `${orderId}:placed` },
        handlers: { ...handlers, ...overrides },
        executionName: `reserve-${orderId}`,
      }),
    release: (orderId, overrides = {}) =>
      runWorkflow({
        stack: 'inventory',
        workflow: 'release',
        input: { orderId, causationId: `${orderId}:cancelled` },
        handlers: { ...handlers, ...overrides },
        executionName: `release-${orderId}`,
      }),
    available: async (sku) => (await stock.get(sku))?.available,
    reservation: async (orderId) =>
      (await client.send(new GetCommand({ TableName: 'ordering-inventory-dev-reservations', Key: { orderId, sk: 'RESERVATION' } }))).Item,
    inFlight: async (sku) => {
      const { Item } = await client.send(new GetCommand({ TableName: 'ordering-inventory-dev-stock', Key: { sku } }));
      return [...((Item?.pendingOperations as Set<string> | undefined) ?? [])];
    },
    reset: async () => {
      await stock.seed(STOCK_SEED, 'overwrite');
      publisher.events.length = 0;
    },
    stop: () => dynamo.stop(),
  };
};

/** The starting count of a seed SKU. */
export const seeded = (sku: string): number => {
  const available = SEEDED[sku];
  if (available === undefined) throw new Error(`${sku} is not in the seed`);
  return available;
};

let sequence = 0;
/** A fresh, valid order id per test. */
export const newOrderId = (): string => `ord_${Date.now().toString(36)}${String(++sequence).padStart(6, '0')}`;
