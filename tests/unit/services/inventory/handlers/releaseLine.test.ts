import '../support/environment';
import { InvalidTaskInputError } from '#shared/tasks';
import { reserveOperation } from '../../../../../services/inventory/src/domain/stock';
import { makeHandler } from '../../../../../services/inventory/src/handlers/releaseLine';
import { InMemoryReservations } from '../support/inMemoryReservations';
import { InMemoryStock } from '../support/inMemoryStock';
import { lambdaContext } from '../support/lambdaContext';
import { disabledTracer, silentLogger } from '../support/observability';
import { sampleEvent } from '../support/sampleEvents';

const ORDER_ID = 'ord_7Hq2Kx9mPz4Lw8Rt';
const NOW = new Date('2026-11-25T09:45:00.000Z');

const setup = async () => {
  const stock = new InMemoryStock([{ sku: 'espresso-beans-1kg', name: 'Espresso beans, 1 kg', unitPrice: { amount: 2450, currency: 'EUR' }, available: 10 }]);
  const reservations = new InMemoryReservations();
  await reservations.createLine({ orderId: ORDER_ID, sku: 'espresso-beans-1kg', quantity: 2 });
  await stock.take('espresso-beans-1kg', 2, reserveOperation(ORDER_ID));
  await reservations.moveLine(ORDER_ID, 'espresso-beans-1kg', { to: 'RESERVED' });
  const handler = makeHandler({ reservations, stock, logger: silentLogger(), tracer: disabledTracer(), now: () => NOW });
  return { stock, invoke: (payload: unknown) => handler(payload, lambdaContext('releaseLine')) };
};

describe('releaseLine handler', () => {
  it('gives the units back and reports the release when given the sample input for a reserved line', async () => {
    const { stock, invoke } = await setup();

    await expect(invoke(sampleEvent('releaseLine'))).resolves.toEqual({
      sku: 'espresso-beans-1kg',
      quantity: 2,
      released: true,
      releasedAt: NOW.toISOString(),
    });
    expect(stock.available('espresso-beans-1kg')).toBe(10);
  });

  it('gives the units back when given the compensation sample', async () => {
    const { stock, invoke } = await setup();

    await expect(invoke(sampleEvent('releaseLine.compensation'))).resolves.toMatchObject({ released: true });
    expect(stock.available('espresso-beans-1kg')).toBe(10);
  });

  it('throws InvalidTaskInputError when settlePending is missing', async () => {
    const { invoke } = await setup();

    await expect(invoke({ orderId: ORDER_ID, sku: 'espresso-beans-1kg', quantity: 2, releasedBy: 'x' })).rejects.toThrow(InvalidTaskInputError);
  });
});
