import { randomUUID } from 'node:crypto';
import { GetCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { moneySchema, type Money } from '#shared/contracts';
import { PermanentError, TransientError } from '#shared/errors';
import { requireEnv } from '#shared/runtime';
import {
  declineReasons,
  type PaymentProvider,
  type ProviderCharge,
  type ProviderChargeRequest,
  type ProviderRefund,
} from '../domain/paymentProvider';
import {
  assertSameCharge,
  declineReasonFor,
  IdempotencyKeyReusedError,
  injectedFailure,
  providerRulesFrom,
  refundVerdict,
  type ProviderRules,
} from '../domain/simulatedProvider';
import { documentClientFromEnv, isConditionalCheckFailure } from './dynamoDb';
import { retryable } from './retryable';

const storedChargeSchema = z.object({
  orderId: z.string(),
  customerId: z.string(),
  amount: moneySchema,
  outcome: z.enum(['succeeded', 'declined']),
  paymentId: z.string().optional(),
  declineReason: z.enum(declineReasons).optional(),
  processedAt: z.string(),
});
type StoredCharge = z.infer<typeof storedChargeSchema>;

const storedRefundSchema = z.object({ idempotencyKey: z.string(), refundId: z.string(), refundedAt: z.string() });
type StoredRefund = z.infer<typeof storedRefundSchema>;

/** One item per idempotency key: its attempt count, and for a charge key the charge and its refund. */
const ledgerEntrySchema = z.object({
  idempotencyKey: z.string(),
  operation: z.enum(['charge', 'refund']),
  attempts: z.number().int().nonnegative(),
  charge: storedChargeSchema.optional(),
  refund: storedRefundSchema.optional(),
});
type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

/** A charge as the provider's dashboard shows it: what reconciliation and the invariant checks read. */
export interface LedgerCharge {
  idempotencyKey: string;
  orderId: string;
  customerId: string;
  amount: Money;
  outcome: 'succeeded' | 'declined';
  paymentId?: string;
  attempts: number;
  refundId?: string;
}

export type SimulatedPaymentProvider = PaymentProvider & {
  /** Every charge in the ledger (a full scan: for tests and reconciliation, never on a request path). */
  charges(): Promise<LedgerCharge[]>;
};

export interface SimulatedProviderOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  rules: ProviderRules;
  newId?: (prefix: 'pay' | 're') => string;
  now?: () => Date;
}

/**
 * The simulated payment provider, with its state in a DynamoDB "provider ledger" table so that it behaves like
 * a remote API: it outlives any one Lambda invocation and every function sees the same charges. It honours
 * idempotency keys as real payment APIs do (a key replays its first answer; a key reused with other parameters
 * is refused), declines and fails by the deterministic rules of `simulatedProvider.ts`, and counts attempts
 * per key so that "fail the first N attempts" holds across invocations.
 */
export const createSimulatedProvider = ({
  client,
  tableName,
  rules,
  newId = (prefix) => `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 24)}`,
  now = () => new Date(),
}: SimulatedProviderOptions): SimulatedPaymentProvider => {
  const read = async (idempotencyKey: string): Promise<LedgerEntry | undefined> => {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { idempotencyKey }, ConsistentRead: true }));
    return Item ? parseEntry(Item) : undefined;
  };

  /** Counts the attempt before anything else, as a provider logs every request it receives. */
  const countAttempt = async (idempotencyKey: string, operation: LedgerEntry['operation']): Promise<LedgerEntry> => {
    const { Attributes } = await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { idempotencyKey },
        UpdateExpression: 'SET #operation = if_not_exists(#operation, :operation) ADD #attempts :one',
        ExpressionAttributeNames: { '#operation': 'operation', '#attempts': 'attempts' },
        ExpressionAttributeValues: { ':operation': operation, ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const entry = parseEntry(Attributes);
    if (entry.operation !== operation) {
      throw new IdempotencyKeyReusedError(`idempotency key ${idempotencyKey} was first used for a ${entry.operation}, not a ${operation}`);
    }
    return entry;
  };

  /** Stores the key's first answer; a concurrent request with the same key that stored first wins. */
  const storeOnce = async <K extends 'charge' | 'refund'>(idempotencyKey: string, attribute: K, value: NonNullable<LedgerEntry[K]>) => {
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { idempotencyKey },
          UpdateExpression: 'SET #value = :value',
          ConditionExpression: 'attribute_exists(idempotencyKey) AND attribute_not_exists(#value)',
          ExpressionAttributeNames: { '#value': attribute },
          ExpressionAttributeValues: { ':value': value },
        }),
      );
      return value;
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
    const stored = (await read(idempotencyKey))?.[attribute];
    if (!stored) throw new PermanentError(`ledger entry ${idempotencyKey} refused its ${attribute} yet holds none`);
    return stored as NonNullable<LedgerEntry[K]>;
  };

  /** The provider's verdict on a key it has not processed yet; the decline rules are the domain's. */
  const newCharge = (request: ProviderChargeRequest): StoredCharge => {
    const { orderId, customerId, amount } = request;
    const declineReason = declineReasonFor(request, rules);
    const processedAt = now().toISOString();
    return declineReason
      ? { orderId, customerId, amount, outcome: 'declined', declineReason, processedAt }
      : { orderId, customerId, amount, outcome: 'succeeded', paymentId: newId('pay'), processedAt };
  };

  const failUnavailable = (key: string, attempt: number) =>
    new TransientError(`payment provider unavailable (attempt ${attempt} of ${key})`);
  const failReplyLost = (key: string, attempt: number) =>
    new TransientError(`payment provider did not answer in time (attempt ${attempt} of ${key}); it may have acted`);

  return {
    charge: (request) =>
      retryable(`charging ${request.idempotencyKey}`, async () => {
        const entry = await countAttempt(request.idempotencyKey, 'charge');
        const failure = injectedFailure({ ...request, attempt: entry.attempts }, rules);
        if (failure === 'unavailable') throw failUnavailable(request.idempotencyKey, entry.attempts);
        const charge = entry.charge ?? (await storeOnce(request.idempotencyKey, 'charge', newCharge(request)));
        assertSameCharge(charge, request);
        if (failure === 'reply-lost') throw failReplyLost(request.idempotencyKey, entry.attempts);
        return toProviderCharge(charge);
      }),

    refund: (request) =>
      retryable(`refunding ${request.chargeIdempotencyKey}`, async (): Promise<ProviderRefund> => {
        const entry = await countAttempt(request.idempotencyKey, 'refund');
        const charged = await read(request.chargeIdempotencyKey);
        const failure = injectedFailure(
          { idempotencyKey: request.idempotencyKey, customerId: charged?.charge?.customerId ?? '', attempt: entry.attempts },
          rules,
        );
        if (failure === 'unavailable') throw failUnavailable(request.idempotencyKey, entry.attempts);
        let refund: StoredRefund | undefined;
        switch (refundVerdict(charged ?? {}, request)) {
          case 'nothing-charged':
            break;
          case 'replay':
            refund = charged?.refund;
            break;
          case 'refund':
            refund = await storeOnce(request.chargeIdempotencyKey, 'refund', {
              idempotencyKey: request.idempotencyKey,
              refundId: newId('re'),
              refundedAt: now().toISOString(),
            });
            // A concurrent refund under another key stored first: refuse, as a replay of that one would be wrong.
            refundVerdict({ ...charged, refund }, request);
            break;
        }
        if (failure === 'reply-lost') throw failReplyLost(request.idempotencyKey, entry.attempts);
        const charge = charged?.charge;
        if (!refund || !charge?.paymentId) return { outcome: 'nothing-charged' };
        return { outcome: 'refunded', refundId: refund.refundId, paymentId: charge.paymentId, amount: charge.amount };
      }),

    async charges() {
      const charges: LedgerCharge[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey }));
        for (const item of page.Items ?? []) {
          const { idempotencyKey, attempts, charge, refund } = parseEntry(item);
          if (!charge) continue;
          charges.push({
            idempotencyKey,
            orderId: charge.orderId,
            customerId: charge.customerId,
            amount: charge.amount,
            outcome: charge.outcome,
            attempts,
            ...(charge.paymentId && { paymentId: charge.paymentId }),
            ...(refund && { refundId: refund.refundId }),
          });
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return charges;
    },
  };
};

const toProviderCharge = (charge: StoredCharge): ProviderCharge => {
  if (charge.outcome === 'succeeded' && charge.paymentId) {
    return { outcome: 'succeeded', paymentId: charge.paymentId, amount: charge.amount };
  }
  if (charge.outcome === 'declined' && charge.declineReason) return { outcome: 'declined', reason: charge.declineReason };
  throw new PermanentError(`ledger charge for ${charge.orderId} is malformed`);
};

const parseEntry = (item: Record<string, unknown> | undefined): LedgerEntry => {
  const parsed = ledgerEntrySchema.safeParse(item);
  if (!parsed.success) throw new PermanentError(`provider ledger entry is malformed: ${parsed.error.message}`);
  return parsed.data;
};

/**
 * The production provider: the ledger named in `PROVIDER_LEDGER_TABLE_NAME`, chaos from
 * `PROVIDER_TRANSIENT_FAILURE_RATE` (0 when unset) and the limit from `PROVIDER_AMOUNT_LIMIT` (optional).
 */
export const paymentProviderFromEnv = (tracer?: { captureAWSv3Client<T>(client: T): T }): SimulatedPaymentProvider =>
  createSimulatedProvider({
    client: documentClientFromEnv(tracer),
    tableName: requireEnv('PROVIDER_LEDGER_TABLE_NAME'),
    rules: providerRulesFrom({
      transientFailureRate: process.env.PROVIDER_TRANSIENT_FAILURE_RATE,
      amountLimit: process.env.PROVIDER_AMOUNT_LIMIT,
    }),
  });
