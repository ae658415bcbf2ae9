import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { PermanentError, TransientError } from '#shared/errors';
import { startDynamo, type LocalDynamo } from '../../../../support/dynalite';
import { documentClient } from '../../../../../services/payment/src/adapters/dynamoDb';
import { createSimulatedProvider, type SimulatedPaymentProvider } from '../../../../../services/payment/src/adapters/paymentProvider';
import {
  ChargeAlreadyRefundedError,
  IdempotencyKeyReusedError,
  type ProviderRules,
} from '../../../../../services/payment/src/domain/simulatedProvider';
import { EUR_58 } from '../fakes';

const TABLE = 'ordering-payment-dev-provider-ledger';
const NOW = new Date('2026-11-25T09:32:00.000Z');

describe('createSimulatedProvider on DynamoDB', () => {
  let dynamo: LocalDynamo;
  let seq = 0;
  let orderId: string;
  let ids: number;

  const provider = (rules: Partial<ProviderRules> = {}): SimulatedPaymentProvider =>
    createSimulatedProvider({
      client: documentClient(dynamo.client),
      tableName: TABLE,
      rules: { amountLimit: 100_000, transientFailureRate: 0, ...rules },
      newId: (prefix) => `${prefix}_${++ids}`,
      now: () => NOW,
    });
  const charge = (customerId = 'cus_42', amount = EUR_58) => ({ idempotencyKey: `${orderId}:charge`, customerId, amount, orderId });
  const refund = (idempotencyKey = `${orderId}:refund`) => ({ idempotencyKey, chargeIdempotencyKey: `${orderId}:charge` });
  const ledgerOf = async (simulated: SimulatedPaymentProvider) => (await simulated.charges()).filter((c) => c.orderId === orderId);

  beforeAll(async () => {
    dynamo = await startDynamo(['payment']);
  });
  afterAll(() => dynamo.stop());
  beforeEach(() => {
    orderId = `ord_provider${String(++seq).padStart(4, '0')}`;
    ids = 0;
  });

  describe('charge', () => {
    it('charges and answers with a payment id when the customer and amount are acceptable', async () => {
      const simulated = provider();

      await expect(simulated.charge(charge())).resolves.toEqual({ outcome: 'succeeded', paymentId: 'pay_1', amount: EUR_58 });
      expect(await ledgerOf(simulated)).toEqual([
        { idempotencyKey: `${orderId}:charge`, orderId, customerId: 'cus_42', amount: EUR_58, outcome: 'succeeded', paymentId: 'pay_1', attempts: 1 },
      ]);
    });

    it('replays the original charge and never charges twice when the key is used again', async () => {
      const simulated = provider();
      const first = await simulated.charge(charge());

      const second = await simulated.charge(charge());

      expect(second).toEqual(first);
      expect(await ledgerOf(simulated)).toEqual([expect.objectContaining({ paymentId: 'pay_1', attempts: 2 })]);
    });

    it('refuses the key when it is reused with another amount', async () => {
      const simulated = provider();
      await simulated.charge(charge());

      await expect(simulated.charge(charge('cus_42', { amount: 1, currency: 'EUR' }))).rejects.toThrow(IdempotencyKeyReusedError);
    });

    it.each([
      ['cus_declined_1', EUR_58, 'CARD_DECLINED'],
      ['cus_broke_1', EUR_58, 'INSUFFICIENT_FUNDS'],
      ['cus_42', { amount: 100_001, currency: 'EUR' }, 'AMOUNT_LIMIT_EXCEEDED'],
    ])('declines %s with %j as %s and keeps declining on replay', async (customerId, amount, reason) => {
      const simulated = provider();

      await expect(simulated.charge(charge(customerId, amount))).resolves.toEqual({ outcome: 'declined', reason });
      await expect(simulated.charge(charge(customerId, amount))).resolves.toEqual({ outcome: 'declined', reason });
      expect(await ledgerOf(simulated)).toEqual([expect.objectContaining({ outcome: 'declined', attempts: 2 })]);
    });

    it('fails the first attempts before acting, then charges once, when the customer is flaky', async () => {
      const simulated = provider();

      await expect(simulated.charge(charge('cus_flaky2_a'))).rejects.toThrow(TransientError);
      expect(await ledgerOf(simulated)).toEqual([]);
      await expect(simulated.charge(charge('cus_flaky2_a'))).rejects.toThrow(/unavailable/);
      await expect(simulated.charge(charge('cus_flaky2_a'))).resolves.toMatchObject({ outcome: 'succeeded' });
      expect(await ledgerOf(simulated)).toEqual([expect.objectContaining({ outcome: 'succeeded', attempts: 3 })]);
    });

    it('charges on the first attempt yet loses its reply, then replays that charge, when the customer times out', async () => {
      const simulated = provider();

      await expect(simulated.charge(charge('cus_timeout1_a'))).rejects.toThrow(/did not answer/);
      expect(await ledgerOf(simulated)).toEqual([expect.objectContaining({ outcome: 'succeeded', paymentId: 'pay_1', attempts: 1 })]);
      await expect(simulated.charge(charge('cus_timeout1_a'))).resolves.toEqual({ outcome: 'succeeded', paymentId: 'pay_1', amount: EUR_58 });
    });

    it('throws TransientError by name so the workflow Retry matches it', async () => {
      const error = await provider().charge(charge('cus_flaky_a')).catch((caught: unknown) => caught);

      expect((error as Error).name).toBe('TransientError');
    });

    it('fails some requests and serves others when a failure rate is configured', async () => {
      const chaotic = provider({ transientFailureRate: 0.5 });

      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          chaotic.charge({ ...charge(), idempotencyKey: `${orderId}-${i}:charge` }).then(
            () => 'ok',
            (error: unknown) => (error as Error).name,
          ),
        ),
      );

      expect(new Set(answers)).toEqual(new Set(['ok', 'TransientError']));
    });
  });

  describe('refund', () => {
    it('refunds a successful charge once and replays the refund when asked again', async () => {
      const simulated = provider();
      await simulated.charge(charge());

      const first = await simulated.refund(refund());
      const again = await simulated.refund(refund());

      expect(first).toEqual({ outcome: 'refunded', refundId: 're_2', paymentId: 'pay_1', amount: EUR_58 });
      expect(again).toEqual(first);
      expect(await ledgerOf(simulated)).toEqual([expect.objectContaining({ paymentId: 'pay_1', refundId: 're_2' })]);
    });

    it('refuses a second refund under another key', async () => {
      const simulated = provider();
      await simulated.charge(charge());
      await simulated.refund(refund());

      await expect(simulated.refund(refund(`${orderId}:refund-again`))).rejects.toThrow(ChargeAlreadyRefundedError);
    });

    it('answers nothing-charged when no charge exists under the key', async () => {
      await expect(provider().refund(refund())).resolves.toEqual({ outcome: 'nothing-charged' });
    });

    it('answers nothing-charged when the charge was declined', async () => {
      const simulated = provider();
      await simulated.charge(charge('cus_declined'));

      await expect(simulated.refund(refund())).resolves.toEqual({ outcome: 'nothing-charged' });
    });

    it('refunds a charge whose reply was lost', async () => {
      const simulated = provider();
      await simulated.charge(charge('cus_timeout9_a')).catch(() => undefined);

      // The refund key's own first attempts fail too (the same test customer), then it goes through once.
      const attempts: string[] = [];
      for (let i = 0; i < 10; i++) {
        attempts.push(await simulated.refund(refund()).then((r) => r.outcome, () => 'failed'));
      }

      expect(attempts.slice(0, 9)).toEqual(Array(9).fill('failed'));
      expect(attempts[9]).toBe('refunded');
      expect(await ledgerOf(simulated)).toEqual([expect.objectContaining({ outcome: 'succeeded', refundId: 're_2' })]);
    });

    it('refuses a charge key used as a refund key', async () => {
      const simulated = provider();
      await simulated.charge(charge());

      await expect(simulated.refund({ idempotencyKey: `${orderId}:charge`, chargeIdempotencyKey: `${orderId}:charge` })).rejects.toThrow(
        IdempotencyKeyReusedError,
      );
    });
  });
});

describe('createSimulatedProvider failures', () => {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
  const dynamo = mockClient(client);
  const provider = () =>
    createSimulatedProvider({ client, tableName: TABLE, rules: { amountLimit: 100_000, transientFailureRate: 0 } });

  beforeEach(() => dynamo.reset());

  it('lets the SDK error through unchanged when the ledger cannot be reached (the task boundary classifies it)', async () => {
    const timeout = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    dynamo.on(UpdateCommand).rejects(timeout);

    await expect(provider().charge({ idempotencyKey: 'k', customerId: 'cus_42', amount: EUR_58, orderId: 'ord_x' })).rejects.toBe(timeout);
  });

  it('throws a permanent error when a ledger entry is malformed', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: { idempotencyKey: 'k', operation: 'teleport', attempts: 1 } });

    await expect(provider().charge({ idempotencyKey: 'k', customerId: 'cus_42', amount: EUR_58, orderId: 'ord_x' })).rejects.toThrow(
      PermanentError,
    );
  });
});
