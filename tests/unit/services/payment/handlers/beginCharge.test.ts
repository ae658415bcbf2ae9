import '../env';
import { InvalidTaskInputError } from '#shared/tasks';
import { handler, makeHandler } from '../../../../../services/payment/src/handlers/beginCharge';
import { disabledTracer, FakePaymentRepository, lambdaContext, NOW, ORDER_ID, sampleEvent, silentLogger } from '../fakes';

const setup = () => {
  const payments = new FakePaymentRepository();
  const begin = makeHandler({ payments, logger: silentLogger(), tracer: disabledTracer(), now: () => NOW });
  return { payments, begin: (event: unknown) => begin(event, lambdaContext('beginCharge')) };
};

describe('beginCharge handler', () => {
  it('claims the payment record and decides to charge when the sample task input arrives', async () => {
    const { payments, begin } = setup();

    await expect(begin(sampleEvent('beginCharge'))).resolves.toEqual({ decision: 'charge', status: 'CHARGING' });
    expect(payments.get(ORDER_ID)).toMatchObject({ status: 'CHARGING', createdAt: NOW.toISOString() });
  });

  it('throws InvalidTaskInputError naming the field when the input is malformed', async () => {
    const { payments, begin } = setup();

    await expect(begin({ ...sampleEvent('beginCharge'), amount: { amount: -1, currency: 'EUR' } })).rejects.toThrow(InvalidTaskInputError);
    await expect(begin({ ...sampleEvent('beginCharge'), amount: 5800 })).rejects.toThrow(/amount/);
    expect(payments.writes).toEqual([]);
  });

  it('exports a production handler wired from the environment', () => {
    expect(typeof handler).toBe('function');
  });
});
