import type { EventOf, orderConfirmed } from '#shared/contracts';
import { PermanentError } from '#shared/errors';
import { executionName, type WorkflowStart } from '#shared/workflows';

/** How long the shipment workflow waits for each carrier report before it gives the shipment up. */
export interface ShipmentTimeouts {
  dispatchSeconds: number;
  deliverySeconds: number;
}

/** A day to collect the parcel, five more to deliver it. */
export const DEFAULT_SHIPMENT_TIMEOUTS: ShipmentTimeouts = { dispatchSeconds: 86_400, deliverySeconds: 432_000 };

/**
 * Timeouts from configuration text, each falling back to its default when unset. Step Functions takes
 * whole seconds of at least one through `TimeoutSecondsPath`; anything else is a deployment bug.
 */
export const parseShipmentTimeouts = (raw: { dispatchSeconds?: string; deliverySeconds?: string }): ShipmentTimeouts => {
  const seconds = (name: keyof ShipmentTimeouts): number => {
    const text = raw[name];
    if (text === undefined || text === '') return DEFAULT_SHIPMENT_TIMEOUTS[name];
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) {
      throw new PermanentError(`shipment timeout ${name} must be a whole number of seconds ≥ 1, got "${text}"`);
    }
    return value;
  };
  return { dispatchSeconds: seconds('dispatchSeconds'), deliverySeconds: seconds('deliverySeconds') };
};

/**
 * One shipment per order: the execution is named after the order. The timeouts travel in the input, so a
 * test or the local cloud shortens them without another state machine.
 */
export const shipmentWorkflowFor = (
  { data, metadata }: EventOf<typeof orderConfirmed>,
  timeouts: ShipmentTimeouts,
): WorkflowStart => ({
  name: executionName('ship', data.orderId),
  input: {
    orderId: data.orderId,
    lines: data.lines,
    shippingAddress: data.shippingAddress,
    causationId: metadata['idempotency-key'],
    timeouts,
  },
});
