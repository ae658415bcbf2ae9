import { PermanentError } from '#shared/errors';
import {
  confirmTransition,
  hasReached,
  PaymentStateConflictError,
  paymentRecordSchema,
  paymentStatuses,
  providerKeys,
  reachedAt,
  sourcesOf,
  transitionTo,
  type PaymentStatus,
} from '../../../../../services/payment/src/domain/payments';
import { cancellation, chargingRecord, EUR_58, ORDER_ID } from '../fakes';

describe('sourcesOf', () => {
  it.each<[PaymentStatus, PaymentStatus[]]>([
    ['CHARGING', []],
    ['CHARGED', ['CHARGING']],
    ['DECLINED', ['CHARGING']],
    ['FAILED', ['CHARGING']],
    ['REFUNDED', ['CHARGED', 'FAILED']],
    ['CANCELLED', []],
  ])('lets a record move to %s only from %j', (to, from) => {
    expect(sourcesOf(to)).toEqual(from);
  });
});

describe('hasReached', () => {
  it.each<[PaymentStatus, PaymentStatus, boolean]>([
    ['CHARGED', 'CHARGED', true],
    ['REFUNDED', 'CHARGED', true],
    ['REFUNDED', 'FAILED', true],
    ['CHARGED', 'CHARGING', true],
    ['DECLINED', 'CHARGING', true],
    ['CHARGING', 'CHARGED', false],
    ['FAILED', 'CHARGED', false],
    ['CHARGED', 'FAILED', false],
    ['DECLINED', 'REFUNDED', false],
    ['CANCELLED', 'CHARGING', false],
    ['CHARGING', 'CANCELLED', false],
  ])('says %s has reached %s: %s', (status, target, expected) => {
    expect(hasReached(status, target)).toBe(expected);
  });

  it('never lets a status reach one it can move to when it is itself reachable from there (no cycles)', () => {
    for (const from of paymentStatuses) {
      for (const to of paymentStatuses) {
        if (from !== to && sourcesOf(to).includes(from)) expect(hasReached(from, to)).toBe(false);
      }
    }
  });
});

describe('transitionTo', () => {
  it('conditions the move on the statuses that may precede the target', () => {
    expect(transitionTo('REFUNDED', { refundId: 're_1' })).toEqual({ to: 'REFUNDED', from: ['CHARGED', 'FAILED'], set: { refundId: 're_1' } });
  });
});

describe('confirmTransition', () => {
  const toCharged = transitionTo('CHARGED', { paymentId: 'pay_1' });

  it('returns the record when the write was applied', () => {
    const record = chargingRecord({ status: 'CHARGED' });
    expect(confirmTransition(ORDER_ID, { applied: true, record }, toCharged)).toBe(record);
  });

  it('accepts a refused write as a replay when the record already holds the target status', () => {
    const record = chargingRecord({ status: 'CHARGED', paymentId: 'pay_1' });
    expect(confirmTransition(ORDER_ID, { applied: false, record }, toCharged)).toBe(record);
  });

  it('accepts a refused write as a replay when the record already moved past the target', () => {
    const record = chargingRecord({ status: 'REFUNDED' });
    expect(confirmTransition(ORDER_ID, { applied: false, record }, toCharged)).toBe(record);
  });

  it('throws a permanent conflict when the record went another way', () => {
    const record = chargingRecord({ status: 'DECLINED' });
    expect(() => confirmTransition(ORDER_ID, { applied: false, record }, toCharged)).toThrow(PaymentStateConflictError);
    expect(() => confirmTransition(ORDER_ID, { applied: false, record }, toCharged)).toThrow(PermanentError);
  });

  it('throws a permanent conflict when the order has no record', () => {
    expect(() => confirmTransition(ORDER_ID, { applied: false, record: undefined }, toCharged)).toThrow(/has no payment record/);
  });
});

describe('reachedAt', () => {
  it('reads the time the record reached a status', () => {
    const record = chargingRecord({ status: 'REFUNDED', chargedAt: '2026-11-25T09:32:00.000Z', refundedAt: '2026-11-25T09:44:00.000Z' });
    expect(reachedAt(record, 'CHARGED')).toBe('2026-11-25T09:32:00.000Z');
    expect(reachedAt(record, 'REFUNDED')).toBe('2026-11-25T09:44:00.000Z');
    expect(reachedAt(record, 'DECLINED')).toBeUndefined();
  });
});

describe('providerKeys', () => {
  it('names one charge key and one refund key per order', () => {
    expect(providerKeys(ORDER_ID)).toEqual({ charge: `${ORDER_ID}:charge`, refund: `${ORDER_ID}:refund` });
  });
});

describe('paymentRecordSchema', () => {
  it('accepts a complete record and a tombstone', () => {
    const full = chargingRecord({
      status: 'REFUNDED',
      paymentId: 'pay_1',
      chargedAt: '2026-11-25T09:32:00.000Z',
      refundId: 're_1',
      refundedAt: '2026-11-25T09:44:00.000Z',
      cancellation: cancellation(),
      amount: EUR_58,
    });
    expect(paymentRecordSchema.parse(full)).toEqual(full);
    const tombstone = { orderId: ORDER_ID, status: 'CANCELLED', createdAt: '2026-11-25T09:31:00.000Z', cancellation: cancellation() };
    expect(paymentRecordSchema.parse(tombstone)).toEqual(tombstone);
  });

  it('refuses a record when its status is unknown', () => {
    expect(paymentRecordSchema.safeParse(chargingRecord({ status: 'PAID' as PaymentStatus })).success).toBe(false);
  });
});
