import '../support/environment';
import { InvalidTaskInputError } from '#shared/tasks';
import { makeHandler } from '../../../../../services/inventory/src/handlers/reserveLine';
import { InMemoryReservations } from '../support/inMemoryReservations';
import { InMemoryStock } from '../support/inMemoryStock';
import { lambdaContext } from '../support/lambdaContext';
import { disabledTracer, silentLogger } from '../support/observability';
import { sampleEvent } from '../support/sampleEvents';

const setup = (available: number) => {
  const stock = new InMemoryStock([{ sku: 'espresso-beans-1kg', name: 'Espresso beans, 1 kg', unitPrice: { amount: 2450, currency: 'EUR' }, available }]);
  const handler = makeHandler({ reservations: new InMemoryReservations(), stock, logger: silentLogger(), tracer: disabledTracer() });
  return { stock, invoke: (payload: unknown) => handler(payload, lambdaContext('reserveLine')) };
};

describe('reserveLine handler', () => {
  it('returns RESERVED and takes the units when given the sample input', async () => {
    const { stock, invoke } = setup(10);

    await expect(invoke(sampleEvent('reserveLine'))).resolves.toEqual({ sku: 'espresso-beans-1kg', quantity: 2, outcome: 'RESERVED' });
    expect(stock.available('espresso-beans-1kg')).toBe(8);
  });

  it('returns OUT_OF_STOCK as a value, not an error, when too few units are left', async () => {
    const { invoke } = setup(1);

    await expect(invoke(sampleEvent('reserveLine'))).resolves.toMatchObject({ outcome: 'OUT_OF_STOCK' });
  });

  it('throws InvalidTaskInputError when the quantity is missing', async () => {
    const { invoke } = setup(10);

    await expect(invoke({ orderId: 'ord_7Hq2Kx9mPz4Lw8Rt', sku: 'espresso-beans-1kg' })).rejects.toThrow(InvalidTaskInputError);
  });
});
