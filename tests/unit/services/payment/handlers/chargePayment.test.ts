import '../env';
import { TransientError } from '#shared/errors';
import { InvalidTaskInputError } from '#shared/tasks';
import { handler, makeHandler } from '../../../../../services/payment/src/handlers/chargePayment';
import { disabledTracer, EUR_58, FakePaymentProvider, lambdaContext, ORDER_ID, sampleEvent, silentLogger } from '../fakes';

const setup = () => {
  const provider = new FakePaymentProvider();
  const charge = makeHandler({ provider, logger: silentLogger(), tracer: disabledTracer() });
  return { provider, charge: (event: unknown) => charge(event, lambdaContext('chargePayment')) };
};

describe('chargePayment handler', () => {
  it("charges under the order's charge key and returns the provider's answer when the sample input arrives", async () => {
    const { provider, charge } = setup();

    await expect(charge(sampleEvent('chargePayment'))).resolves.toEqual({ outcome: 'succeeded', paymentId: 'pay_1', amount: EUR_58 });
    expect(provider.charges).toEqual([{ idempotencyKey: `${ORDER_ID}:charge`, orderId: ORDER_ID, customerId: 'cus_42', amount: EUR_58 }]);
  });

  it('returns a decline as a value when the provider declines', async () => {
    const { provider, charge } = setup();
    provider.chargeAnswer = () => Promise.resolve({ outcome: 'declined', reason: 'CARD_DECLINED' });

    await expect(charge(sampleEvent('chargePayment.declined'))).resolves.toEqual({ outcome: 'declined', reason: 'CARD_DECLINED' });
  });

  it('lets a TransientError through, by name, when the provider is unavailable', async () => {
    const { provider, charge } = setup();
    provider.chargeAnswer = () => Promise.reject(new TransientError('provider unavailable'));

    await expect(charge(sampleEvent('chargePayment'))).rejects.toMatchObject({ name: 'TransientError' });
  });

  it('throws InvalidTaskInputError and never calls the provider when the order id is malformed', async () => {
    const { provider, charge } = setup();

    await expect(charge({ ...sampleEvent('chargePayment'), orderId: 'order-1' })).rejects.toThrow(InvalidTaskInputError);
    expect(provider.charges).toEqual([]);
  });

  it('exports a production handler wired from the environment', () => {
    expect(typeof handler).toBe('function');
  });
});
