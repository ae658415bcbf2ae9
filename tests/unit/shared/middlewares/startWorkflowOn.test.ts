import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { orderPlaced, type EventOf } from '#shared/contracts';
import { InvalidEventError, TransientError } from '#shared/errors';
import { startWorkflowOn, type DeadLetterPort } from '#shared/middlewares';
import { executionName, type StartResult, type WorkflowStart, type WorkflowStarter } from '#shared/workflows';
import { lambdaContext } from '../../../support/lambdaContext';
import { ORDER_PLACED_BODY, sampleBody, sqsEvent, sqsRecord } from '../../../support/sqsEvents';

const PAYMENT_DECLINED_BODY = sampleBody('PaymentDeclined.v1');
const ORDER_ID = 'ord_7Hq2Kx9mPz4Lw8Rt';
const MAX_RECEIVE_COUNT = 5;

const LAMBDA_CONTEXT = lambdaContext('ordering-payment-dev-onOrderPlaced');

/** An OrderPlaced body for another order, so a batch can hold several distinct facts. */
const orderPlacedFor = (orderId: string): string => ORDER_PLACED_BODY.replaceAll(ORDER_ID, orderId);

class FakeDeadLetters implements DeadLetterPort {
  readonly sent: { messageId: string; error: Error; failedAt: Date }[] = [];

  send(record: SQSRecord, error: Error, failedAt: Date): Promise<void> {
    this.sent.push({ messageId: record.messageId, error, failedAt });
    return Promise.resolve();
  }
}

/** Records every start; answers with the outcome queued for the execution name, or 'started'. */
class FakeWorkflows implements WorkflowStarter {
  readonly starts: WorkflowStart[] = [];
  readonly outcomes = new Map<string, StartResult | Error>();

  start(request: WorkflowStart): Promise<StartResult> {
    this.starts.push(request);
    const outcome = this.outcomes.get(request.name) ?? 'started';
    return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
  }
}

const chargeWorkflowFor = (event: EventOf<typeof orderPlaced>): WorkflowStart => ({
  name: executionName('charge', event.data.orderId),
  input: { orderId: event.data.orderId, total: event.data.total, causationId: event.metadata['idempotency-key'] },
});

const setup = () => {
  const workflows = new FakeWorkflows();
  const deadLetters = new FakeDeadLetters();
  const handler = startWorkflowOn({
    workflows,
    contracts: [orderPlaced],
    workflowFor: chargeWorkflowFor,
    deadLetters,
    logger: new Logger({ serviceName: 'payment', logLevel: 'SILENT' }),
    tracer: new Tracer({ serviceName: 'payment', enabled: false }),
    maxReceiveCount: MAX_RECEIVE_COUNT,
  });
  return { workflows, deadLetters, invoke: (event: SQSEvent) => handler(event, LAMBDA_CONTEXT) };
};

describe('startWorkflowOn', () => {
  it('starts the workflow execution named by workflowFor with its input when a valid event arrives', async () => {
    const { invoke, workflows, deadLetters } = setup();

    const response = await invoke(sqsEvent(sqsRecord('m-1')));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(workflows.starts).toEqual([
      {
        name: `charge-${ORDER_ID}`,
        input: { orderId: ORDER_ID, total: { amount: 5800, currency: 'EUR' }, causationId: `${ORDER_ID}:placed` },
      },
    ]);
    expect(deadLetters.sent).toEqual([]);
  });

  it('starts one execution per record in batch order when the batch holds several orders', async () => {
    const { invoke, workflows } = setup();

    await invoke(sqsEvent(sqsRecord('m-1', { body: orderPlacedFor('ord_AAAA1111') }), sqsRecord('m-2', { body: orderPlacedFor('ord_BBBB2222') })));

    expect(workflows.starts.map((start) => start.name)).toEqual(['charge-ord_AAAA1111', 'charge-ord_BBBB2222']);
  });

  it('reports no failure and dead-letters nothing when the execution was already started by a duplicate', async () => {
    const { invoke, workflows, deadLetters } = setup();
    workflows.outcomes.set(`charge-${ORDER_ID}`, 'already-started');

    const response = await invoke(sqsEvent(sqsRecord('m-1'), sqsRecord('m-2')));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(workflows.starts).toHaveLength(2);
    expect(deadLetters.sent).toEqual([]);
  });

  it.each([
    ['an SDK error', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })],
    ['a TransientError', new TransientError('Step Functions unavailable')],
  ])('reports only that record as a batch failure and does not dead-letter it when starting fails with %s', async (_label, error) => {
    const { invoke, workflows, deadLetters } = setup();
    workflows.outcomes.set('charge-ord_BBBB2222', error);

    const response = await invoke(
      sqsEvent(
        sqsRecord('m-1', { body: orderPlacedFor('ord_AAAA1111') }),
        sqsRecord('m-2', { body: orderPlacedFor('ord_BBBB2222'), receiveCount: 2 }),
        sqsRecord('m-3', { body: orderPlacedFor('ord_CCCC3333') }),
      ),
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
    expect(deadLetters.sent).toEqual([]);
    expect(workflows.starts.map((start) => start.name)).toEqual(['charge-ord_AAAA1111', 'charge-ord_BBBB2222', 'charge-ord_CCCC3333']);
  });

  it('dead-letters the record with its reason when starting still fails on the last receive', async () => {
    const { invoke, workflows, deadLetters } = setup();
    const error = new TransientError('Step Functions unavailable');
    workflows.outcomes.set(`charge-${ORDER_ID}`, error);

    const before = Date.now();

    const response = await invoke(sqsEvent(sqsRecord('m-1', { receiveCount: MAX_RECEIVE_COUNT })));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(deadLetters.sent).toEqual([{ messageId: 'm-1', error, failedAt: expect.any(Date) as unknown }]);
    expect(deadLetters.sent[0]?.failedAt.getTime()).toBeGreaterThanOrEqual(before);
  });

  it('dead-letters the event and starts nothing when its type is not among the contracts', async () => {
    const { invoke, workflows, deadLetters } = setup();

    const response = await invoke(sqsEvent(sqsRecord('m-1', { body: PAYMENT_DECLINED_BODY })));

    expect(response).toEqual({ batchItemFailures: [] });
    expect(workflows.starts).toEqual([]);
    expect(deadLetters.sent.map((sent) => sent.messageId)).toEqual(['m-1']);
    expect(deadLetters.sent[0]?.error).toBeInstanceOf(InvalidEventError);
    expect(deadLetters.sent[0]?.error.message).toContain('PaymentDeclined');
  });
});
