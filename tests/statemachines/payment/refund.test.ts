import { chargeInput, lambdaServiceException, newOrderId, refundInput, startPayment, type Payment } from './harness';
import { anyString } from '../../unit/services/payment/fakes';

// Two dozen workflow runs per file, each on a local DynamoDB: generous on a busy CI machine.
jest.setTimeout(30_000);

const EUR_58 = { amount: 5800, currency: 'EUR' };

describe('refund workflow', () => {
  let payment: Payment;

  beforeAll(async () => {
    payment = await startPayment();
  });
  afterAll(() => payment.stop());

  it('refunds the charge, records REFUNDED and publishes PaymentRefunded when the order is cancelled after its charge', async () => {
    const orderId = newOrderId('refund');
    await payment.charge(chargeInput(orderId)).result;
    const run = payment.refund(refundInput(orderId));

    await run.result;

    expect(run.statesEntered()).toEqual(['CancelPayment', 'RefundDue', 'RefundPayment', 'Refunded', 'PublishPaymentRefunded', 'PaymentRefundReported']);
    const [charge] = await payment.ledger(orderId);
    expect(charge).toMatchObject({ outcome: 'succeeded', refundId: anyString });
    expect(await payment.record(orderId)).toMatchObject({
      status: 'REFUNDED',
      paymentId: charge?.paymentId,
      refundId: charge?.refundId,
      cancellation: { reason: 'OUT_OF_STOCK', causationId: `${orderId}:cancelled` },
    });
    const refunded = payment.events(orderId).at(-1);
    expect(refunded).toMatchObject({
      detailType: 'PaymentRefunded',
      detail: {
        metadata: { 'idempotency-key': `${orderId}:payment-refunded`, 'causation-id': `${orderId}:cancelled`, 'correlation-id': orderId },
        data: { orderId, paymentId: charge?.paymentId, amount: EUR_58 },
      },
    });
  });

  it('leaves a tombstone and refunds nothing when the cancellation arrives before the charge', async () => {
    const orderId = newOrderId('before');
    const run = payment.refund(refundInput(orderId));

    await run.result;

    expect(run.statesEntered()).toEqual(['CancelPayment', 'RefundDue', 'NothingToRefund']);
    expect(await payment.record(orderId)).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'OUT_OF_STOCK' } });
    expect(payment.events(orderId)).toEqual([]);
  });

  it('refunds nothing when the charge was declined', async () => {
    const orderId = newOrderId('declined');
    await payment.charge(chargeInput(orderId, 'cus_declined_2')).result;
    const run = payment.refund(refundInput(orderId, 'PAYMENT_DECLINED'));

    await run.result;

    expect(run.statesEntered()).toEqual(['CancelPayment', 'RefundDue', 'NothingToRefund']);
    expect(await payment.record(orderId)).toMatchObject({ status: 'DECLINED' });
    expect(payment.events(orderId).map((event) => event.detailType)).toEqual(['PaymentDeclined']);
  });

  it('asks the provider and refunds nothing when the charge failed before the provider ever acted', async () => {
    const orderId = newOrderId('failednothing');
    await payment.charge(chargeInput(orderId, 'cus_flaky9_2')).result;
    const run = payment.refund(refundInput(orderId, 'PAYMENT_FAILED'));

    await run.result;

    expect(run.statesEntered()).toEqual(['CancelPayment', 'RefundDue', 'RefundPayment', 'Refunded', 'NothingWasCharged']);
    expect(await payment.record(orderId)).toMatchObject({ status: 'FAILED' });
    expect(await payment.ledger(orderId)).toEqual([]);
    expect(payment.events(orderId).map((event) => event.detailType)).toEqual(['PaymentFailed']);
  });

  it('refunds the charge that surfaced when the charge failed after the provider acted but its replies were lost', async () => {
    const orderId = newOrderId('failedcharged');
    await payment.charge(chargeInput(orderId, 'cus_timeout5_2')).result;
    expect(await payment.record(orderId)).toMatchObject({ status: 'FAILED' });
    const run = payment.refund(refundInput(orderId, 'PAYMENT_FAILED'));

    await run.result;

    expect(run.statesEntered()).toContain('PublishPaymentRefunded');
    expect(await payment.ledger(orderId)).toEqual([expect.objectContaining({ outcome: 'succeeded', refundId: anyString })]);
    expect(await payment.record(orderId)).toMatchObject({ status: 'REFUNDED' });
    expect(payment.events(orderId).map((event) => event.detailType)).toEqual(['PaymentFailed', 'PaymentRefunded']);
  });

  it('retries the provider and refunds once when its first refund attempts fail', async () => {
    const orderId = newOrderId('flakyrefund');
    await payment.charge(chargeInput(orderId, 'cus_flaky2_2')).result;
    const run = payment.refund(refundInput(orderId));

    await run.result;

    expect(run.events.filter((event) => event.type === 'StateRetried' && event.stateName === 'RefundPayment')).toHaveLength(2);
    expect(await payment.ledger(orderId)).toEqual([expect.objectContaining({ refundId: anyString })]);
    expect(await payment.record(orderId)).toMatchObject({ status: 'REFUNDED' });
  });

  it('refunds nothing more when a second execution runs for an order already refunded', async () => {
    const orderId = newOrderId('secondcancel');
    await payment.charge(chargeInput(orderId)).result;
    await payment.refund(refundInput(orderId)).result;
    const [refunded] = await payment.ledger(orderId);

    const again = payment.refund(refundInput(orderId, 'OUTCOMES_TIMED_OUT'));
    await again.result;

    expect(again.statesEntered()).toEqual(['CancelPayment', 'RefundDue', 'NothingToRefund']);
    expect(await payment.ledger(orderId)).toEqual([refunded]);
    expect(await payment.record(orderId)).toMatchObject({ cancellation: { reason: 'OUT_OF_STOCK' } });
    expect(payment.events(orderId).filter((event) => event.detailType === 'PaymentRefunded')).toHaveLength(1);
  });

  it('refunds once and publishes PaymentRefunded under one idempotency key when every task reply is lost once', async () => {
    const orderId = newOrderId('duplicates');
    await payment.charge(chargeInput(orderId)).result;
    const lostOnce = { after: (invocation: number) => (invocation === 1 ? Promise.reject(lambdaServiceException()) : Promise.resolve()) };
    const run = payment.refund(refundInput(orderId), { cancelPayment: lostOnce, refundPayment: lostOnce, publishPaymentEvent: lostOnce });

    await run.result;

    expect(run.events.filter((event) => event.type === 'StateRetried').map((event) => event.stateName)).toEqual([
      'CancelPayment',
      'RefundPayment',
      'PublishPaymentRefunded',
    ]);
    expect(await payment.ledger(orderId)).toEqual([expect.objectContaining({ refundId: anyString })]);
    expect(await payment.record(orderId)).toMatchObject({ status: 'REFUNDED' });
    const refunds = payment.events(orderId).filter((event) => event.detailType === 'PaymentRefunded');
    expect(refunds).toHaveLength(2);
    expect(refunds[1]).toEqual(refunds[0]);
  });
});
