import {
  InvalidEventError,
} from '#shared/errors';
import {
  parseEvent,
  paymentDeclined,
  paymentFailed,
  paymentRefunded,
  paymentSucceeded,
  type OutgoingEvent,
} from '#shared/contracts';
import {
  paymentEventFor,
  paymentFactSchema,
  publishPaymentEvent,
  type PaymentFact,
} from '../../../../../services/payment/src/domain/paymentEvents';
import { FakePublisher, ORDER_ID, sampleEvent } from '../fakes';

/** The event as a consumer would receive it from EventBridge. */
const delivered = (event: OutgoingEvent) =>
  parseEvent([paymentSucceeded, paymentDeclined, paymentFailed, paymentRefunded], {
    id: 'e-1',
    source: event.source,
    'detail-type': event.detailType,
    detail: event.detail,
  });

describe('paymentEventFor', () => {
  it.each([
    ['publishPaymentEvent', 'PaymentSucceeded', 'payment-succeeded', { paymentId: 'pay_3JkL9wQe', amount: { amount: 5800, currency: 'EUR' } }],
    ['publishPaymentEvent.declined', 'PaymentDeclined', 'payment-declined', { reason: 'CARD_DECLINED' }],
    ['publishPaymentEvent.failed', 'PaymentFailed', 'payment-failed', { attempts: 4 }],
    ['publishPaymentEvent.refunded', 'PaymentRefunded', 'payment-refunded', { paymentId: 'pay_3JkL9wQe', amount: { amount: 5800, currency: 'EUR' } }],
  ])('builds a valid %s event (%s) keyed <orderId>:%s', (sample, detailType, fact, data) => {
    const input = paymentFactSchema.parse(sampleEvent(sample));

    const event = delivered(paymentEventFor(input));

    expect(event).toMatchObject({ source: 'ordering.payment', detailType, data: { orderId: ORDER_ID, ...data } });
    expect(event.metadata).toEqual({
      'idempotency-key': `${ORDER_ID}:${fact}`,
      'correlation-id': ORDER_ID,
      'causation-id': input.causationId,
      'occurred-at': input.occurredAt,
      'schema-version': 1,
    });
  });

  it('builds the same event when the same fact is published again', () => {
    const input = paymentFactSchema.parse(sampleEvent('publishPaymentEvent.refunded'));

    expect(paymentEventFor(input)).toEqual(paymentEventFor(structuredClone(input)));
  });

  it('refuses to build an event that breaks its contract', () => {
    const input = { ...paymentFactSchema.parse(sampleEvent('publishPaymentEvent')), paymentId: '' } as PaymentFact;

    expect(() => paymentEventFor(input)).toThrow(InvalidEventError);
  });
});

describe('paymentFactSchema', () => {
  it('refuses a fact when its type is not a payment event', () => {
    expect(paymentFactSchema.safeParse({ ...sampleEvent('publishPaymentEvent'), type: 'OrderPlaced' }).success).toBe(false);
  });

  it('refuses a fact when it carries fields of another type', () => {
    expect(paymentFactSchema.safeParse({ ...sampleEvent('publishPaymentEvent.failed'), reason: 'CARD_DECLINED' }).success).toBe(false);
  });
});

describe('publishPaymentEvent', () => {
  it('publishes the one event and reports its type and idempotency key', async () => {
    const publisher = new FakePublisher();

    const published = await publishPaymentEvent(publisher, paymentFactSchema.parse(sampleEvent('publishPaymentEvent.declined')));

    expect(published).toEqual({ detailType: 'PaymentDeclined', idempotencyKey: `${ORDER_ID}:payment-declined` });
    expect(publisher.detailTypes).toEqual(['PaymentDeclined']);
  });
});
