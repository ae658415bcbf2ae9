import { TransientError } from '#shared/errors';
import { createSimulatedCarrier } from '../../../../../services/shipping/src/adapters/carrier';
import { newOrderId, shipmentRequest } from '../support/fakes';

describe('createSimulatedCarrier', () => {
  it('answers the same booking when an order is booked twice', async () => {
    const carrier = createSimulatedCarrier();
    const request = shipmentRequest(newOrderId());

    const first = await carrier.book(request);

    await expect(carrier.book(request)).resolves.toEqual(first);
    expect(first.outcome).toBe('ACCEPTED');
  });

  it('throws a TransientError on the first booking and accepts the retry when the postal code starts with FLAKY', async () => {
    const carrier = createSimulatedCarrier();
    const request = shipmentRequest(newOrderId(), 'FLAKY 1');

    await expect(carrier.book(request)).rejects.toThrow(TransientError);
    await expect(carrier.book(request)).resolves.toMatchObject({ outcome: 'ACCEPTED' });
  });

  it('counts attempts per order, so one flaky order does not make another succeed at once', async () => {
    const carrier = createSimulatedCarrier();
    await carrier.book(shipmentRequest(newOrderId(), 'FLAKY')).catch(() => undefined);

    await expect(carrier.book(shipmentRequest(newOrderId(), 'FLAKY'))).rejects.toThrow(TransientError);
  });

  it('rejects as a value, not an error, when the postal code starts with REJECT', async () => {
    await expect(createSimulatedCarrier().book(shipmentRequest(newOrderId(), 'REJECT'))).resolves.toMatchObject({ outcome: 'REJECTED' });
  });

  it('answers the same cancellation however often an order is cancelled, booked or not', async () => {
    const carrier = createSimulatedCarrier();
    const request = shipmentRequest(newOrderId());
    const booking = await carrier.book(request);

    const first = await carrier.cancel(request.orderId);

    await expect(carrier.cancel(request.orderId)).resolves.toEqual(first);
    expect(first).toEqual({ carrier: booking.carrier, shipmentId: booking.shipmentId });
  });
});
