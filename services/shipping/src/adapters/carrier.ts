import { TransientError } from '#shared/errors';
import type { Carrier } from '../domain/carrier';
import { SIMULATED_CARRIER, simulateBooking, simulateCancellation } from '../domain/carrierSimulator';

/**
 * The carrier port, played by the simulated carrier (see `domain/carrierSimulator.ts`); a real carrier's
 * API client would implement the same port. Attempts are counted per container, which is all the `FLAKY`
 * scenario needs: its first booking fails, a retry succeeds. Cancelling always succeeds: the callbacks a
 * cancelled shipment no longer gets are the local cloud's to withhold (`local/simulators/carrier.ts`), which
 * hears of the cancellation from `ShipmentCancelled` as it hears of the booking from `ShipmentCreated`.
 */
export const createSimulatedCarrier = (): Carrier => {
  const attempts = new Map<string, number>();
  return {
    book(request) {
      const attempt = (attempts.get(request.orderId) ?? 0) + 1;
      attempts.set(request.orderId, attempt);
      const answer = simulateBooking(request, attempt);
      if (answer === 'UNAVAILABLE') {
        return Promise.reject(new TransientError(`${SIMULATED_CARRIER} is unavailable; retry the booking`));
      }
      return Promise.resolve(answer);
    },
    cancel(orderId) {
      return Promise.resolve(simulateCancellation(orderId));
    },
  };
};
