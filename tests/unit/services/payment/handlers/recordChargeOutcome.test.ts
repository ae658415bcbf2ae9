import '../env';
import { InvalidTaskInputError } from '#shared/tasks';
import { PaymentStateConflictError } from '../../../../../services/payment/src/domain/payments';
import { handler, makeHandler } from '../../../../../services/payment/src/handlers/recordChargeOutcome';
import { cancellation, chargingRecord, disabledTracer, FakePaymentRepository, lambdaContext, NOW, ORDER_ID, sampleEvent, silentLogger } from '../fakes';

const setup = (payments = new FakePaymentRepository().seed(chargingRecord())) => {
  const record = makeHandler({ payments, logger: silentLogger(), tracer: disabledTracer(), now: () => NOW });
  return { payments, record: (event: unknown) => record(event, lambdaContext('recordChargeOutcome')) };
};

describe('recordChargeOutcome handler', () => {
  it.each([
    ['recordChargeOutcome', 'CHARGED'],
    ['recordChargeOutcome.declined', 'DECLINED'],
    ['recordChargeOutcome.failed', 'FAILED'],
  ])('records the outcome of %s as %s', async (sample, status) => {
    const { payments, record } = setup();

    await expect(record(sampleEvent(sample))).resolves.toEqual({ status, recordedAt: NOW.toISOString(), cancelRequested: false });
    expect(payments.get(ORDER_ID)?.status).toBe(status);
  });

  it('reports the cancellation noted while the charge was in flight', async () => {
    const { record } = setup(new FakePaymentRepository().seed(chargingRecord({ cancellation: cancellation() })));

    await expect(record(sampleEvent('recordChargeOutcome'))).resolves.toMatchObject({ cancelRequested: true, cancellation: cancellation() });
  });

  it('throws PaymentStateConflictError when the record already holds another outcome', async () => {
    const { record } = setup(new FakePaymentRepository().seed(chargingRecord({ status: 'DECLINED' })));

    await expect(record(sampleEvent('recordChargeOutcome'))).rejects.toThrow(PaymentStateConflictError);
  });

  it('throws InvalidTaskInputError when the outcome is unknown', async () => {
    const { record } = setup();

    await expect(record({ orderId: ORDER_ID, result: { outcome: 'maybe' } })).rejects.toThrow(InvalidTaskInputError);
  });

  it('exports a production handler wired from the environment', () => {
    expect(typeof handler).toBe('function');
  });
});
