import '../env';
import { InvalidTaskInputError } from '#shared/tasks';
import { handler, makeHandler } from '../../../../../services/payment/src/handlers/refundPayment';
import {
  chargingRecord,
  disabledTracer,
  EUR_58,
  FakePaymentProvider,
  FakePaymentRepository,
  lambdaContext,
  NOW,
  ORDER_ID,
  sampleEvent,
  silentLogger,
} from '../fakes';

const setup = (payments = new FakePaymentRepository().seed(chargingRecord({ status: 'CHARGED', paymentId: 'pay_1' }))) => {
  const provider = new FakePaymentProvider();
  const refund = makeHandler({ payments, provider, logger: silentLogger(), tracer: disabledTracer(), now: () => NOW });
  return { payments, provider, refund: (event: unknown) => refund(event, lambdaContext('refundPayment')) };
};

describe('refundPayment handler', () => {
  it('refunds and records REFUNDED when the sample input arrives for a charged order', async () => {
    const { payments, refund } = setup();

    await expect(refund(sampleEvent('refundPayment'))).resolves.toEqual({
      outcome: 'refunded',
      paymentId: 'pay_1',
      amount: EUR_58,
      refundId: 're_1',
      refundedAt: NOW.toISOString(),
    });
    expect(payments.get(ORDER_ID)?.status).toBe('REFUNDED');
  });

  it('answers nothing-charged when the provider holds no charge', async () => {
    const { provider, refund } = setup(new FakePaymentRepository().seed(chargingRecord({ status: 'FAILED' })));
    provider.refundAnswer = () => Promise.resolve({ outcome: 'nothing-charged' });

    await expect(refund(sampleEvent('refundPayment'))).resolves.toEqual({ outcome: 'nothing-charged' });
  });

  it('throws InvalidTaskInputError and never calls the provider when the input has extra fields', async () => {
    const { provider, refund } = setup();

    await expect(refund({ orderId: ORDER_ID, amount: 5800 })).rejects.toThrow(InvalidTaskInputError);
    expect(provider.refunds).toEqual([]);
  });

  it('exports a production handler wired from the environment', () => {
    expect(typeof handler).toBe('function');
  });
});
