import '../support/environment';
import { InvalidTaskInputError } from '#shared/tasks';
import { makeHandler } from '../../../../../services/inventory/src/handlers/finishReservation';
import { InMemoryReservations } from '../support/inMemoryReservations';
import { lambdaContext } from '../support/lambdaContext';
import { disabledTracer, silentLogger } from '../support/observability';
import { sampleEvent } from '../support/sampleEvents';

const ORDER_ID = 'ord_7Hq2Kx9mPz4Lw8Rt';
const NOW = new Date('2026-11-25T09:31:05.000Z');

const setup = async () => {
  const reservations = new InMemoryReservations();
  await reservations.begin({ orderId: ORDER_ID, lines: [], causationId: `${ORDER_ID}:placed`, startedAt: '2026-11-25T09:31:00.000Z' });
  const handler = makeHandler({ reservations, logger: silentLogger(), tracer: disabledTracer(), now: () => NOW });
  return { reservations, invoke: (payload: unknown) => handler(payload, lambdaContext('finishReservation')) };
};

describe('finishReservation handler', () => {
  it('settles RESERVED when given the sample input where every line is reserved', async () => {
    const { reservations, invoke } = await setup();

    await expect(invoke(sampleEvent('finishReservation'))).resolves.toMatchObject({ outcome: 'RESERVED', decidedAt: NOW.toISOString() });
    expect(reservations.headers.get(ORDER_ID)?.status).toBe('RESERVED');
  });

  it('settles FAILED and lists the lines to release when given the out-of-stock sample', async () => {
    const { invoke } = await setup();

    await expect(invoke(sampleEvent('finishReservation.outOfStock'))).resolves.toMatchObject({
      outcome: 'FAILED',
      failure: { sku: 'limited-edition-beans', reason: 'OUT_OF_STOCK' },
      toRelease: [{ sku: 'espresso-beans-1kg', quantity: 2 }],
    });
  });

  it('throws InvalidTaskInputError when a line has an unknown outcome', async () => {
    const { invoke } = await setup();

    await expect(invoke({ orderId: ORDER_ID, lines: [{ sku: 'ceramic-cup', quantity: 1, outcome: 'MAYBE' }] })).rejects.toThrow(
      InvalidTaskInputError,
    );
  });
});
