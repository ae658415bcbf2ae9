import { PermanentError } from '#shared/errors';
import {
  assertSameCharge,
  ChargeAlreadyRefundedError,
  declineReasonFor,
  DEFAULT_AMOUNT_LIMIT,
  defaultProviderRules,
  IdempotencyKeyReusedError,
  injectedFailure,
  providerRulesFrom,
  refundVerdict,
  seededUnit,
} from '../../../../../services/payment/src/domain/simulatedProvider';

const EUR = (amount: number) => ({ amount, currency: 'EUR' });
const rules = { amountLimit: 10_000, transientFailureRate: 0 };
const attempt = (customerId: string, n: number, transientFailureRate = 0) =>
  injectedFailure({ idempotencyKey: 'ord_1:charge', customerId, attempt: n }, { ...rules, transientFailureRate });

describe('declineReasonFor', () => {
  it.each([
    ['cus_declined', 'CARD_DECLINED'],
    ['cus_declined_7', 'CARD_DECLINED'],
    ['cus_broke', 'INSUFFICIENT_FUNDS'],
    ['cus_broke_42', 'INSUFFICIENT_FUNDS'],
  ])('declines with the reason of the test customer when the customer is %s', (customerId, reason) => {
    expect(declineReasonFor({ customerId, amount: EUR(100) }, rules)).toBe(reason);
  });

  it('declines with AMOUNT_LIMIT_EXCEEDED when the amount is above the limit', () => {
    expect(declineReasonFor({ customerId: 'cus_42', amount: EUR(10_001) }, rules)).toBe('AMOUNT_LIMIT_EXCEEDED');
  });

  it('accepts the charge when the amount equals the limit', () => {
    expect(declineReasonFor({ customerId: 'cus_42', amount: EUR(10_000) }, rules)).toBeUndefined();
  });

  it('accepts the charge when the customer is ordinary and the amount within the limit', () => {
    expect(declineReasonFor({ customerId: 'cus_42', amount: EUR(0) }, rules)).toBeUndefined();
  });

  it('prefers the card verdict when a declined customer also exceeds the limit', () => {
    expect(declineReasonFor({ customerId: 'cus_declined', amount: EUR(99_999) }, rules)).toBe('CARD_DECLINED');
  });

  it('only matches the prefix when the test word starts the id', () => {
    expect(declineReasonFor({ customerId: 'cus_42_declined', amount: EUR(1) }, rules)).toBeUndefined();
  });
});

describe('injectedFailure', () => {
  it('fails the first two attempts before acting when the customer is cus_flaky without a count', () => {
    expect([1, 2, 3].map((n) => attempt('cus_flaky', n))).toEqual(['unavailable', 'unavailable', undefined]);
  });

  it('fails the first N attempts when the customer names N', () => {
    expect([1, 4, 5].map((n) => attempt('cus_flaky4_a', n))).toEqual(['unavailable', 'unavailable', undefined]);
  });

  it('loses the replies of the first attempts after acting when the customer is cus_timeout', () => {
    expect([1, 2, 3].map((n) => attempt('cus_timeout', n))).toEqual(['reply-lost', 'reply-lost', undefined]);
    expect([9, 10].map((n) => attempt('cus_timeout9_x', n))).toEqual(['reply-lost', undefined]);
  });

  it('never fails when the customer is ordinary and the rate is 0', () => {
    expect(Array.from({ length: 50 }, (_, i) => attempt('cus_42', i + 1))).toEqual(Array(50).fill(undefined));
  });

  it('fails every attempt, half of them after acting, when the rate is 1', () => {
    const failures = Array.from({ length: 400 }, (_, i) =>
      injectedFailure({ idempotencyKey: `ord_${i}:charge`, customerId: 'cus_42', attempt: 1 }, { ...rules, transientFailureRate: 1 }),
    );
    expect(failures).not.toContain(undefined);
    const lost = failures.filter((failure) => failure === 'reply-lost').length;
    expect(lost).toBeGreaterThan(150);
    expect(lost).toBeLessThan(250);
  });

  it('answers the same for the same key and attempt when asked again', () => {
    const ask = () =>
      Array.from({ length: 20 }, (_, i) =>
        injectedFailure({ idempotencyKey: `ord_${i}:charge`, customerId: 'cus_42', attempt: 2 }, { ...rules, transientFailureRate: 0.5 }),
      );
    expect(ask()).toEqual(ask());
  });

  it('draws afresh for each attempt of one key when the rate is partial', () => {
    const outcomes = new Set(Array.from({ length: 30 }, (_, i) => attempt('cus_42', i + 1, 0.5)));
    expect(outcomes).toEqual(new Set([undefined, 'unavailable', 'reply-lost']));
  });

  it('fails about the configured share of attempts when the rate is partial', () => {
    const failed = Array.from({ length: 2_000 }, (_, i) =>
      injectedFailure({ idempotencyKey: `ord_${i}:charge`, customerId: 'cus_42', attempt: 1 }, { ...rules, transientFailureRate: 0.3 }),
    ).filter(Boolean).length;
    expect(failed / 2_000).toBeGreaterThan(0.26);
    expect(failed / 2_000).toBeLessThan(0.34);
  });
});

describe('seededUnit', () => {
  it('returns a number in [0, 1) that depends only on the seed', () => {
    const draws = ['a', 'b', 'ord_1:charge#1', ''].map(seededUnit);
    for (const draw of draws) {
      expect(draw).toBeGreaterThanOrEqual(0);
      expect(draw).toBeLessThan(1);
    }
    expect(['a', 'b', 'ord_1:charge#1', ''].map(seededUnit)).toEqual(draws);
  });

  it('lands seeds that differ in one character far apart', () => {
    expect(Math.abs(seededUnit('ord_1:charge#1') - seededUnit('ord_1:charge#2'))).toBeGreaterThan(0.01);
  });
});

describe('assertSameCharge', () => {
  const request = { idempotencyKey: 'ord_1:charge', orderId: 'ord_1', customerId: 'cus_42', amount: EUR(5800) };

  it('accepts a replay when the key comes with its first parameters', () => {
    expect(() => assertSameCharge({ customerId: 'cus_42', amount: EUR(5800) }, request)).not.toThrow();
  });

  it.each([
    ['customer', { customerId: 'cus_43', amount: EUR(5800) }],
    ['amount', { customerId: 'cus_42', amount: EUR(5801) }],
    ['currency', { customerId: 'cus_42', amount: { amount: 5800, currency: 'USD' } }],
  ])('refuses the key when its %s differs from the first use', (_, stored) => {
    expect(() => assertSameCharge(stored, request)).toThrow(IdempotencyKeyReusedError);
  });

  it('refuses as a permanent error, never retried', () => {
    expect(() => assertSameCharge({ customerId: 'cus_43', amount: EUR(5800) }, request)).toThrow(PermanentError);
  });
});

describe('refundVerdict', () => {
  const request = { idempotencyKey: 'ord_1:refund', chargeIdempotencyKey: 'ord_1:charge' };

  it('finds nothing charged when the key holds no charge', () => {
    expect(refundVerdict({}, request)).toBe('nothing-charged');
  });

  it('finds nothing charged when the charge was declined', () => {
    expect(refundVerdict({ charge: { outcome: 'declined' } }, request)).toBe('nothing-charged');
  });

  it('refunds when the charge succeeded and was never refunded', () => {
    expect(refundVerdict({ charge: { outcome: 'succeeded' } }, request)).toBe('refund');
  });

  it('replays when this refund key already refunded the charge', () => {
    expect(refundVerdict({ charge: { outcome: 'succeeded' }, refund: { idempotencyKey: 'ord_1:refund' } }, request)).toBe('replay');
  });

  it('refuses when another refund key already refunded the charge', () => {
    expect(() =>
      refundVerdict({ charge: { outcome: 'succeeded' }, refund: { idempotencyKey: 'other:refund' } }, request),
    ).toThrow(ChargeAlreadyRefundedError);
  });
});

describe('providerRulesFrom', () => {
  it('defaults to no chaos and the default limit when nothing is configured', () => {
    expect(providerRulesFrom({})).toEqual(defaultProviderRules);
    expect(providerRulesFrom({ transientFailureRate: '', amountLimit: '' })).toEqual({
      transientFailureRate: 0,
      amountLimit: DEFAULT_AMOUNT_LIMIT,
    });
  });

  it('reads the rate and the limit when they are configured', () => {
    expect(providerRulesFrom({ transientFailureRate: '0.25', amountLimit: '500' })).toEqual({ transientFailureRate: 0.25, amountLimit: 500 });
  });

  it.each(['-0.1', '1.5', 'often', 'NaN'])('refuses the rate %s when it is not a share in [0, 1]', (rate) => {
    expect(() => providerRulesFrom({ transientFailureRate: rate })).toThrow(PermanentError);
  });

  it.each(['-1', '10.5', 'lots'])('refuses the limit %s when it is not a whole non-negative amount', (limit) => {
    expect(() => providerRulesFrom({ amountLimit: limit })).toThrow(PermanentError);
  });
});
