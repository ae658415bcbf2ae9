import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  buildEvent,
  catalog,
  defineEventContract,
  orderIdSchema,
  parseEvent,
  orderCancelled,
  orderPlaced,
  paymentDeclined,
  type DataOf,
  type EventCause,
} from '#shared/contracts';
import { InvalidEventError } from '#shared/errors';

interface RawEvent {
  id?: string;
  source: string;
  'detail-type': string;
  detail: { metadata: Record<string, unknown>; data: Record<string, unknown> };
  [key: string]: unknown;
}

const SAMPLES_DIR = join(__dirname, '../../../../shared/contracts/samples');

const loadSample = (file: string): RawEvent => JSON.parse(readFileSync(join(SAMPLES_DIR, file), 'utf8')) as RawEvent;

const sampleFiles = readdirSync(SAMPLES_DIR).filter((file) => file.endsWith('.json'));

const orderPlacedSample = (): RawEvent => loadSample('OrderPlaced.v1.json');

/** Runs `act` and returns what it threw; fails the test if it did not throw. */
const thrownBy = (act: () => unknown): unknown => {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
};

const expectInvalidEvent = (act: () => unknown): InvalidEventError => {
  const error = thrownBy(act);
  expect(error).toBeInstanceOf(InvalidEventError);
  return error as InvalidEventError;
};

const orderId = 'ord_7Hq2Kx9mPz4Lw8Rt';

const validOrderPlacedData = (): DataOf<typeof orderPlaced> => ({
  orderId,
  customerId: 'cus_42',
  lines: [{ sku: 'espresso-beans-1kg', quantity: 2, unitPrice: { amount: 2450, currency: 'EUR' } }],
  total: { amount: 4900, currency: 'EUR' },
  shippingAddress: { name: 'Ada Lovelace', line1: '12 Analytical Row', city: 'London', postalCode: 'N1 9GU', country: 'GB' },
  placedAt: '2026-11-25T09:30:00.000Z',
});

const cause: EventCause = {
  idempotencyKey: `${orderId}:placed`,
  correlationId: orderId,
  causationId: 'req_9f2c1e7a',
  occurredAt: new Date('2026-11-25T09:31:00.123Z'),
};

describe('buildEvent', () => {
  it('builds the envelope with source, detail-type, metadata and data when the data is valid', () => {
    const data = validOrderPlacedData();

    const event = buildEvent(orderPlaced, data, cause);

    expect(event).toEqual({
      source: 'ordering.order',
      detailType: 'OrderPlaced',
      detail: {
        metadata: {
          'idempotency-key': `${orderId}:placed`,
          'correlation-id': orderId,
          'causation-id': 'req_9f2c1e7a',
          'occurred-at': '2026-11-25T09:31:00.123Z',
          'schema-version': 1,
        },
        data,
      },
    });
  });

  it('stamps schema-version with the contract version when the contract is not version 1', () => {
    const contract = defineEventContract({
      detailType: 'OrderNoted',
      producer: 'order',
      version: 3,
      description: 'test-only contract',
      data: z.object({ orderId: orderIdSchema }).strict(),
    });

    const event = buildEvent(contract, { orderId }, cause);

    expect(event.detail.metadata['schema-version']).toBe(3);
    expect(parseEvent([contract], { source: event.source, 'detail-type': event.detailType, detail: event.detail }).metadata).toEqual(
      event.detail.metadata,
    );
  });

  it('writes occurred-at as a UTC ISO-8601 timestamp when given a Date', () => {
    const event = buildEvent(orderPlaced, validOrderPlacedData(), {
      ...cause,
      occurredAt: new Date(Date.UTC(2027, 0, 2, 3, 4, 5, 6)),
    });

    expect(event.detail.metadata['occurred-at']).toBe('2027-01-02T03:04:05.006Z');
  });

  it('throws an InvalidEventError naming the event and the field path when the data breaks the contract', () => {
    const data = { ...validOrderPlacedData(), lines: [{ sku: 'Espresso!', quantity: 0, unitPrice: { amount: 1, currency: 'EUR' } }] };

    const error = expectInvalidEvent(() => buildEvent(orderPlaced, data, cause));

    expect(error.message).toMatch(/^OrderPlaced refused to publish: /);
    expect(error.message).toContain('data.lines.0.sku: must be a lowercase slug');
    expect(error.message).toContain('data.lines.0.quantity');
    expect(error.issues).toHaveLength(2);
  });

  it('throws an InvalidEventError naming the metadata field when the cause is invalid', () => {
    const error = expectInvalidEvent(() => buildEvent(orderPlaced, validOrderPlacedData(), { ...cause, idempotencyKey: '' }));

    expect(error.message).toContain('OrderPlaced');
    expect(error.message).toContain('metadata.idempotency-key');
  });

  it('throws an InvalidEventError naming occurred-at when the cause carries an invalid Date', () => {
    const error = expectInvalidEvent(() =>
      buildEvent(orderPlaced, validOrderPlacedData(), { ...cause, occurredAt: new Date('not a date') }),
    );

    expect(error.message).toContain('metadata.occurred-at');
  });

  it('throws an InvalidEventError when the data carries a field the contract does not declare', () => {
    const data = { ...validOrderPlacedData(), couponCode: 'WELCOME10' };

    const error = expectInvalidEvent(() => buildEvent(orderPlaced, data, cause));

    expect(error.message).toContain('data');
    expect(error.message).toContain('couponCode');
  });
});

describe('parseEvent', () => {
  it('has exactly one sample per catalog contract when the samples folder is read', () => {
    const sampleTypes = sampleFiles.map((file) => loadSample(file)['detail-type']).sort();

    expect(sampleTypes).toEqual(catalog.map((contract) => contract.detailType).sort());
    expect([...sampleFiles].sort()).toEqual(catalog.map((c) => `${c.detailType}.v${c.version}.json`).sort());
  });

  it.each(sampleFiles)('accepts the catalog sample %s when parsed with its own contract', (file) => {
    const sample = loadSample(file);
    const contract = catalog.find((c) => c.detailType === sample['detail-type']);
    if (!contract) throw new Error(`no contract for ${file}`);

    const event = parseEvent([contract], sample);

    expect(event).toEqual({
      id: sample.id,
      source: contract.source,
      detailType: contract.detailType,
      metadata: sample.detail.metadata,
      data: sample.detail.data,
    });
  });

  it('returns the typed event of the matching contract when several contracts are accepted', () => {
    const sample = orderPlacedSample();

    const event = parseEvent([paymentDeclined, orderPlaced, orderCancelled], sample);

    expect(event.detailType).toBe('OrderPlaced');
    if (event.detailType !== 'OrderPlaced') throw new Error('narrowing failed');
    expect(event.data.total).toEqual({ amount: 5800, currency: 'EUR' });
    expect(event.metadata['correlation-id']).toBe(orderId);
  });

  it('returns id undefined when the event has no EventBridge id', () => {
    const withoutId: Partial<RawEvent> = orderPlacedSample();
    delete withoutId.id;

    const event = parseEvent([orderPlaced], withoutId);

    expect(event.id).toBeUndefined();
  });

  it.each([
    ['null', null],
    ['a string', 'OrderPlaced'],
    ['the bare data', { orderId }],
    ['an event without detail', { source: 'ordering.order', 'detail-type': 'OrderPlaced' }],
  ])('throws an InvalidEventError when the input is %s', (_label, raw) => {
    const error = expectInvalidEvent(() => parseEvent([orderPlaced], raw));

    expect(error.message).toMatch(/^event is not an EventBridge event/);
  });

  it('names the missing envelope field when detail-type is absent', () => {
    const raw: Partial<RawEvent> = orderPlacedSample();
    delete raw['detail-type'];

    const error = expectInvalidEvent(() => parseEvent([orderPlaced], raw));

    expect(error.message).toContain('detail-type');
  });

  it('throws an InvalidEventError listing the accepted types when the detail-type is unknown', () => {
    const raw = { ...orderPlacedSample(), 'detail-type': 'OrderShipped' };

    const error = expectInvalidEvent(() => parseEvent([orderPlaced, orderCancelled], raw));

    expect(error.message).toBe(
      'OrderShipped from ordering.order is not an event this consumer accepts (accepts: OrderPlaced, OrderCancelled)',
    );
  });

  it('throws an InvalidEventError when a known detail-type comes from another source', () => {
    const raw = { ...orderPlacedSample(), source: 'ordering.payment' };

    const error = expectInvalidEvent(() => parseEvent([orderPlaced], raw));

    expect(error.message).toContain('OrderPlaced from ordering.payment is not an event this consumer accepts');
    expect(error.message).toContain('accepts: OrderPlaced');
  });

  it('throws an InvalidEventError when a valid event is not one of the accepted contracts', () => {
    const error = expectInvalidEvent(() => parseEvent([paymentDeclined], orderPlacedSample()));

    expect(error.message).toContain('(accepts: PaymentDeclined)');
  });

  it('throws an InvalidEventError naming schema-version when the version differs from the contract', () => {
    const raw = orderPlacedSample();
    raw.detail.metadata['schema-version'] = 2;

    const error = expectInvalidEvent(() => parseEvent([orderPlaced], raw));

    expect(error.message).toMatch(/^OrderPlaced v1 does not match its schema: /);
    expect(error.message).toContain('detail.metadata.schema-version');
  });

  it.each(['idempotency-key', 'correlation-id', 'causation-id', 'occurred-at', 'schema-version'])(
    'throws an InvalidEventError naming metadata key %s when it is missing',
    (key) => {
      const raw = orderPlacedSample();
      raw.detail.metadata = Object.fromEntries(Object.entries(raw.detail.metadata).filter(([name]) => name !== key));

      const error = expectInvalidEvent(() => parseEvent([orderPlaced], raw));

      expect(error.issues).toEqual([expect.stringMatching(new RegExp(`^detail\\.metadata\\.${key}: `))]);
    },
  );

  it('throws an InvalidEventError naming detail.metadata when metadata is missing', () => {
    const raw = orderPlacedSample();
    const { data } = raw.detail;

    const error = expectInvalidEvent(() => parseEvent([orderPlaced], { ...raw, detail: { data } }));

    expect(error.message).toContain('detail.metadata');
  });

  it('throws an InvalidEventError naming detail.data.<path> when a nested field is invalid', () => {
    const raw = orderPlacedSample();
    raw.detail.data.total = { amount: 58.5, currency: 'eur' };

    const error = expectInvalidEvent(() => parseEvent([orderPlaced], raw));

    expect(error.issues).toEqual([
      expect.stringMatching(/^detail\.data\.total\.amount: /),
      'detail.data.total.currency: must be an ISO 4217 code',
    ]);
    expect(error.message).toContain('OrderPlaced v1');
    expect(error.message).toContain('detail.data.total.currency: must be an ISO 4217 code');
  });

  it('throws an InvalidEventError naming detail.data.orderId when the order id is malformed', () => {
    const raw = orderPlacedSample();
    raw.detail.data.orderId = 'order-1';

    const error = expectInvalidEvent(() => parseEvent([orderPlaced], raw));

    expect(error.issues).toEqual(['detail.data.orderId: must look like ord_<8-40 letters or digits>']);
  });

  it('throws an InvalidEventError when an enum field has a value outside the contract', () => {
    const raw = loadSample('PaymentDeclined.v1.json');
    raw.detail.data.reason = 'FRAUD';

    const error = expectInvalidEvent(() => parseEvent([paymentDeclined], raw));

    expect(error.message).toContain('PaymentDeclined v1');
    expect(error.message).toContain('detail.data.reason');
  });

  it.each([
    ['detail.data', (raw: RawEvent) => (raw.detail.data.giftWrap = true), 'giftWrap'],
    ['detail.metadata', (raw: RawEvent) => (raw.detail.metadata.tenant = 'acme'), 'tenant'],
    ['detail', (raw: RawEvent) => Object.assign(raw.detail, { extra: 1 }), 'extra'],
    [
      'detail.data.shippingAddress',
      (raw: RawEvent) => Object.assign(raw.detail.data.shippingAddress as object, { floor: 3 }),
      'floor',
    ],
  ])('throws an InvalidEventError when %s carries an unknown field', (path, mutate, key) => {
    const raw = orderPlacedSample();
    mutate(raw);

    const error = expectInvalidEvent(() => parseEvent([orderPlaced], raw));

    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatch(new RegExp(`^${path.replaceAll('.', '\\.')}: .*${key}`));
  });

  it('ignores EventBridge envelope fields it does not rely on when they are present', () => {
    const raw = { ...orderPlacedSample(), account: '999999999999', resources: ['arn:aws:events:x'], replay: 'yes' };

    expect(parseEvent([orderPlaced], raw).detailType).toBe('OrderPlaced');
  });

  it('keeps the ZodError as cause when the event is invalid', () => {
    const raw = orderPlacedSample();
    raw.detail.data.orderId = 1;

    const error = expectInvalidEvent(() => parseEvent([orderPlaced], raw));

    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).name).toBe('ZodError');
  });
});
