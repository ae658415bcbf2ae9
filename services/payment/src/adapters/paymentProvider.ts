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
} from '../domain/paymentProvider';
import {
  assertSameCharge,
  ChargeReversedError,
  declineReasonFor,
  IdempotencyKeyReusedError,
  injectedFailure,
  providerRulesFrom,
  refundVerdict,
  type ProviderRules,
} from '../domain/simulatedProvider';
import { documentClientFromEnv, isConditionalCheckFailure } from './dynamoDb';

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

/**
 * A refund that found nothing charged under a charge key: whatever lands under that key later is refunded at
 * once (a provider's "cancel or refund by merchant reference"), so an attempt still in flight cannot take money
 * after the order gave up on it. `refundId` is minted with the tombstone, so that late refund has a known id.
 */
const storedVoidSchema = z.object({ refundKey: z.string(), refundId: z.string(), voidedAt: z.string() });

/** One item per idempotency key: its attempt count, and for a charge key the charge, its refund or its tombstone. */
const ledgerEntrySchema = z.object({
  idempotencyKey: z.string(),
  operation: z.enum(['charge', 'refund']),
  attempts: z.number().int().nonnegative(),
  charge: storedChargeSchema.optional(),
  refund: storedRefundSchema.optional(),
  voided: storedVoidSchema.optional(),
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

  /**
   * Lands a new charge under its key, unless another attempt stored first (its answer wins) or a refund voided
   * the key first: then the charge is stored already refunded, in the same conditional write, and the attempt
   * is answered {@link ChargeReversedError}. The two conditions make the tombstone and the charge serialise on
   * the one item: a charge either precedes the void (and the refund refunds it) or follows it (and is reversed).
   */
  const landCharge = async (request: ProviderChargeRequest, counted: LedgerEntry): Promise<LedgerEntry> => {
    const charge = newCharge(request);
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { idempotencyKey: request.idempotencyKey },
          UpdateExpression: 'SET #charge = :charge',
          ConditionExpression: 'attribute_exists(idempotencyKey) AND attribute_not_exists(#charge) AND attribute_not_exists(#voided)',
          ExpressionAttributeNames: { '#charge': 'charge', '#voided': 'voided' },
          ExpressionAttributeValues: { ':charge': charge },
        }),
      );
      return { ...counted, charge };
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
    const entry = await readEntry(request.idempotencyKey);
    if (entry.charge || !entry.voided) return entry;
    return reverse(request.idempotencyKey, charge, entry.voided);
  };

  const reverse = async (idempotencyKey: string, charge: StoredCharge, voided: z.infer<typeof storedVoidSchema>): Promise<LedgerEntry> => {
    const refund: StoredRefund = { idempotencyKey: voided.refundKey, refundId: voided.refundId, refundedAt: now().toISOString() };
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { idempotencyKey },
          UpdateExpression: charge.outcome === 'succeeded' ? 'SET #charge = :charge, #refund = :refund' : 'SET #charge = :charge',
          ConditionExpression: 'attribute_not_exists(#charge)',
          ExpressionAttributeNames: { '#charge': 'charge', ...(charge.outcome === 'succeeded' && { '#refund': 'refund' }) },
          ExpressionAttributeValues: { ':charge': charge, ...(charge.outcome === 'succeeded' && { ':refund': refund }) },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
    return readEntry(idempotencyKey);
  };

  /**
   * Leaves the tombstone on a charge key that holds no charge. Refused when a charge got there first: the
   * caller then refunds that charge instead.
   */
  const voidChargeKey = async (chargeKey: string, refundKey: string): Promise<LedgerEntry> => {
    const voided = { refundKey, refundId: newId('re'), voidedAt: now().toISOString() };
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { idempotencyKey: chargeKey },
          // The key may never have reached the provider: the tombstone creates its entry.
          UpdateExpression: 'SET #operation = if_not_exists(#operation, :charge), #attempts = if_not_exists(#attempts, :zero), #voided = :voided',
          ConditionExpression: 'attribute_not_exists(#charge) AND attribute_not_exists(#voided)',
          ExpressionAttributeNames: { '#operation': 'operation', '#attempts': 'attempts', '#charge': 'charge', '#voided': 'voided' },
          ExpressionAttributeValues: { ':charge': 'charge', ':zero': 0, ':voided': voided },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
    return readEntry(chargeKey);
  };

  const readEntry = async (idempotencyKey: string): Promise<LedgerEntry> => {
    const entry = await read(idempotencyKey);
    if (!entry) throw new PermanentError(`ledger entry ${idempotencyKey} was written yet cannot be read`);
    return entry;
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
    async charge(request) {
      const counted = await countAttempt(request.idempotencyKey, 'charge');
      const failure = injectedFailure({ ...request, attempt: counted.attempts }, rules);
      if (failure === 'unavailable') throw failUnavailable(request.idempotencyKey, counted.attempts);
      const entry = counted.charge ? counted : await landCharge(request, counted);
      const charge = entry.charge;
      if (!charge) throw new PermanentError(`ledger entry ${request.idempotencyKey} holds no charge after landing one`);
      assertSameCharge(charge, request);
      if (failure === 'reply-lost') throw failReplyLost(request.idempotencyKey, counted.attempts);
      // A charge under a voided key is only ever there already refunded; a replay answers as the first attempt was.
      if (entry.voided && charge.outcome === 'succeeded') {
        throw new ChargeReversedError(`charge ${request.idempotencyKey} landed after refund ${entry.voided.refundKey} voided it, and was refunded at once`);
      }
      return toProviderCharge(charge);
    },

    async refund(request) {
      const counted = await countAttempt(request.idempotencyKey, 'refund');
      let charged = await read(request.chargeIdempotencyKey);
      const failure = injectedFailure(
        { idempotencyKey: request.idempotencyKey, customerId: charged?.charge?.customerId ?? '', attempt: counted.attempts },
        rules,
      );
      if (failure === 'unavailable') throw failUnavailable(request.idempotencyKey, counted.attempts);
      // Nothing charged yet may mean a charge attempt still in flight: the tombstone makes it refund itself.
      if (!charged?.charge && !charged?.voided) charged = await voidChargeKey(request.chargeIdempotencyKey, request.idempotencyKey);
      let refund: StoredRefund | undefined;
      switch (refundVerdict(charged, request)) {
        case 'nothing-charged':
          break;
        case 'replay':
          refund = charged.refund;
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
      if (failure === 'reply-lost') throw failReplyLost(request.idempotencyKey, counted.attempts);
      const charge = charged.charge;
      if (!refund || !charge?.paymentId) return { outcome: 'nothing-charged' };
      return { outcome: 'refunded', refundId: refund.refundId, paymentId: charge.paymentId, amount: charge.amount };
    },

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
