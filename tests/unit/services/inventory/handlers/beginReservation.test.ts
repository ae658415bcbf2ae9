import '../support/environment';
import { InvalidTaskInputError } from '#shared/tasks';
import { makeHandler } from '../../../../../services/inventory/src/handlers/beginReservation';
import { InMemoryReservations } from '../support/inMemoryReservations';
import { lambdaContext } from '../support/lambdaContext';
import { disabledTracer, silentLogger } from '../support/observability';
import { sampleEvent } from '../support/sampleEvents';

const NOW = new Date('2026-11-25T09:31:05.000Z');
const setup = () => {
  const reservations = new InMemoryReservations();
  const handler = makeHandler({ reservations, logger: silentLogger(), tracer: disabledTracer(), now: () => NOW });
  return { reservations, invoke: (payload: unknown) => handler(payload, lambdaContext('beginReservation')) };
};

describe('beginReservation handler', () => {
  it('opens the reservation and returns PROCEED with the lines when given the sample input', async () => {
    const { reservations, invoke } = setup();

    const result = await invoke(sampleEvent('beginReservation'));

    expect(result).toEqual({
      outcome: 'PROCEED',
      lines: [
        { sku: 'espresso-beans-1kg', quantity: 2 },
        { sku: 'ceramic-cup', quantity: 1 },
      ],
      failure: null,
      decidedAt: null,
    });
    expect(reservations.headers.get('ord_7Hq2Kx9mPz4Lw8Rt')?.startedAt).toBe(NOW.toISOString());
  });

  it('throws InvalidTaskInputError naming the field when the input breaks its schema', async () => {
    const { invoke } = setup();

    const attempt = invoke({ orderId: 'ord_7Hq2Kx9mPz4Lw8Rt', lines: [], causationId: 'x' });

    await expect(attempt).rejects.toThrow(InvalidTaskInputError);
    await expect(attempt).rejects.toThrow('lines');
  });
});
