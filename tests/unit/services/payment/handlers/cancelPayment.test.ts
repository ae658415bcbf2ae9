import '../env';
import { InvalidTaskInputError } from '#shared/tasks';
import { handler, makeHandler } from '../../../../../services/payment/src/handlers/cancelPayment';
import { chargingRecord, disabledTracer, FakePaymentRepository, lambdaContext, NOW, ORDER_ID, sampleEvent, silentLogger } from '../fakes';

const setup = (payments = new FakePaymentRepository()) => {
  const cancel = makeHandler({ payments, logger: silentLogger(), tracer: disabledTracer(), now: () => NOW });
  return { payments, cancel: (event: unknown) => cancel(event, lambdaContext('cancelPayment')) };
};

describe('cancelPayment handler', () => {
  it('leaves a tombstone when the sample cancellation arrives before any charge', async () => {
    const { payments, cancel } = setup();

    await expect(cancel(sampleEvent('cancelPayment'))).resolves.toEqual({ decision: 'none', because: 'cancelled-before-charge', status: 'CANCELLED' });
    expect(payments.get(ORDER_ID)).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'OUT_OF_STOCK' } });
  });

  it('decides to refund when the order was charged', async () => {
    const { cancel } = setup(new FakePaymentRepository().seed(chargingRecord({ status: 'CHARGED', paymentId: 'pay_1' })));

    await expect(cancel(sampleEvent('cancelPayment'))).resolves.toEqual({ decision: 'refund', because: 'charged', status: 'CHARGED' });
  });

  it('throws InvalidTaskInputError when the reason is not a cancellation reason', async () => {
    const { payments, cancel } = setup();

    await expect(cancel({ ...sampleEvent('cancelPayment'), reason: 'CHANGED_MIND' })).rejects.toThrow(InvalidTaskInputError);
    expect(payments.writes).toEqual([]);
  });

  it('exports a production handler wired from the environment', () => {
    expect(typeof handler).toBe('function');
  });
});
