import '../support/environment';
import { InvalidTaskInputError } from '#shared/tasks';
import { makeHandler } from '../../../../../services/inventory/src/handlers/cancelReservation';
import { InMemoryReservations } from '../support/inMemoryReservations';
import { lambdaContext } from '../support/lambdaContext';
import { disabledTracer, silentLogger } from '../support/observability';
import { sampleEvent } from '../support/sampleEvents';

const ORDER_ID = 'ord_7Hq2Kx9mPz4Lw8Rt';
const NOW = new Date('2026-11-25T09:43:05.000Z');

const setup = () => {
  const reservations = new InMemoryReservations();
  const handler = makeHandler({ reservations, logger: silentLogger(), tracer: disabledTracer(), now: () => NOW });
  return { reservations, invoke: (payload: unknown) => handler(payload, lambdaContext('cancelReservation')) };
};

describe('cancelReservation handler', () => {
  it('leaves a tombstone and returns no lines when given the sample input for an unknown order', async () => {
    const { reservations, invoke } = setup();

    await expect(invoke(sampleEvent('cancelReservation'))).resolves.toEqual({ lines: [] });
    expect(reservations.headers.get(ORDER_ID)).toMatchObject({ status: 'CANCELLED', cancelledAt: NOW.toISOString() });
  });

  it('throws InvalidTaskInputError when the causation id is missing', async () => {
    const { invoke } = setup();

    await expect(invoke({ orderId: ORDER_ID })).rejects.toThrow(InvalidTaskInputError);
  });
});
