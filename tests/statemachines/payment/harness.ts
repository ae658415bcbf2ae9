import '../../unit/services/payment/env';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamo, type LocalDynamo } from '../../support/dynalite';
import { runWorkflow, type TaskHandler, type WorkflowRun } from '../../support/workflows';
import { documentClient } from '../../../services/payment/src/adapters/dynamoDb';
import { createSimulatedProvider, type LedgerCharge } from '../../../services/payment/src/adapters/paymentProvider';
import { createPaymentRepository } from '../../../services/payment/src/adapters/paymentRepository';
import type { ProviderRules } from '../../../services/payment/src/domain/simulatedProvider';
import { makeHandler as beginCharge } from '../../../services/payment/src/handlers/beginCharge';
import { makeHandler as cancelPayment } from '../../../services/payment/src/handlers/cancelPayment';
import { makeHandler as chargePayment } from '../../../services/payment/src/handlers/chargePayment';
import { makeHandler as publishPaymentEvent } from '../../../services/payment/src/handlers/publishPaymentEvent';
import { makeHandler as recordChargeOutcome } from '../../../services/payment/src/handlers/recordChargeOutcome';
import { makeHandler as refundPayment } from '../../../services/payment/src/handlers/refundPayment';
import { disabledTracer, FakePublisher, lambdaContext, silentLogger } from '../../unit/services/payment/fakes';

export const TABLES = { payments: 'ordering-payment-dev-payments', providerLedger: 'ordering-payment-dev-provider-ledger' };

export type FunctionKey =
  | 'beginCharge'
  | 'chargePayment'
  | 'recordChargeOutcome'
  | 'cancelPayment'
  | 'refundPayment'
  | 'publishPaymentEvent';

/**
 * Wraps one function so a test can act around it: `before` runs ahead of the function, `after` once it has
 * done its work (successfully) but before its reply reaches the workflow: the window in which a real
 * invocation can race another workflow or lose its reply. Both receive the 1-based invocation count.
 */
export interface Interception {
  before?: (invocation: number) => Promise<void>;
  after?: (invocation: number) => Promise<void>;
}

let orderSeq = 0;
/** A fresh, valid order id per test, so tests share one table without cleaning it. */
export const newOrderId = (label: string) => `ord_${label.replace(/[^A-Za-z0-9]/g, '').slice(0, 20)}${String(++orderSeq).padStart(6, '0')}`;

export const chargeInput = (orderId: string, customerId = 'cus_42', amount = { amount: 5800, currency: 'EUR' }) => ({
  orderId,
  customerId,
  amount,
  causationId: `${orderId}:placed`,
});

export const refundInput = (orderId: string, reason = 'OUT_OF_STOCK') => ({ orderId, reason, causationId: `${orderId}:cancelled` });

/**
 * The payment service as its workflows see it: the real handlers, their real DynamoDB adapters on a local
 * DynamoDB built from the packaged template, the simulated provider on its ledger table, and an in-memory
 * publisher standing in for EventBridge.
 */
export const startPayment = async ({ rules = {} }: { rules?: Partial<ProviderRules> } = {}) => {
  const dynamo: LocalDynamo = await startDynamo(['payment']);
  const client = documentClient(dynamo.client);
  const payments = createPaymentRepository({ client, tableName: TABLES.payments });
  const provider = createSimulatedProvider({
    client,
    tableName: TABLES.providerLedger,
    rules: { amountLimit: 1_000_000, transientFailureRate: 0, ...rules },
  });
  const publisher = new FakePublisher();
  const logger = silentLogger();
  const tracer = disabledTracer();
  const handlers: Record<FunctionKey, (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>> = {
    beginCharge: beginCharge({ payments, logger, tracer }),
    chargePayment: chargePayment({ provider, logger, tracer }),
    recordChargeOutcome: recordChargeOutcome({ payments, logger, tracer }),
    cancelPayment: cancelPayment({ payments, logger, tracer }),
    refundPayment: refundPayment({ payments, provider, logger, tracer }),
    publishPaymentEvent: publishPaymentEvent({ publisher, logger, tracer }),
  };

  const bind = (interceptions: Partial<Record<FunctionKey, Interception>>): Record<string, TaskHandler> =>
    Object.fromEntries(
      Object.entries(handlers).map(([key, handler]) => {
        const interception = interceptions[key as FunctionKey];
        let invocations = 0;
        const task = async (payload: unknown) => {
          const invocation = ++invocations;
          await interception?.before?.(invocation);
          const result = await handler(payload, lambdaContext(key));
          await interception?.after?.(invocation);
          return result;
        };
        return [key, task];
      }),
    );

  const run = (workflow: 'charge' | 'refund', input: { orderId: string }, interceptions: Partial<Record<FunctionKey, Interception>> = {}): WorkflowRun =>
    runWorkflow({ stack: 'payment', workflow, input, handlers: bind(interceptions), executionName: `${workflow}-${input.orderId}` });

  return {
    payments,
    provider,
    publisher,
    charge: (input: ReturnType<typeof chargeInput>, interceptions?: Partial<Record<FunctionKey, Interception>>) => run('charge', input, interceptions),
    refund: (input: ReturnType<typeof refundInput>, interceptions?: Partial<Record<FunctionKey, Interception>>) => run('refund', input, interceptions),
    /** The payment record as stored. */
    record: async (orderId: string) =>
      (await client.send(new GetCommand({ TableName: TABLES.payments, Key: { orderId }, ConsistentRead: true }))).Item,
    /** The provider's charges for one order (its ledger, read like a dashboard). */
    ledger: async (orderId: string): Promise<LedgerCharge[]> => (await provider.charges()).filter((charge) => charge.orderId === orderId),
    /** Events published for one order, in order. */
    events: (orderId: string) => publisher.published.filter((event) => event.detail.metadata['correlation-id'] === orderId),
    stop: () => dynamo.stop(),
  };
};

export type Payment = Awaited<ReturnType<typeof startPayment>>;

/** An error with the name Lambda gives a failed invoke whose function may have run: what a lost reply looks like. */
export const lambdaServiceException = () => Object.assign(new Error('Lambda could not return the response'), { name: 'Lambda.ServiceException' });

/**
 * The invariants the chaos checks assert, for one order: at most one charge at the provider, and a cancelled
 * order holds no charge that was not refunded.
 */
export const assertPaymentInvariants = async (payment: Payment, orderId: string, { cancelled }: { cancelled: boolean }) => {
  const charges = await payment.ledger(orderId);
  expect(charges.length).toBeLessThanOrEqual(1);
  if (cancelled) {
    for (const charge of charges.filter((c) => c.outcome === 'succeeded')) expect(charge.refundId).toEqual(expect.any(String));
  }
};
