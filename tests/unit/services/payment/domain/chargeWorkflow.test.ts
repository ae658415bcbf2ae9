import {
  beginCharge,
  chargeDecision,
  chargeThroughProvider,
  outcomeTransition,
  recordChargeOutcome,
} from '../../../../../services/payment/src/domain/chargeWorkflow';
import { PaymentStateConflictError, type PaymentStatus } from '../../../../../services/payment/src/domain/payments';
import { cancellation, chargingRecord, EUR_58, FakePaymentProvider, FakePaymentRepository, NOW, ORDER_ID } from '../fakes';

const input = { orderId: ORDER_ID, customerId: 'cus_42', amount: EUR_58, causationId: `${ORDER_ID}:placed` };
const later = new Date('2026-11-25T09:40:00.000Z');

describe('chargeDecision', () => {
  it('charges when this call created the record', () => {
    expect(chargeDecision({ created: true, record: chargingRecord() })).toBe('charge');
  });

  it('charges when the record is still CHARGING from an earlier run of the step', () => {
    expect(chargeDecision({ created: false, record: chargingRecord() })).toBe('charge');
  });

  it('skips the charge when a cancellation tombstone is there', () => {
    expect(chargeDecision({ created: false, record: chargingRecord({ status: 'CANCELLED' }) })).toBe('cancelled');
  });

  it.each<PaymentStatus>(['CHARGED', 'DECLINED', 'FAILED', 'REFUNDED'])('skips the charge when the record is already %s', (status) => {
    expect(chargeDecision({ created: false, record: chargingRecord({ status }) })).toBe('settled');
  });
});

describe('beginCharge', () => {
  it('creates a CHARGING record with the order, amount and causation when the order has none', async () => {
    const payments = new FakePaymentRepository();

    const begun = await beginCharge(payments, input, NOW);

    expect(begun).toEqual({ decision: 'charge', status: 'CHARGING' });
    expect(payments.get(ORDER_ID)).toEqual({
      orderId: ORDER_ID,
      status: 'CHARGING',
      customerId: 'cus_42',
      amount: EUR_58,
      chargeCausationId: `${ORDER_ID}:placed`,
      createdAt: NOW.toISOString(),
    });
  });

  it('leaves the tombstone and decides not to charge when the cancellation came first', async () => {
    const tombstone = { orderId: ORDER_ID, status: 'CANCELLED' as const, createdAt: NOW.toISOString(), cancellation: cancellation() };
    const payments = new FakePaymentRepository().seed(tombstone);

    const begun = await beginCharge(payments, input, later);

    expect(begun).toEqual({ decision: 'cancelled', status: 'CANCELLED' });
    expect(payments.get(ORDER_ID)).toEqual(tombstone);
  });

  it('charges again without rewriting the record when the step runs a second time', async () => {
    const payments = new FakePaymentRepository();
    await beginCharge(payments, input, NOW);

    const again = await beginCharge(payments, input, later);

    expect(again).toEqual({ decision: 'charge', status: 'CHARGING' });
    expect(payments.get(ORDER_ID)?.createdAt).toBe(NOW.toISOString());
  });
});

describe('chargeThroughProvider', () => {
  it("charges under the order's one charge key with the order as metadata", async () => {
    const provider = new FakePaymentProvider();

    const charge = await chargeThroughProvider(provider, { orderId: ORDER_ID, customerId: 'cus_42', amount: EUR_58 });

    expect(charge).toEqual({ outcome: 'succeeded', paymentId: 'pay_1', amount: EUR_58 });
    expect(provider.charges).toEqual([{ idempotencyKey: `${ORDER_ID}:charge`, customerId: 'cus_42', amount: EUR_58, orderId: ORDER_ID }]);
  });

  it('returns a decline as a value when the provider declines', async () => {
    const provider = new FakePaymentProvider();
    provider.chargeAnswer = () => Promise.resolve({ outcome: 'declined', reason: 'INSUFFICIENT_FUNDS' });

    await expect(chargeThroughProvider(provider, { orderId: ORDER_ID, customerId: 'cus_broke', amount: EUR_58 })).resolves.toEqual({
      outcome: 'declined',
      reason: 'INSUFFICIENT_FUNDS',
    });
  });
});

describe('outcomeTransition', () => {
  it('moves CHARGING to CHARGED with the payment id when the charge succeeded', () => {
    expect(outcomeTransition({ outcome: 'succeeded', paymentId: 'pay_1', amount: EUR_58 }, NOW)).toEqual({
      to: 'CHARGED',
      from: ['CHARGING'],
      set: { paymentId: 'pay_1', chargedAt: NOW.toISOString() },
    });
  });

  it('moves CHARGING to DECLINED with the reason when the charge was declined', () => {
    expect(outcomeTransition({ outcome: 'declined', reason: 'CARD_DECLINED' }, NOW)).toEqual({
      to: 'DECLINED',
      from: ['CHARGING'],
      set: { declineReason: 'CARD_DECLINED', declinedAt: NOW.toISOString() },
    });
  });

  it('moves CHARGING to FAILED with the attempts and error when the provider never answered', () => {
    expect(outcomeTransition({ outcome: 'failed', attempts: 4, error: 'TransientError' }, NOW)).toEqual({
      to: 'FAILED',
      from: ['CHARGING'],
      set: { failure: { attempts: 4, error: 'TransientError' }, failedAt: NOW.toISOString() },
    });
  });
});

describe('recordChargeOutcome', () => {
  const succeeded = { outcome: 'succeeded' as const, paymentId: 'pay_1', amount: EUR_58 };

  it('records CHARGED and reports no cancellation when none was noted', async () => {
    const payments = new FakePaymentRepository().seed(chargingRecord());

    const recorded = await recordChargeOutcome(payments, { orderId: ORDER_ID, result: succeeded }, NOW);

    expect(recorded).toEqual({ status: 'CHARGED', recordedAt: NOW.toISOString(), cancelRequested: false });
    expect(payments.get(ORDER_ID)).toMatchObject({ status: 'CHARGED', paymentId: 'pay_1', chargedAt: NOW.toISOString() });
  });

  it('records CHARGED and hands back the cancellation when one was noted while the charge was in flight', async () => {
    const payments = new FakePaymentRepository().seed(chargingRecord({ cancellation: cancellation() }));

    const recorded = await recordChargeOutcome(payments, { orderId: ORDER_ID, result: succeeded }, NOW);

    expect(recorded).toEqual({ status: 'CHARGED', recordedAt: NOW.toISOString(), cancelRequested: true, cancellation: cancellation() });
  });

  it('reports the first recording time when the step runs again', async () => {
    const payments = new FakePaymentRepository().seed(chargingRecord());
    await recordChargeOutcome(payments, { orderId: ORDER_ID, result: succeeded }, NOW);

    const again = await recordChargeOutcome(payments, { orderId: ORDER_ID, result: succeeded }, later);

    expect(again).toEqual({ status: 'CHARGED', recordedAt: NOW.toISOString(), cancelRequested: false });
    expect(payments.writes).toEqual(['transition CHARGING->CHARGED']);
  });

  it('accepts the replay and still reports the cancellation when the refund already happened', async () => {
    const payments = new FakePaymentRepository().seed(
      chargingRecord({ status: 'REFUNDED', paymentId: 'pay_1', chargedAt: NOW.toISOString(), cancellation: cancellation() }),
    );

    const again = await recordChargeOutcome(payments, { orderId: ORDER_ID, result: succeeded }, later);

    expect(again).toMatchObject({ status: 'REFUNDED', recordedAt: NOW.toISOString(), cancelRequested: true });
  });

  it('records FAILED and DECLINED with their timestamps', async () => {
    const failed = new FakePaymentRepository().seed(chargingRecord());
    const declined = new FakePaymentRepository().seed(chargingRecord());

    await expect(
      recordChargeOutcome(failed, { orderId: ORDER_ID, result: { outcome: 'failed', attempts: 4, error: 'TransientError' } }, NOW),
    ).resolves.toEqual({ status: 'FAILED', recordedAt: NOW.toISOString(), cancelRequested: false });
    await expect(
      recordChargeOutcome(declined, { orderId: ORDER_ID, result: { outcome: 'declined', reason: 'CARD_DECLINED' } }, NOW),
    ).resolves.toEqual({ status: 'DECLINED', recordedAt: NOW.toISOString(), cancelRequested: false });
  });

  it('throws a conflict when the record already holds another outcome', async () => {
    const payments = new FakePaymentRepository().seed(chargingRecord({ status: 'DECLINED' }));

    await expect(recordChargeOutcome(payments, { orderId: ORDER_ID, result: succeeded }, NOW)).rejects.toThrow(PaymentStateConflictError);
  });

  it('throws a conflict when the order has no record', async () => {
    await expect(recordChargeOutcome(new FakePaymentRepository(), { orderId: ORDER_ID, result: succeeded }, NOW)).rejects.toThrow(
      PaymentStateConflictError,
    );
  });
});
