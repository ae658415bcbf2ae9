import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { OutgoingEvent } from '#shared/contracts';
import type { Publisher } from '#shared/publisher';
import type { PaymentProvider, ProviderCharge, ProviderChargeRequest, ProviderRefund, ProviderRefundRequest } from '../../../../services/payment/src/domain/paymentProvider';
import type { PaymentRepository } from '../../../../services/payment/src/domain/paymentRepository';
import type { Cancellation, PaymentRecord, Transition } from '../../../../services/payment/src/domain/payments';
import { lambdaContext as functionContext } from '../../../support/lambdaContext';

export const ORDER_ID = 'ord_7Hq2Kx9mPz4Lw8Rt';
export const NOW = new Date('2026-11-25T09:32:00.000Z');
export const EUR_58 = { amount: 5800, currency: 'EUR' };

/** A sample event from `services/payment/events/`, the same files `sls invoke local -p` uses. */
export const sampleEvent = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(__dirname, '../../../../services/payment/events', `${name}.json`), 'utf8')) as Record<string, unknown>;

/** `expect.any(String)`, typed so that it can sit in an expected object without an `any`. */
export const anyString: unknown = expect.any(String);

export const silentLogger = () => new Logger({ serviceName: 'payment', logLevel: 'SILENT' });
export const disabledTracer = () => new Tracer({ serviceName: 'payment', enabled: false });

export const lambdaContext = (functionName: string) => functionContext(`ordering-payment-dev-${functionName}`, { remainingTimeMs: 10_000 });

/** The payments table in memory, with the port's conditional semantics. */
export class FakePaymentRepository implements PaymentRepository {
  readonly records = new Map<string, PaymentRecord>();
  readonly writes: string[] = [];

  seed(record: PaymentRecord): this {
    this.records.set(record.orderId, structuredClone(record));
    return this;
  }

  get(orderId: string): PaymentRecord | undefined {
    return this.records.get(orderId);
  }

  create(record: PaymentRecord) {
    const existing = this.records.get(record.orderId);
    if (existing) return Promise.resolve({ created: false, record: structuredClone(existing) });
    this.records.set(record.orderId, structuredClone(record));
    this.writes.push(`create ${record.status}`);
    return Promise.resolve({ created: true, record: structuredClone(record) });
  }

  transition(orderId: string, { to, from, set }: Transition) {
    const existing = this.records.get(orderId);
    if (!existing || !from.includes(existing.status)) {
      return Promise.resolve({ applied: false, record: existing && structuredClone(existing) });
    }
    const updated = { ...existing, ...structuredClone(set), status: to };
    this.records.set(orderId, updated);
    this.writes.push(`transition ${existing.status}->${to}`);
    return Promise.resolve({ applied: true, record: structuredClone(updated) });
  }

  noteCancellation(orderId: string, cancellation: Cancellation) {
    const existing = this.records.get(orderId);
    if (!existing) return Promise.resolve(undefined);
    existing.cancellation ??= structuredClone(cancellation);
    this.writes.push('note cancellation');
    return Promise.resolve(structuredClone(existing));
  }
}

/** A provider that answers what the test scripts, and records what it was asked. */
export class FakePaymentProvider implements PaymentProvider {
  readonly charges: ProviderChargeRequest[] = [];
  readonly refunds: ProviderRefundRequest[] = [];
  chargeAnswer: () => Promise<ProviderCharge> = () => Promise.resolve({ outcome: 'succeeded', paymentId: 'pay_1', amount: EUR_58 });
  refundAnswer: () => Promise<ProviderRefund> = () =>
    Promise.resolve({ outcome: 'refunded', refundId: 're_1', paymentId: 'pay_1', amount: EUR_58 });

  charge(request: ProviderChargeRequest) {
    this.charges.push(request);
    return this.chargeAnswer();
  }

  refund(request: ProviderRefundRequest) {
    this.refunds.push(request);
    return this.refundAnswer();
  }
}

/** Records what would have gone to EventBridge. */
export class FakePublisher implements Publisher {
  readonly published: OutgoingEvent[] = [];
  failure: Error | undefined;

  publish(events: readonly OutgoingEvent[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.published.push(...structuredClone(events));
    return Promise.resolve();
  }

  get detailTypes(): string[] {
    return this.published.map((event) => event.detailType);
  }
}

export const chargingRecord = (overrides: Partial<PaymentRecord> = {}): PaymentRecord => ({
  orderId: ORDER_ID,
  status: 'CHARGING',
  customerId: 'cus_42',
  amount: EUR_58,
  chargeCausationId: `${ORDER_ID}:placed`,
  createdAt: '2026-11-25T09:31:01.000Z',
  ...overrides,
});

export const cancellation = (overrides: Partial<Cancellation> = {}): Cancellation => ({
  reason: 'OUT_OF_STOCK',
  causationId: `${ORDER_ID}:cancelled`,
  requestedAt: '2026-11-25T09:31:30.000Z',
  ...overrides,
});
