import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { orderConfirmed, parseEvent } from '#shared/contracts';
import { PermanentError } from '#shared/errors';
import {
  DEFAULT_SHIPMENT_TIMEOUTS,
  parseShipmentTimeouts,
  shipmentWorkflowFor,
} from '../../../../../services/shipping/src/domain/workflowStarts';

const sample = JSON.parse(readFileSync(join(__dirname, '../../../../../shared/contracts/samples/OrderConfirmed.v1.json'), 'utf8')) as unknown;
const confirmed = parseEvent([orderConfirmed], sample);

describe('shipmentWorkflowFor', () => {
  it('names the execution after the order, so a duplicate OrderConfirmed lands on the same execution', () => {
    const timeouts = { dispatchSeconds: 1, deliverySeconds: 2 };

    expect(shipmentWorkflowFor(confirmed, timeouts).name).toBe('ship-ord_7Hq2Kx9mPz4Lw8Rt');
    expect(shipmentWorkflowFor(structuredClone(confirmed), timeouts)).toEqual(shipmentWorkflowFor(confirmed, timeouts));
  });

  it('passes the order, the confirmation as cause and the timeouts to the workflow', () => {
    const timeouts = { dispatchSeconds: 1, deliverySeconds: 2 };

    expect(shipmentWorkflowFor(confirmed, timeouts).input).toEqual({
      orderId: 'ord_7Hq2Kx9mPz4Lw8Rt',
      lines: confirmed.data.lines,
      shippingAddress: confirmed.data.shippingAddress,
      causationId: 'ord_7Hq2Kx9mPz4Lw8Rt:confirmed',
      timeouts,
    });
  });
});

describe('parseShipmentTimeouts', () => {
  it('uses a day to dispatch and five to deliver when nothing is configured', () => {
    expect(parseShipmentTimeouts({})).toEqual({ dispatchSeconds: 86_400, deliverySeconds: 432_000 });
    expect(parseShipmentTimeouts({ dispatchSeconds: '', deliverySeconds: '' })).toEqual(DEFAULT_SHIPMENT_TIMEOUTS);
  });

  it('reads whole seconds when they are configured', () => {
    expect(parseShipmentTimeouts({ dispatchSeconds: '5', deliverySeconds: '10' })).toEqual({ dispatchSeconds: 5, deliverySeconds: 10 });
  });

  it.each(['0', '-1', '1.5', 'a day'])('refuses "%s", which Step Functions could not wait for', (value) => {
    expect(() => parseShipmentTimeouts({ dispatchSeconds: value })).toThrow(PermanentError);
    expect(() => parseShipmentTimeouts({ deliverySeconds: value })).toThrow(/deliverySeconds/);
  });
});
