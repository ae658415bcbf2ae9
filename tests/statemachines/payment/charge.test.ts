import {
  assertPaymentInvariants,
  chargeInput,
  lambdaServiceException,
  newOrderId,
  refundInput,
  startPayment,
  type Payment,
} from './harness';
import { anyString } from '../../unit/services/payment/fakes';

// Two dozen workflow runs per file, each on a local DynamoDB: generous on a busy CI machine.
jest.setTimeout(30_000);

const EUR_58 = { amount: 5800, currency: 'EUR' };

describe('charge workflow', () => {
  let payment: Payment;

  beforeAll(async () => {
    payment = await startPayment();
  });
  afterAll(() => payment.stop());

  it('charges once, records CHARGED and publishes PaymentSucceeded when the provider accepts the charge', async () => {
    const orderId = newOrderId('happy');
    const run = payment.charge(chargeInput(orderId));

    await run.result;

    expect(run.statesEntered()).toEqual(['BeginCharge', 'ShouldCharge', 'ChargeThroughProvider', 'ChargeOutcome', 'RecordCharged', 'PublishPaymentSucceeded', 'CancelledWhileCharging', 'Charged']);
    const [charge] = await payment.ledger(orderId);
    expect(await payment.ledger(orderId)).toEqual([expect.objectContaining({ outcome: 'succeeded', amount: EUR_58, attempts: 1 })]);
    expect(await payment.record(orderId)).toMatchObject({ status: 'CHARGED', paymentId: charge?.paymentId, amount: EUR_58 });
    const [event] = payment.events(orderId);
    expect(payment.events(orderId)).toHaveLength(1);
    expect(event).toMatchObject({
      detailType: 'PaymentSucceeded',
      detail: {
        metadata: { 'idempotency-key': `${orderId}:payment-succeeded`, 'correlation-id': orderId, 'causation-id': `${orderId}:placed` },
        data: { orderId, paymentId: charge?.paymentId, amount: EUR_58 },
      },
    });
  });

  it.each([
    ['cus_declined_1', EUR_58, 'CARD_DECLINED'],
    ['cus_broke_1', EUR_58, 'INSUFFICIENT_FUNDS'],
    ['cus_42', { amount: 1_000_001, currency: 'EUR' }, 'AMOUNT_LIMIT_EXCEEDED'],
  ])('records DECLINED and publishes PaymentDeclined when the provider declines %s with %j', async (customerId, amount, reason) => {
    const orderId = newOrderId('declined');
    const run = payment.charge(chargeInput(orderId, customerId, amount));

    await run.result;

    expect(run.statesEntered().slice(-4)).toEqual(['ChargeOutcome', 'RecordDeclined', 'PublishPaymentDeclined', 'Declined']);
    expect(await payment.record(orderId)).toMatchObject({ status: 'DECLINED', declineReason: reason });
    expect(await payment.ledger(orderId)).toEqual([expect.objectContaining({ outcome: 'declined', attempts: 1 })]);
    expect(payment.events(orderId).map((event) => [event.detailType, event.detail.data])).toEqual([['PaymentDeclined', { orderId, reason }]]);
  });

  it('retries the provider and charges once when its first attempts fail before it acts', async () => {
    const orderId = newOrderId('flaky');
    const run = payment.charge(chargeInput(orderId, 'cus_flaky2_1'));

    await run.result;

    expect(run.events.filter((event) => event.type === 'StateRetried' && event.stateName === 'ChargeThroughProvider')).toHaveLength(2);
    expect(await payment.ledger(orderId)).toEqual([expect.objectContaining({ outcome: 'succeeded', attempts: 3 })]);
    expect(await payment.record(orderId)).toMatchObject({ status: 'CHARGED' });
    expect(payment.events(orderId).map((event) => event.detailType)).toEqual(['PaymentSucceeded']);
  });

  it('retries and reports the original charge when the provider charged but its replies were lost', async () => {
    const orderId = newOrderId('timeout');
    const run = payment.charge(chargeInput(orderId, 'cus_timeout2_1'));

    await run.result;

    const charges = await payment.ledger(orderId);
    expect(charges).toEqual([expect.objectContaining({ outcome: 'succeeded', attempts: 3 })]);
    expect(payment.events(orderId).map((event) => event.detail.data)).toEqual([{ orderId, paymentId: charges[0]?.paymentId, amount: EUR_58 }]);
  });

  it('records FAILED and publishes PaymentFailed with the attempts made when every retry fails', async () => {
    const orderId = newOrderId('exhausted');
    const run = payment.charge(chargeInput(orderId, 'cus_flaky9_1'));

    await run.result;

    expect(run.statesEntered().slice(-5)).toEqual(['RetriesExhausted', 'RecordFailed', 'PublishPaymentFailed', 'CancelledWhileFailing', 'PaymentFailureReported']);
    expect(await payment.record(orderId)).toMatchObject({ status: 'FAILED', failure: { attempts: 4, error: 'TransientError' } });
    expect(await payment.ledger(orderId)).toEqual([]);
    expect(payment.events(orderId).map((event) => [event.detailType, event.detail.data])).toEqual([['PaymentFailed', { orderId, attempts: 4 }]]);
  });

  it('records FAILED without retrying when the provider refuses the request permanently', async () => {
    const orderId = newOrderId('refused');
    // The order's charge key was already used for another amount: the provider refuses it, as real APIs do.
    await payment.provider.charge({ idempotencyKey: `${orderId}:charge`, orderId, customerId: 'cus_42', amount: { amount: 1, currency: 'EUR' } });
    const run = payment.charge(chargeInput(orderId));

    await run.result;

    expect(run.events.filter((event) => event.type === 'StateRetried')).toEqual([]);
    expect(run.statesEntered()).toContain('ChargeRefused');
    expect(await payment.record(orderId)).toMatchObject({ status: 'FAILED', failure: { attempts: 1, error: 'IdempotencyKeyReusedError' } });
    expect(payment.events(orderId).map((event) => event.detailType)).toEqual(['PaymentFailed']);
  });

  it('never calls the provider when the cancellation arrived before the charge (tombstone)', async () => {
    const orderId = newOrderId('tombstone');
    await payment.refund(refundInput(orderId)).result;
    const run = payment.charge(chargeInput(orderId));

    await run.result;

    expect(run.statesEntered()).toEqual(['BeginCharge', 'ShouldCharge', 'CancelledBeforeCharge']);
    expect(await payment.record(orderId)).toMatchObject({ status: 'CANCELLED', cancellation: { reason: 'OUT_OF_STOCK' } });
    expect(await payment.ledger(orderId)).toEqual([]);
    expect(payment.events(orderId)).toEqual([]);
  });

  it('refunds the charge and publishes PaymentSucceeded then PaymentRefunded when the cancellation arrives while the charge is in flight', async () => {
    const orderId = newOrderId('late');
    const refunds: string[][] = [];
    const run = payment.charge(chargeInput(orderId), {
      // The provider has charged; its answer has not reached the workflow yet when the order is cancelled.
      chargePayment: {
        after: async () => {
          const refund = payment.refund(refundInput(orderId));
          await refund.result;
          refunds.push(refund.statesEntered());
        },
      },
    });

    await run.result;

    expect(refunds).toEqual([['CancelPayment', 'RefundDue', 'NothingToRefund']]);
    expect(run.statesEntered().slice(4)).toEqual([
      'RecordCharged',
      'PublishPaymentSucceeded',
      'CancelledWhileCharging',
      'RefundLateCharge',
      'LateChargeRefunded',
      'PublishLateChargeRefunded',
      'LateChargeCompensated',
    ]);
    const [charge] = await payment.ledger(orderId);
    expect(charge).toMatchObject({ outcome: 'succeeded', refundId: anyString });
    expect(await payment.record(orderId)).toMatchObject({ status: 'REFUNDED', refundId: charge?.refundId, cancellation: { reason: 'OUT_OF_STOCK' } });
    expect(payment.events(orderId).map((event) => [event.detailType, event.detail.metadata['causation-id']])).toEqual([
      ['PaymentSucceeded', `${orderId}:placed`],
      ['PaymentRefunded', `${orderId}:cancelled`],
    ]);
  });

  it('settles with the provider and refunds the charge that surfaced when the cancellation arrives during a charge whose replies are lost', async () => {
    const orderId = newOrderId('lostcancel');
    const run = payment.charge(chargeInput(orderId, 'cus_timeout5_1'), {
      chargePayment: {
        before: async (invocation) => {
          if (invocation === 1) await payment.refund(refundInput(orderId)).result;
        },
      },
    });

    await run.result;

    expect(run.statesEntered()).toEqual(
      expect.arrayContaining(['RecordFailed', 'PublishPaymentFailed', 'CancelledWhileFailing', 'RefundLateCharge', 'PublishLateChargeRefunded']),
    );
    expect(await payment.ledger(orderId)).toEqual([expect.objectContaining({ outcome: 'succeeded', refundId: anyString })]);
    expect(await payment.record(orderId)).toMatchObject({ status: 'REFUNDED' });
    expect(payment.events(orderId).map((event) => event.detailType)).toEqual(['PaymentFailed', 'PaymentRefunded']);
  });

  it('charges once and publishes each fact under one idempotency key when every task reply is lost once', async () => {
    const orderId = newOrderId('duplicates');
    const lostOnce = { after: (invocation: number) => (invocation === 1 ? Promise.reject(lambdaServiceException()) : Promise.resolve()) };
    const run = payment.charge(chargeInput(orderId), {
      beginCharge: lostOnce,
      chargePayment: lostOnce,
      recordChargeOutcome: lostOnce,
      publishPaymentEvent: lostOnce,
    });

    await run.result;

    expect(run.events.filter((event) => event.type === 'StateRetried').map((event) => event.stateName)).toEqual([
      'BeginCharge',
      'ChargeThroughProvider',
      'RecordCharged',
      'PublishPaymentSucceeded',
    ]);
    expect(await payment.ledger(orderId)).toEqual([expect.objectContaining({ outcome: 'succeeded', attempts: 2 })]);
    expect(await payment.record(orderId)).toMatchObject({ status: 'CHARGED' });
    const events = payment.events(orderId);
    expect(events).toHaveLength(2);
    expect(events[1]).toEqual(events[0]);
  });

  it('charges nothing more when a second execution runs for an order already charged', async () => {
    const orderId = newOrderId('rerun');
    await payment.charge(chargeInput(orderId)).result;

    const rerun = payment.charge(chargeInput(orderId));
    await rerun.result;

    expect(rerun.statesEntered()).toEqual(['BeginCharge', 'ShouldCharge', 'AlreadySettled']);
    expect(await payment.ledger(orderId)).toEqual([expect.objectContaining({ attempts: 1 })]);
    expect(payment.events(orderId)).toHaveLength(1);
  });

  it('refunds a charge that lands after the refund found nothing, when its attempt was still in flight as the workflow gave up', async () => {
    // The first charge attempt times out on the client side (Lambda.ClientExecutionTimeoutException) while its
    // invocation runs on; the retries meet a provider that is down, the charge is recorded FAILED, the order
    // is cancelled and the refund finds nothing under the charge key. Only then does the first attempt land.
    const orderId = newOrderId('lateattempt');
    const input = chargeInput(orderId, 'cus_flaky3_late');
    let inFlight: (() => Promise<unknown>) | undefined;
    const chargeRun = payment.charge(input, {
      chargePayment: {
        before: (invocation) => {
          if (invocation > 1) return Promise.resolve();
          inFlight = () => payment.provider.charge({ idempotencyKey: `${orderId}:charge`, customerId: input.customerId, amount: input.amount, orderId });
          return Promise.reject(Object.assign(new Error('the invoke timed out on the client'), { name: 'Lambda.ClientExecutionTimeoutException' }));
        },
      },
    });
    await chargeRun.result;
    expect(await payment.record(orderId)).toMatchObject({ status: 'FAILED' });
    const refundRun = payment.refund(refundInput(orderId));
    await refundRun.result;
    expect(refundRun.statesEntered()).toContain('NothingWasCharged');

    const late = await inFlight?.().catch((error: unknown) => error);

    expect(late).toMatchObject({ name: 'ChargeReversedError' });
    expect(await payment.ledger(orderId)).toEqual([expect.objectContaining({ outcome: 'succeeded', refundId: anyString })]);
    await assertPaymentInvariants(payment, orderId, { cancelled: true });
  });

  it('fails the execution when a task input breaks its schema', async () => {
    const run = payment.charge({ ...chargeInput(newOrderId('invalid')), orderId: 'not-an-order' });

    await expect(run.result).rejects.toMatchObject({ name: 'InvalidTaskInputError' });
    expect(run.events.filter((event) => event.type === 'StateRetried')).toEqual([]);
    expect(run.statesEntered()).toEqual(['BeginCharge']);
  });
});

describe('a cancellation at any point of the charge', () => {
  let payment: Payment;

  beforeAll(async () => {
    payment = await startPayment();
  });
  afterAll(() => payment.stop());

  // Accepted; accepted after retries; charged with the first replies lost; charged yet reported FAILED;
  // never reached (FAILED, nothing charged); declined.
  const customers = ['cus_42', 'cus_flaky2_x', 'cus_timeout2_x', 'cus_timeout5_x', 'cus_flaky9_x', 'cus_declined_x'];
  const points = ['beginCharge', 'chargePayment', 'recordChargeOutcome', 'publishPaymentEvent'] as const;
  const cases = customers.flatMap((customer) =>
    [...points.flatMap((point) => (['before', 'after'] as const).map((moment) => [customer, moment, point] as const)), [customer, 'after', 'the workflow'] as const],
  );

  it.each(cases)('leaves %s with no unrefunded charge when the cancellation arrives %s %s', async (customer, moment, point) => {
    const orderId = newOrderId('anytime');
    let cancelled = false;
    const cancel = async () => {
      if (cancelled) return;
      cancelled = true;
      await payment.refund(refundInput(orderId)).result;
    };
    const run = payment.charge(chargeInput(orderId, customer), point === 'the workflow' ? {} : { [point]: { [moment]: cancel } });

    await run.result;
    await cancel();

    await assertPaymentInvariants(payment, orderId, { cancelled: true });
    const record = (await payment.record(orderId)) as { status: string } | undefined;
    expect(['REFUNDED', 'DECLINED', 'FAILED', 'CANCELLED']).toContain(record?.status);
    const succeeded = (await payment.ledger(orderId)).some((charge) => charge.outcome === 'succeeded');
    expect(payment.events(orderId).some((event) => event.detailType === 'PaymentRefunded')).toBe(succeeded);
  });
});

describe('charges under a provider failure rate', () => {
  let payment: Payment;

  beforeAll(async () => {
    payment = await startPayment({ rules: { transientFailureRate: 0.5 } });
  });
  afterAll(() => payment.stop());

  it('charges each order at most once and leaves no cancelled order holding an unrefunded charge', async () => {
    // Fixed ids: the injected failures are drawn from the idempotency keys, so this run replays identically.
    const orders = Array.from({ length: 30 }, (_, i) => ({ orderId: `ord_chaosrate${String(i).padStart(4, '0')}`, cancelled: i % 3 !== 0 }));

    await Promise.all(
      orders.map(async ({ orderId, cancelled }, i) => {
        let cancelling: Promise<unknown> | undefined;
        const cancel = () => (cancelling ??= payment.refund(refundInput(orderId)).result);
        // Cancel while the charge is in flight for some orders (once the provider has answered), after it for
        // others, never for the rest.
        const during = cancelled && i % 2 === 0;
        await payment.charge(chargeInput(orderId), during ? { chargePayment: { after: () => cancel().then(() => undefined) } } : {}).result;
        if (cancelled) await cancel();
      }),
    );

    for (const { orderId, cancelled } of orders) {
      await assertPaymentInvariants(payment, orderId, { cancelled });
      const record = (await payment.record(orderId)) as { status: string; paymentId?: string } | undefined;
      const succeeded = (await payment.ledger(orderId)).filter((charge) => charge.outcome === 'succeeded');
      if (record?.status === 'CHARGED') expect(succeeded.map((charge) => charge.paymentId)).toEqual([record.paymentId]);
      if (!cancelled) expect(['CHARGED', 'FAILED']).toContain(record?.status);
    }
    const statuses = await Promise.all(orders.map(async ({ orderId }) => ((await payment.record(orderId)) as { status: string }).status));
    // The run covers charges that failed outright as well as charged, refunded and compensated ones.
    expect(new Set(statuses)).toEqual(new Set(['CHARGED', 'REFUNDED', 'FAILED']));
  }, 60_000);
});
