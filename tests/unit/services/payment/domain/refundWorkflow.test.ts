import { TransientError } from '#shared/errors';
import { PaymentStateConflictError, type PaymentStatus } from '../../../../../services/payment/src/domain/payments';
import { cancelPayment, planCancellation, refundPayment } from '../../../../../services/payment/src/domain/refundWorkflow';
import { cancellation, chargingRecord, EUR_58, FakePaymentProvider, FakePaymentRepository, NOW, ORDER_ID } from '../fakes';

const input = { orderId: ORDER_ID, reason: 'OUT_OF_STOCK' as const, causationId: `${ORDER_ID}:cancelled` };
const noted = { reason: 'OUT_OF_STOCK', causationId: `${ORDER_ID}:cancelled`, requestedAt: NOW.toISOString() };

describe('planCancellation', () => {
  it.each<[PaymentStatus, string, string]>([
    ['CHARGED', 'refund', 'charged'],
    ['FAILED', 'refund', 'charge-failed'],
    ['CHARGING', 'none', 'charge-in-flight'],
    ['DECLINED', 'none', 'declined'],
    ['REFUNDED', 'none', 'already-refunded'],
    ['CANCELLED', 'none', 'already-cancelled'],
  ])('decides %s → %s (%s)', (status, decision, because) => {
    expect(planCancellation(chargingRecord({ status }))).toEqual({ decision, because, status });
  });
});

describe('cancelPayment', () => {
  it('leaves a CANCELLED tombstone and refunds nothing when no charge began', async () => {
    const payments = new FakePaymentRepository();

    const plan = await cancelPayment(payments, input, NOW);

    expect(plan).toEqual({ decision: 'none', because: 'cancelled-before-charge', status: 'CANCELLED' });
    expect(payments.get(ORDER_ID)).toEqual({ orderId: ORDER_ID, status: 'CANCELLED', createdAt: NOW.toISOString(), cancellation: noted });
  });

  it('notes the cancellation and leaves the refund to the charge workflow when the charge is in flight', async () => {
    const payments = new FakePaymentRepository().seed(chargingRecord());

    const plan = await cancelPayment(payments, input, NOW);

    expect(plan).toEqual({ decision: 'none', because: 'charge-in-flight', status: 'CHARGING' });
    expect(payments.get(ORDER_ID)).toMatchObject({ status: 'CHARGING', cancellation: noted });
  });

  it('notes the cancellation and refunds when the order was charged', async () => {
    const payments = new FakePaymentRepository().seed(chargingRecord({ status: 'CHARGED', paymentId: 'pay_1' }));

    const plan = await cancelPayment(payments, input, NOW);

    expect(plan).toEqual({ decision: 'refund', because: 'charged', status: 'CHARGED' });
    expect(payments.get(ORDER_ID)?.cancellation).toEqual(noted);
  });

  it('keeps the first cancellation when a second one arrives', async () => {
    const payments = new FakePaymentRepository().seed(chargingRecord({ cancellation: cancellation() }));

    await cancelPayment(payments, { ...input, reason: 'OUTCOMES_TIMED_OUT' }, NOW);

    expect(payments.get(ORDER_ID)?.cancellation).toEqual(cancellation());
  });

  it('answers already-cancelled when the tombstone is there', async () => {
    const payments = new FakePaymentRepository();
    await cancelPayment(payments, input, NOW);

    await expect(cancelPayment(payments, input, NOW)).resolves.toEqual({ decision: 'none', because: 'already-cancelled', status: 'CANCELLED' });
  });

  it('throws a conflict when the record refuses the tombstone yet cannot be found', async () => {
    const payments = new FakePaymentRepository();
    jest.spyOn(payments, 'create').mockResolvedValue({ created: false, record: chargingRecord() });

    await expect(cancelPayment(payments, input, NOW)).rejects.toThrow(PaymentStateConflictError);
  });
});

describe('refundPayment', () => {
  it('refunds under the order refund key and records REFUNDED when the order was charged', async () => {
    const payments = new FakePaymentRepository().seed(chargingRecord({ status: 'CHARGED', paymentId: 'pay_1' }));
    const provider = new FakePaymentProvider();

    const refund = await refundPayment({ payments, provider }, { orderId: ORDER_ID }, NOW);

    expect(refund).toEqual({ outcome: 'refunded', paymentId: 'pay_1', amount: EUR_58, refundId: 're_1', refundedAt: NOW.toISOString() });
    expect(provider.refunds).toEqual([{ idempotencyKey: `${ORDER_ID}:refund`, chargeIdempotencyKey: `${ORDER_ID}:charge` }]);
    expect(payments.get(ORDER_ID)).toMatchObject({ status: 'REFUNDED', refundId: 're_1', refundedAt: NOW.toISOString() });
  });

  it('records the surfaced charge as REFUNDED when a FAILED charge had in fact gone through', async () => {
    const payments = new FakePaymentRepository().seed(chargingRecord({ status: 'FAILED' }));
    const provider = new FakePaymentProvider();

    await refundPayment({ payments, provider }, { orderId: ORDER_ID }, NOW);

    expect(payments.get(ORDER_ID)).toMatchObject({ status: 'REFUNDED', paymentId: 'pay_1', refundId: 're_1' });
  });

  it('changes nothing when the provider holds no charge for the order', async () => {
    const payments = new FakePaymentRepository().seed(chargingRecord({ status: 'FAILED' }));
    const provider = new FakePaymentProvider();
    provider.refundAnswer = () => Promise.resolve({ outcome: 'nothing-charged' });

    await expect(refundPayment({ payments, provider }, { orderId: ORDER_ID }, NOW)).resolves.toEqual({ outcome: 'nothing-charged' });
    expect(payments.get(ORDER_ID)?.status).toBe('FAILED');
    expect(payments.writes).toEqual([]);
  });

  it('reports the first refund time when the step runs again', async () => {
    const payments = new FakePaymentRepository().seed(chargingRecord({ status: 'CHARGED', paymentId: 'pay_1' }));
    const provider = new FakePaymentProvider();
    await refundPayment({ payments, provider }, { orderId: ORDER_ID }, NOW);

    const again = await refundPayment({ payments, provider }, { orderId: ORDER_ID }, new Date('2026-11-25T10:00:00.000Z'));

    expect(again).toMatchObject({ outcome: 'refunded', refundedAt: NOW.toISOString() });
    expect(payments.writes).toEqual(['transition CHARGED->REFUNDED']);
  });

  it('lets a transient provider failure through for the workflow to retry', async () => {
    const provider = new FakePaymentProvider();
    provider.refundAnswer = () => Promise.reject(new TransientError('provider unavailable'));

    await expect(
      refundPayment({ payments: new FakePaymentRepository(), provider }, { orderId: ORDER_ID }, NOW),
    ).rejects.toThrow(TransientError);
  });

  it('throws a conflict when the refunded order was never charged by payment', async () => {
    const payments = new FakePaymentRepository().seed(chargingRecord({ status: 'DECLINED' }));

    await expect(refundPayment({ payments, provider: new FakePaymentProvider() }, { orderId: ORDER_ID }, NOW)).rejects.toThrow(
      PaymentStateConflictError,
    );
  });
});
