import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { orderCancelled, orderPlaced, parseEvent } from '#shared/contracts';
import { chargeInputSchema } from '../../../../../services/payment/src/domain/chargeWorkflow';
import { cancellationInputSchema } from '../../../../../services/payment/src/domain/refundWorkflow';
import { chargeWorkflowFor, refundWorkflowFor } from '../../../../../services/payment/src/domain/workflowStarts';

const sample = (name: string) =>
  JSON.parse(readFileSync(join(__dirname, '../../../../../shared/contracts/samples', `${name}.v1.json`), 'utf8')) as unknown;

describe('chargeWorkflowFor', () => {
  it('names the execution after the order and passes what the charge workflow accepts when an order is placed', () => {
    const start = chargeWorkflowFor(parseEvent([orderPlaced], sample('OrderPlaced')));

    expect(start.name).toBe('charge-ord_7Hq2Kx9mPz4Lw8Rt');
    expect(chargeInputSchema.parse(start.input)).toEqual({
      orderId: 'ord_7Hq2Kx9mPz4Lw8Rt',
      customerId: 'cus_42',
      amount: { amount: 5800, currency: 'EUR' },
      causationId: 'ord_7Hq2Kx9mPz4Lw8Rt:placed',
    });
  });
});

describe('refundWorkflowFor', () => {
  it('names the execution after the order and passes what the refund workflow accepts when an order is cancelled', () => {
    const start = refundWorkflowFor(parseEvent([orderCancelled], sample('OrderCancelled')));

    expect(start.name).toBe('refund-ord_7Hq2Kx9mPz4Lw8Rt');
    expect(cancellationInputSchema.parse(start.input)).toEqual({
      orderId: 'ord_7Hq2Kx9mPz4Lw8Rt',
      reason: 'PAYMENT_DECLINED',
      causationId: 'ord_7Hq2Kx9mPz4Lw8Rt:cancelled',
    });
  });
});
