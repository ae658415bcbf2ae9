import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { orderCancelled, orderPlaced, parseEvent } from '#shared/contracts';
import { releaseWorkflowFor, reservationWorkflowFor } from '../../../../../services/inventory/src/domain/workflowStarts';

const sample = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '../../../../../shared/contracts/samples', name), 'utf8')) as unknown;

describe('reservationWorkflowFor', () => {
  it('names the execution after the order and passes its lines and the OrderPlaced key when an order is placed', () => {
    const event = parseEvent([orderPlaced], sample('OrderPlaced.v1.json'));

    expect(reservationWorkflowFor(event)).toEqual({
      name: 'reserve-ord_7Hq2Kx9mPz4Lw8Rt',
      input: {
        orderId: 'ord_7Hq2Kx9mPz4Lw8Rt',
        lines: [
          { sku: 'espresso-beans-1kg', quantity: 2 },
          { sku: 'ceramic-cup', quantity: 1 },
        ],
        causationId: 'ord_7Hq2Kx9mPz4Lw8Rt:placed',
      },
    });
  });
});

describe('releaseWorkflowFor', () => {
  it('names the execution after the order and passes the OrderCancelled key when an order is cancelled', () => {
    const event = parseEvent([orderCancelled], sample('OrderCancelled.v1.json'));

    expect(releaseWorkflowFor(event)).toEqual({
      name: 'release-ord_7Hq2Kx9mPz4Lw8Rt',
      input: { orderId: 'ord_7Hq2Kx9mPz4Lw8Rt', causationId: 'ord_7Hq2Kx9mPz4Lw8Rt:cancelled' },
    });
  });
});
