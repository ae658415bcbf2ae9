import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { orderPlaced, paymentDeclined, type EventOf } from '#shared/contracts';
import { InvalidEventError, PermanentError, TransientError } from '#shared/errors';
import { consumeEvents, type ConsumerContext, type DeadLetterPort } from '#shared/middlewares';
import { lambdaContext } from '../../../support/lambdaContext';
import { ORDER_PLACED_BODY, sampleBody, sqsEvent, sqsRecord } from '../../../support/sqsEvents';

const PAYMENT_DECLINED_BODY = sampleBody('PaymentDeclined.v1');
const ORDER_ID = 'ord_7Hq2Kx9mPz4Lw8Rt';
const MAX_RECEIVE_COUNT = 5;
const NOW = new Date('2026-11-25T09:31:05.000Z');

type Accepted = EventOf<typeof orderPlaced> | EventOf<typeof paymentDeclined>;
type Handle = (event: Accepted, context: ConsumerContext) => Promise<void>;

const LAMBDA_CONTEXT = lambdaContext('ordering-payment-dev-onOrderPlaced');

const withBody = (mutate: (event: { detail: { data: Record<string, unknown> } }) => void): string => {
  const event = JSON.parse(ORDER_PLACED_BODY) as { detail: { data: Record<string, unknown> } };
  mutate(event);
  return JSON.stringify(event);
};

class FakeDeadLetters implements DeadLetterPort {
  readonly sent: { messageId: string; body: string; error: Error; failedAt: Date }[] = [];
  failure: Error | undefined;

  send(record: SQSRecord, error: Error, failedAt: Date): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.sent.push({ messageId: record.messageId, body: record.body, error, failedAt });
    return Promise.resolve();
  }
}

const setup = (handle: Handle) => {
  process.env.POWERTOOLS_TRACE_ENABLED = 'false';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const deadLetters = new FakeDeadLetters();
  const handler = consumeEvents({
    contracts: [orderPlaced, paymentDeclined],
    handle,
    deadLetters,
    logger: new Logger({ serviceName: 'payment', logLevel: 'SILENT' }),
    tracer: new Tracer({ serviceName: 'payment', enabled: false }),
    maxReceiveCount: MAX_RECEIVE_COUNT,
    now: () => NOW,
  });
  return { handler, deadLetters, invoke: (event: SQSEvent) => handler(event, LAMBDA_CONTEXT) };
};

const succeed: Handle = () => Promise.resolve();

/** A handle that fails with the given error for the listed message ids (read from the per-record logger). */
const failuresById = (errors: Record<string, Error>) => {
  const seen: string[] = [];
  const handle: Handle = (_event, context) => {
    const { messageId } = context.logger.getPersistentLogAttributes() as { messageId: string };
    seen.push(messageId);
    const error = errors[messageId];
    return error ? Promise.reject(error) : Promise.resolve();
  };
  return { handle, seen };
};

describe('consumeEvents', () => {
  it('passes the typed event and a logger carrying the correlation id to handle when the record is valid', async () => {
    const received: { event: Accepted; context: ConsumerContext }[] = [];
    const { invoke, deadLetters } = setup((event, context) => {
      received.push({ event, context });
      return Promise.resolve();
    });

    const response = await invoke(sqsEvent(sqsRecord('m-1')));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(deadLetters.sent).toEqual([]);
    expect(received).toHaveLength(1);
    const [{ event, context }] = received as [(typeof received)[number]];
    expect(event.detailType).toBe('OrderPlaced');
    if (event.detailType !== 'OrderPlaced') throw new Error('narrowing failed');
    expect(event.id).toBe('5b1e3c7a-0d2f-4c8e-9a61-000000000001');
    expect(event.data.orderId).toBe(ORDER_ID);
    expect(event.data.total).toEqual({ amount: 5800, currency: 'EUR' });
    expect(event.data.lines.map((line) => line.sku)).toEqual(['espresso-beans-1kg', 'ceramic-cup']);
    expect(event.metadata['correlation-id']).toBe(ORDER_ID);
    expect(context.logger.getPersistentLogAttributes()).toMatchObject({
      messageId: 'm-1',
      correlationId: ORDER_ID,
      idempotencyKey: `${ORDER_ID}:placed`,
      detailType: 'OrderPlaced',
    });
    expect(context.now()).toBe(NOW);
  });

  it('dispatches each record to handle with its own contract when the batch mixes accepted types', async () => {
    const types: string[] = [];
    const { invoke } = setup((event) => {
      types.push(event.detailType === 'PaymentDeclined' ? `PaymentDeclined:${event.data.reason}` : event.detailType);
      return Promise.resolve();
    });

    await invoke(sqsEvent(sqsRecord('m-1'), sqsRecord('m-2', { body: PAYMENT_DECLINED_BODY })));

    expect(types).toEqual(['OrderPlaced', 'PaymentDeclined:CARD_DECLINED']);
  });

  it('dead-letters a body that is not JSON and does not report it as a batch failure', async () => {
    const handle = jest.fn(succeed);
    const { invoke, deadLetters } = setup(handle);

    const response = await invoke(sqsEvent(sqsRecord('m-1', { body: '{"detail-type": "OrderPl' })));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(handle).not.toHaveBeenCalled();
    expect(deadLetters.sent).toHaveLength(1);
    expect(deadLetters.sent[0]).toMatchObject({ messageId: 'm-1', body: '{"detail-type": "OrderPl', failedAt: NOW });
    expect(deadLetters.sent[0]?.error).toBeInstanceOf(InvalidEventError);
    expect(deadLetters.sent[0]?.error.message).toMatch(/^message body is not JSON/);
  });

  it('dead-letters an event that breaks its schema with a reason naming the field and does not report it', async () => {
    const handle = jest.fn(succeed);
    const { invoke, deadLetters } = setup(handle);
    const body = withBody((event) => (event.detail.data.orderId = 'order-42'));

    const response = await invoke(sqsEvent(sqsRecord('m-1', { body })));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(handle).not.toHaveBeenCalled();
    expect(deadLetters.sent.map((sent) => sent.messageId)).toEqual(['m-1']);
    const { error } = deadLetters.sent[0] ?? {};
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error?.message).toContain('OrderPlaced v1');
    expect(error?.message).toContain('detail.data.orderId');
  });

  it('dead-letters an event type the consumer does not accept when one arrives', async () => {
    const { invoke, deadLetters } = setup(succeed);
    const body = ORDER_PLACED_BODY.replace('"OrderPlaced"', '"OrderShipped"');

    const response = await invoke(sqsEvent(sqsRecord('m-1', { body })));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(deadLetters.sent[0]?.error.message).toContain('accepts: OrderPlaced, PaymentDeclined');
  });

  it('dead-letters the record and does not report it when handle throws a PermanentError', async () => {
    const permanent = new PermanentError('order total does not match its lines');
    const { invoke, deadLetters } = setup(() => Promise.reject(permanent));

    const response = await invoke(sqsEvent(sqsRecord('m-1')));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(deadLetters.sent).toEqual([{ messageId: 'm-1', body: ORDER_PLACED_BODY, error: permanent, failedAt: NOW }]);
  });

  it.each([
    ['a TransientError', new TransientError('payment provider unavailable')],
    ['an unknown error', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })],
  ])('reports the message id as a batch failure and does not dead-letter when handle throws %s', async (_label, error) => {
    const { invoke, deadLetters } = setup(() => Promise.reject(error));

    const response = await invoke(sqsEvent(sqsRecord('m-1', { receiveCount: MAX_RECEIVE_COUNT - 1 })));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(deadLetters.sent).toEqual([]);
  });

  it.each([MAX_RECEIVE_COUNT, MAX_RECEIVE_COUNT + 2])(
    'dead-letters instead of retrying when a transient error happens on receive %i with maxReceiveCount 5',
    async (receiveCount) => {
      const transient = new TransientError('payment provider unavailable');
      const { invoke, deadLetters } = setup(() => Promise.reject(transient));

      const response = await invoke(sqsEvent(sqsRecord('m-1', { receiveCount })));

      expect(response).toEqual({ batchItemFailures: [] });
      expect(deadLetters.sent).toEqual([{ messageId: 'm-1', body: ORDER_PLACED_BODY, error: transient, failedAt: NOW }]);
    },
  );

  it('wraps a thrown non-Error in an Error when it dead-letters it', async () => {
    const { invoke, deadLetters } = setup(() => {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a non-Error rejection is the case under test
      return Promise.reject('plain string');
    });

    await invoke(sqsEvent(sqsRecord('m-1', { receiveCount: MAX_RECEIVE_COUNT })));

    expect(deadLetters.sent[0]?.error).toBeInstanceOf(Error);
    expect(deadLetters.sent[0]?.error.message).toBe('NonErrorThrown: plain string');
  });

  it('returns exactly the ids that failed transiently when the batch is mixed', async () => {
    const { handle, seen } = failuresById({
      'm-transient': new TransientError('timeout'),
      'm-permanent': new PermanentError('contract breach'),
      'm-last-receive': new TransientError('timeout'),
      'm-network': Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      'm-bug': new TypeError("Cannot read properties of undefined (reading 'orderId')"),
    });
    const { invoke, deadLetters } = setup(handle);

    const response = await invoke(
      sqsEvent(
        sqsRecord('m-ok'),
        sqsRecord('m-transient', { receiveCount: 2 }),
        sqsRecord('m-invalid', { body: 'not json' }),
        sqsRecord('m-permanent'),
        sqsRecord('m-last-receive', { receiveCount: MAX_RECEIVE_COUNT }),
        sqsRecord('m-network'),
        sqsRecord('m-bug'),
        sqsRecord('m-ok-2'),
      ),
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-transient' }, { itemIdentifier: 'm-network' }] });
    expect(deadLetters.sent.map((sent) => sent.messageId)).toEqual(['m-invalid', 'm-permanent', 'm-last-receive', 'm-bug']);
    expect(seen).toEqual(['m-ok', 'm-transient', 'm-permanent', 'm-last-receive', 'm-network', 'm-bug', 'm-ok-2']);
  });

  it('returns every id as a batch failure instead of throwing when all records fail transiently', async () => {
    const { invoke, deadLetters } = setup(() => Promise.reject(new TransientError('dependency down')));

    const response = await invoke(sqsEvent(sqsRecord('m-1'), sqsRecord('m-2'), sqsRecord('m-3')));

    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }, { itemIdentifier: 'm-3' }],
    });
    expect(deadLetters.sent).toEqual([]);
  });

  it('processes records one after another, in batch order, when handle is slow', async () => {
    const steps: string[] = [];
    const { invoke } = setup(async (_event, context) => {
      const { messageId } = context.logger.getPersistentLogAttributes() as { messageId: string };
      steps.push(`start ${messageId}`);
      await new Promise((resolve) => setTimeout(resolve, messageId === 'm-1' ? 20 : 1));
      steps.push(`end ${messageId}`);
    });

    await invoke(sqsEvent(sqsRecord('m-1'), sqsRecord('m-2'), sqsRecord('m-3')));

    expect(steps).toEqual(['start m-1', 'end m-1', 'start m-2', 'end m-2', 'start m-3', 'end m-3']);
  });

  it.each([
    ['an invalid body', { body: 'not json' }, undefined],
    ['a PermanentError', {}, new PermanentError('contract breach')],
    ['a transient error on the last receive', { receiveCount: MAX_RECEIVE_COUNT }, new TransientError('timeout')],
  ])('reports the record as a batch failure when dead-lettering %s fails', async (_label, overrides, error) => {
    const { handle } = failuresById(error ? { 'm-1': error } : {});
    const { invoke, deadLetters } = setup(handle);
    deadLetters.failure = new Error('AWS.SimpleQueueService.NonExistentQueue');

    const response = await invoke(sqsEvent(sqsRecord('m-ok'), sqsRecord('m-1', overrides), sqsRecord('m-ok-2')));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
  });

  it('starts each invocation with no failures left over from the previous one when the handler is reused', async () => {
    const { handle } = failuresById({ 'm-1': new TransientError('timeout') });
    const { invoke } = setup(handle);

    const first = await invoke(sqsEvent(sqsRecord('m-1')));
    const second = await invoke(sqsEvent(sqsRecord('m-2')));

    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(second).toEqual({ batchItemFailures: [] });
  });
});
