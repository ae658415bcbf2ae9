import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { PermanentError } from '#shared/errors';
import { createReservationRepository } from '../../../../../services/inventory/src/adapters/reservationRepository';
import { startDynamo, type LocalDynamo } from '../../../../support/dynalite';

const TABLE = 'ordering-inventory-dev-reservations';
const T0 = '2026-11-25T09:31:00.000Z';
const T1 = '2026-11-25T09:32:00.000Z';
const T2 = '2026-11-25T09:33:00.000Z';
const lines = [{ sku: 'ceramic-cup', quantity: 1 }];

let dynamo: LocalDynamo;
let client: DynamoDBDocumentClient;
let sequence = 0;

beforeAll(async () => {
  dynamo = await startDynamo(['inventory']);
  client = DynamoDBDocumentClient.from(dynamo.client);
});
afterAll(() => dynamo.stop());

/** A fresh order id per test: the table is shared by the whole file. */
const newOrder = () => `ord_${String(++sequence).padStart(16, '0')}`;
const repository = () => createReservationRepository({ client, tableName: TABLE });
const stored = async (orderId: string, sk: string) => (await client.send(new GetCommand({ TableName: TABLE, Key: { orderId, sk } }))).Item;

describe('createReservationRepository: the reservation', () => {
  it('records a new reservation as RESERVING under sk RESERVATION', async () => {
    const orderId = newOrder();

    const reservation = await repository().begin({ orderId, lines, causationId: `${orderId}:placed`, startedAt: T0 });

    expect(reservation).toEqual({ orderId, status: 'RESERVING', lines, causationId: `${orderId}:placed`, startedAt: T0 });
    expect(await stored(orderId, 'RESERVATION')).toEqual({ sk: 'RESERVATION', ...reservation });
  });

  it('returns the existing reservation unchanged when it is begun again', async () => {
    const orderId = newOrder();
    await repository().begin({ orderId, lines, causationId: `${orderId}:placed`, startedAt: T0 });

    const again = await repository().begin({ orderId, lines, causationId: `${orderId}:placed`, startedAt: T1 });

    expect(again.startedAt).toBe(T0);
  });

  it('returns the tombstone when a cancellation arrived before the reservation began', async () => {
    const orderId = newOrder();
    await repository().cancel(orderId, { causationId: `${orderId}:cancelled`, cancelledAt: T0 });

    const reservation = await repository().begin({ orderId, lines, causationId: `${orderId}:placed`, startedAt: T1 });

    expect(reservation).toEqual({ orderId, status: 'CANCELLED', cancelledAt: T0, cancelledBy: `${orderId}:cancelled` });
  });

  it('settles RESERVED once and keeps the first time when the settlement is retried', async () => {
    const orderId = newOrder();
    const reservations = repository();
    await reservations.begin({ orderId, lines, causationId: 'c', startedAt: T0 });

    await reservations.settle(orderId, { status: 'RESERVED', at: T1 });
    const again = await reservations.settle(orderId, { status: 'RESERVED', at: T2 });

    expect(again).toMatchObject({ status: 'RESERVED', reservedAt: T1 });
  });

  it('settles FAILED keeping the first failure when a later settlement names another', async () => {
    const orderId = newOrder();
    const reservations = repository();
    await reservations.begin({ orderId, lines, causationId: 'c', startedAt: T0 });

    await reservations.settle(orderId, { status: 'FAILED', failure: { sku: 'ceramic-cup', reason: 'OUT_OF_STOCK' }, at: T1 });
    const again = await reservations.settle(orderId, { status: 'FAILED', failure: { sku: 'grinder', reason: 'ERROR' }, at: T2 });

    expect(again).toMatchObject({ status: 'FAILED', failure: { sku: 'ceramic-cup', reason: 'OUT_OF_STOCK' }, failedAt: T1 });
  });

  it('leaves a CANCELLED reservation cancelled and returns it when a settlement comes after the cancellation', async () => {
    const orderId = newOrder();
    const reservations = repository();
    await reservations.begin({ orderId, lines, causationId: 'c', startedAt: T0 });
    await reservations.cancel(orderId, { causationId: `${orderId}:cancelled`, cancelledAt: T1 });

    const settled = await reservations.settle(orderId, { status: 'RESERVED', at: T2 });

    expect(settled).toMatchObject({ status: 'CANCELLED', cancelledAt: T1 });
    expect(settled.reservedAt).toBeUndefined();
  });

  it('never moves RESERVED to FAILED', async () => {
    const orderId = newOrder();
    const reservations = repository();
    await reservations.begin({ orderId, lines, causationId: 'c', startedAt: T0 });
    await reservations.settle(orderId, { status: 'RESERVED', at: T1 });

    const settled = await reservations.settle(orderId, { status: 'FAILED', failure: { sku: 'ceramic-cup', reason: 'OUT_OF_STOCK' }, at: T2 });

    expect(settled.status).toBe('RESERVED');
  });

  it('throws a PermanentError when settling an order that has no reservation', async () => {
    await expect(repository().settle(newOrder(), { status: 'RESERVED', at: T1 })).rejects.toThrow(PermanentError);
  });

  it('cancels whatever the status and keeps the first cancellation when cancelled again', async () => {
    const orderId = newOrder();
    const reservations = repository();
    await reservations.begin({ orderId, lines, causationId: 'c', startedAt: T0 });
    await reservations.settle(orderId, { status: 'RESERVED', at: T1 });

    await reservations.cancel(orderId, { causationId: `${orderId}:cancelled`, cancelledAt: T1 });
    const again = await reservations.cancel(orderId, { causationId: 'other', cancelledAt: T2 });

    expect(again).toMatchObject({ status: 'CANCELLED', reservedAt: T1, cancelledAt: T1, cancelledBy: `${orderId}:cancelled`, lines });
  });
});

describe('createReservationRepository: lines', () => {
  it('records a line as PENDING once and returns the stored line when it is recorded again', async () => {
    const orderId = newOrder();
    const reservations = repository();

    const created = await reservations.createLine({ orderId, sku: 'ceramic-cup', quantity: 2 });
    await reservations.moveLine(orderId, 'ceramic-cup', { to: 'RESERVED' });
    const again = await reservations.createLine({ orderId, sku: 'ceramic-cup', quantity: 2 });

    expect(created).toEqual({ orderId, sku: 'ceramic-cup', quantity: 2, status: 'PENDING' });
    expect(again.status).toBe('RESERVED');
    expect(await stored(orderId, 'LINE#ceramic-cup')).toMatchObject({ status: 'RESERVED' });
  });

  it('moves a line only from the state the move requires', async () => {
    const orderId = newOrder();
    const reservations = repository();
    await reservations.createLine({ orderId, sku: 'ceramic-cup', quantity: 2 });

    await expect(reservations.moveLine(orderId, 'ceramic-cup', { to: 'RELEASING', from: 'RESERVED', releasedBy: 'r' })).resolves.toBe(false);
    await expect(reservations.moveLine(orderId, 'ceramic-cup', { to: 'FAILED', reason: 'OUT_OF_STOCK' })).resolves.toBe(true);
    await expect(reservations.moveLine(orderId, 'ceramic-cup', { to: 'RESERVED' })).resolves.toBe(false);

    await expect(reservations.getLine(orderId, 'ceramic-cup')).resolves.toEqual({
      orderId,
      sku: 'ceramic-cup',
      quantity: 2,
      status: 'FAILED',
      reason: 'OUT_OF_STOCK',
    });
  });

  it('lets only the releaser that claimed a line complete its release', async () => {
    const orderId = newOrder();
    const reservations = repository();
    await reservations.createLine({ orderId, sku: 'ceramic-cup', quantity: 2 });
    await reservations.moveLine(orderId, 'ceramic-cup', { to: 'RESERVED' });

    await expect(reservations.moveLine(orderId, 'ceramic-cup', { to: 'RELEASING', from: 'RESERVED', releasedBy: 'release-1' })).resolves.toBe(true);
    await expect(reservations.moveLine(orderId, 'ceramic-cup', { to: 'RELEASING', from: 'RESERVED', releasedBy: 'reserve-1' })).resolves.toBe(false);
    await expect(
      reservations.moveLine(orderId, 'ceramic-cup', { to: 'RELEASED', releasedBy: 'reserve-1', releasedAt: T1, stockReturned: true }),
    ).resolves.toBe(false);
    await expect(
      reservations.moveLine(orderId, 'ceramic-cup', { to: 'RELEASED', releasedBy: 'release-1', releasedAt: T1, stockReturned: true }),
    ).resolves.toBe(true);

    await expect(reservations.getLine(orderId, 'ceramic-cup')).resolves.toEqual({
      orderId,
      sku: 'ceramic-cup',
      quantity: 2,
      status: 'RELEASED',
      releasedBy: 'release-1',
      releasedFrom: 'RESERVED',
      releasedAt: T1,
      stockReturned: true,
    });
  });

  it('answers false without creating a line when moving a line that does not exist', async () => {
    const orderId = newOrder();

    await expect(repository().moveLine(orderId, 'ceramic-cup', { to: 'RESERVED' })).resolves.toBe(false);
    await expect(repository().getLine(orderId, 'ceramic-cup')).resolves.toBeUndefined();
  });

  it("lists the order's lines and not its reservation or other orders' lines", async () => {
    const orderId = newOrder();
    const other = newOrder();
    const reservations = repository();
    await reservations.begin({ orderId, lines, causationId: 'c', startedAt: T0 });
    await reservations.createLine({ orderId, sku: 'ceramic-cup', quantity: 2 });
    await reservations.createLine({ orderId, sku: 'grinder', quantity: 1 });
    await reservations.createLine({ orderId: other, sku: 'grinder', quantity: 1 });

    const found = await reservations.linesOf(orderId);

    expect(found.map(({ sku, quantity }) => ({ sku, quantity }))).toEqual([
      { sku: 'ceramic-cup', quantity: 2 },
      { sku: 'grinder', quantity: 1 },
    ]);
  });
});

describe('createReservationRepository: reading', () => {
  const setup = () => {
    const mocked = DynamoDBDocumentClient.from(dynamo.client);
    const sdk = mockClient(mocked);
    return { sdk, reservations: createReservationRepository({ client: mocked, tableName: TABLE }) };
  };

  it('follows every page when an order has more lines than one Query returns', async () => {
    const { sdk, reservations } = setup();
    const line = (sku: string) => ({ orderId: 'ord_1', sk: `LINE#${sku}`, sku, quantity: 1, status: 'RESERVED' });
    sdk
      .on(QueryCommand)
      .resolvesOnce({ Items: [line('a1')], LastEvaluatedKey: { orderId: 'ord_1', sk: 'LINE#a1' } })
      .resolvesOnce({ Items: [line('b1')] });

    const found = await reservations.linesOf('ord_1');

    expect(found.map(({ sku }) => sku)).toEqual(['a1', 'b1']);
    expect(sdk.commandCalls(QueryCommand)[1]?.args[0].input.ExclusiveStartKey).toEqual({ orderId: 'ord_1', sk: 'LINE#a1' });
  });

  it('throws a PermanentError when a stored line is malformed', async () => {
    const { sdk, reservations } = setup();
    sdk.on(GetCommand).resolves({ Item: { orderId: 'ord_1', sku: 'a1', status: 'LOST' } });

    await expect(reservations.getLine('ord_1', 'a1')).rejects.toThrow(PermanentError);
  });
});
