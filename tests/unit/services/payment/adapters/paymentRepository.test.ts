import 'aws-sdk-client-mock-jest';
import { ConditionalCheckFailedException, DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { PermanentError } from '#shared/errors';
import { startDynamo, type LocalDynamo } from '../../../../support/dynalite';
import { documentClient } from '../../../../../services/payment/src/adapters/dynamoDb';
import { createPaymentRepository } from '../../../../../services/payment/src/adapters/paymentRepository';
import { transitionTo, type PaymentRecord } from '../../../../../services/payment/src/domain/payments';
import { cancellation, chargingRecord, ORDER_ID } from '../fakes';

const TABLE = 'ordering-payment-dev-payments';

describe('createPaymentRepository on DynamoDB', () => {
  let dynamo: LocalDynamo;
  let orderSeq = 0;
  // Each test works on its own order, so tests share one table without cleaning it.
  let orderId: string;
  const repository = () => createPaymentRepository({ client: documentClient(dynamo.client), tableName: TABLE });
  const record = (overrides: Partial<PaymentRecord> = {}) => chargingRecord({ orderId, ...overrides });

  beforeAll(async () => {
    dynamo = await startDynamo(['payment']);
  });
  afterAll(() => dynamo.stop());
  beforeEach(() => {
    orderId = `ord_repository${String(++orderSeq).padStart(4, '0')}`;
  });

  it('creates the record when the order has none', async () => {
    await expect(repository().create(record())).resolves.toEqual({ created: true, record: record() });
  });

  it('returns the stored record unchanged when the order already has one', async () => {
    const payments = repository();
    await payments.create(record());

    const second = await payments.create({ orderId, status: 'CANCELLED', createdAt: '2026-11-25T09:40:00.000Z', cancellation: cancellation() });

    expect(second).toEqual({ created: false, record: record() });
  });

  it('moves the record and returns it when its status is one the transition allows', async () => {
    const payments = repository();
    await payments.create(record());

    const moved = await payments.transition(orderId, transitionTo('CHARGED', { paymentId: 'pay_1', chargedAt: '2026-11-25T09:32:00.000Z' }));

    expect(moved).toEqual({
      applied: true,
      record: record({ status: 'CHARGED', paymentId: 'pay_1', chargedAt: '2026-11-25T09:32:00.000Z' }),
    });
  });

  it('refuses the move and returns the record as stored when its status does not allow it', async () => {
    const payments = repository();
    await payments.create(record({ status: 'DECLINED' }));

    const refused = await payments.transition(orderId, transitionTo('CHARGED', { paymentId: 'pay_1' }));

    expect(refused).toEqual({ applied: false, record: record({ status: 'DECLINED' }) });
  });

  it('refuses the move without writing when no status may precede the target', async () => {
    const payments = repository();
    await payments.create(record());

    await expect(payments.transition(orderId, transitionTo('CANCELLED', {}))).resolves.toEqual({ applied: false, record: record() });
  });

  it('refuses the move and returns no record when the order has none', async () => {
    await expect(repository().transition(orderId, transitionTo('CHARGED', {}))).resolves.toEqual({ applied: false, record: undefined });
  });

  it('leaves unset fields out when a transition carries undefined values', async () => {
    const payments = repository();
    await payments.create(record());

    const { record: moved } = await payments.transition(orderId, transitionTo('FAILED', { failedAt: '2026-11-25T09:32:00.000Z', paymentId: undefined }));

    expect(moved).not.toHaveProperty('paymentId');
  });

  it('notes a cancellation on the record and keeps the first one when another arrives', async () => {
    const payments = repository();
    await payments.create(record());

    const first = await payments.noteCancellation(orderId, cancellation());
    const second = await payments.noteCancellation(orderId, cancellation({ reason: 'OUTCOMES_TIMED_OUT' }));

    expect(first).toEqual(record({ cancellation: cancellation() }));
    expect(second).toEqual(first);
  });

  it('notes nothing and returns undefined when the order has no record', async () => {
    await expect(repository().noteCancellation(orderId, cancellation())).resolves.toBeUndefined();
  });
});

describe('createPaymentRepository failures', () => {
  // Only this instance is mocked: the suite above talks to a real (local) DynamoDB.
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
  const dynamo = mockClient(client);
  const repository = () => createPaymentRepository({ client, tableName: TABLE });

  beforeEach(() => dynamo.reset());

  it('lets a DynamoDB throttle through unchanged, for the task boundary to classify', async () => {
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
    dynamo.on(PutCommand).rejects(throttled);

    await expect(repository().create(chargingRecord())).rejects.toBe(throttled);
  });

  it('throws a permanent error when the stored record is malformed', async () => {
    dynamo.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    dynamo.on(GetCommand).resolves({ Item: { orderId: ORDER_ID, status: 'PAID' } });

    await expect(repository().create(chargingRecord())).rejects.toThrow(PermanentError);
  });

  it('throws a permanent error when a refused create finds no record', async () => {
    dynamo.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    dynamo.on(GetCommand).resolves({});

    await expect(repository().create(chargingRecord())).rejects.toThrow(/cannot be read/);
  });
});
