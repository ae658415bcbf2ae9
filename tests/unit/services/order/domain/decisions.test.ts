import {
  decide,
  decidePaymentAndStock,
  decideShipment,
  planWait,
  settleWait,
  wakeUp,
} from '../../../../../services/order/src/domain/decisions';
import { UnexpectedStatusError, UnknownOrderError } from '../../../../../services/order/src/domain/errors';
import type { Order } from '../../../../../services/order/src/domain/order';
import { factOf, NOW, outcomesOf, placedOrder } from '../support/events';

const ORDER = placedOrder().orderId;
const succeeded = (occurredAt = '2026-11-25T09:32:00.000Z') => factOf('PaymentSucceeded', ORDER, { occurredAt });
const reserved = (occurredAt = '2026-11-25T09:35:00.000Z') => factOf('StockReserved', ORDER, { occurredAt });
const declined = factOf('PaymentDeclined', ORDER);
const paymentFailed = factOf('PaymentFailed', ORDER);
const outOfStock = factOf('StockReservationFailed', ORDER);
const delivered = factOf('ShipmentDelivered', ORDER);
const shipmentFailed = factOf('ShipmentFailed', ORDER);

describe('decidePaymentAndStock', () => {
  it('waits when nothing is known', () => {
    expect(decidePaymentAndStock({})).toEqual({ action: 'WAIT' });
  });

  it('waits when only the payment succeeded', () => {
    expect(decidePaymentAndStock(outcomesOf(succeeded()))).toEqual({ action: 'WAIT' });
  });

  it('waits when only the stock is reserved', () => {
    expect(decidePaymentAndStock(outcomesOf(reserved()))).toEqual({ action: 'WAIT' });
  });

  it('confirms, caused by the later of the two, when the payment succeeded and the stock is reserved', () => {
    expect(decidePaymentAndStock(outcomesOf(succeeded(), reserved()))).toEqual({
      action: 'CONFIRM',
      causationId: `${ORDER}:stock-reserved`,
    });
    expect(decidePaymentAndStock(outcomesOf(succeeded('2026-11-25T09:36:00.000Z'), reserved()))).toEqual({
      action: 'CONFIRM',
      causationId: `${ORDER}:payment-succeeded`,
    });
  });

  it.each([
    ['the payment was declined', declined, 'PAYMENT_DECLINED', 'payment-declined'],
    ['the payment failed', paymentFailed, 'PAYMENT_FAILED', 'payment-failed'],
    ['the stock could not be reserved', outOfStock, 'OUT_OF_STOCK', 'stock-reservation-failed'],
  ])('cancels at once, without the other outcome, when %s', (_case, failure, reason, fact) => {
    expect(decidePaymentAndStock(outcomesOf(failure))).toEqual({ action: 'CANCEL', reason, causationId: `${ORDER}:${fact}` });
  });

  it('cancels when the stock failed although the payment succeeded', () => {
    expect(decidePaymentAndStock(outcomesOf(succeeded(), outOfStock))).toMatchObject({ action: 'CANCEL', reason: 'OUT_OF_STOCK' });
  });

  it('cancels when the payment failed although the stock is reserved', () => {
    expect(decidePaymentAndStock(outcomesOf(reserved(), declined))).toMatchObject({ action: 'CANCEL', reason: 'PAYMENT_DECLINED' });
  });

  it('names the payment failure when both sides failed, whatever came first', () => {
    expect(decidePaymentAndStock(outcomesOf(outOfStock, paymentFailed))).toMatchObject({ reason: 'PAYMENT_FAILED' });
    expect(decidePaymentAndStock(outcomesOf(outOfStock, declined))).toMatchObject({ reason: 'PAYMENT_DECLINED' });
  });

  it('cancels when a charge surfaced after the payment failed', () => {
    expect(decidePaymentAndStock(outcomesOf(paymentFailed, succeeded(), reserved()))).toMatchObject({ reason: 'PAYMENT_FAILED' });
  });

  it('waits when only history facts and shipment facts are known', () => {
    const facts = outcomesOf(factOf('PaymentRefunded', ORDER), factOf('StockReleased', ORDER), delivered);

    expect(decidePaymentAndStock(facts)).toEqual({ action: 'WAIT' });
  });
});

describe('decideShipment', () => {
  it('waits when the shipment is only created and dispatched', () => {
    expect(decideShipment(outcomesOf(factOf('ShipmentCreated', ORDER), factOf('ShipmentDispatched', ORDER)))).toEqual({ action: 'WAIT' });
  });

  it('completes with the shipment id when the shipment was delivered', () => {
    expect(decideShipment(outcomesOf(delivered))).toEqual({
      action: 'COMPLETE',
      shipmentId: 'shp_8Vb2Nc4X',
      causationId: `${ORDER}:shipment-delivered`,
    });
  });

  it('cancels for a failed shipment when the shipment failed', () => {
    expect(decideShipment(outcomesOf(shipmentFailed))).toEqual({
      action: 'CANCEL',
      reason: 'SHIPMENT_FAILED',
      causationId: `${ORDER}:shipment-failed`,
    });
  });

  it('completes when the shipment both failed and was delivered, because the customer has the goods', () => {
    expect(decideShipment(outcomesOf(shipmentFailed, delivered))).toMatchObject({ action: 'COMPLETE' });
  });

  it('waits when only payment and stock outcomes are known', () => {
    expect(decideShipment(outcomesOf(succeeded(), reserved()))).toEqual({ action: 'WAIT' });
  });

  it('decides nothing on ShipmentCancelled, which only answers a cancellation the order already made', () => {
    expect(decideShipment(outcomesOf(factOf('ShipmentCreated', ORDER), factOf('ShipmentCancelled', ORDER)))).toEqual({ action: 'WAIT' });
  });
});

describe('decide', () => {
  it('decides on payment and stock when waiting for OUTCOMES and on the shipment when waiting for SHIPMENT', () => {
    const outcomes = outcomesOf(succeeded(), reserved(), delivered);

    expect(decide('OUTCOMES', outcomes)).toMatchObject({ action: 'CONFIRM' });
    expect(decide('SHIPMENT', outcomes)).toMatchObject({ action: 'COMPLETE' });
  });
});

describe('wakeUp', () => {
  const waitingFor = (phase: 'OUTCOMES' | 'SHIPMENT', overrides: Partial<Order>): Order =>
    placedOrder('key-1', { waiting: { phase, token: 'token-1', since: NOW.toISOString() }, ...overrides });

  it('returns nothing when the order is not waiting', () => {
    expect(wakeUp(placedOrder('key-1', { outcomes: outcomesOf(declined) }))).toBeUndefined();
  });

  it('returns nothing when the order waits and what is known does not decide', () => {
    expect(wakeUp(waitingFor('OUTCOMES', { outcomes: outcomesOf(succeeded()) }))).toBeUndefined();
  });

  it('returns the token and the decision when what is known decides the wait', () => {
    expect(wakeUp(waitingFor('OUTCOMES', { outcomes: outcomesOf(declined) }))).toEqual({
      token: 'token-1',
      decision: { action: 'CANCEL', reason: 'PAYMENT_DECLINED', causationId: `${ORDER}:payment-declined` },
    });
  });

  it('returns the shipment decision when the order waits for its shipment', () => {
    const order = waitingFor('SHIPMENT', { status: 'CONFIRMED', outcomes: outcomesOf(succeeded(), reserved(), delivered) });

    expect(wakeUp(order)?.decision).toMatchObject({ action: 'COMPLETE' });
  });

  it('returns nothing when a stale wait is left on an order whose status moved on', () => {
    expect(wakeUp(waitingFor('OUTCOMES', { status: 'CANCELLED', outcomes: outcomesOf(succeeded(), reserved()) }))).toBeUndefined();
    expect(wakeUp(waitingFor('OUTCOMES', { status: 'CONFIRMED', outcomes: outcomesOf(succeeded(), reserved()) }))).toBeUndefined();
  });
});

describe('planWait', () => {
  it.each([
    ['OUTCOMES', 'PLACED'],
    ['SHIPMENT', 'CONFIRMED'],
  ] as const)('expects the order %s-waiting to be %s', (phase, expectedStatus) => {
    expect(planWait({ orderId: ORDER, phase, token: 't' }, NOW)).toEqual({
      orderId: ORDER,
      expectedStatus,
      waiting: { phase, token: 't', since: NOW.toISOString() },
    });
  });
});

describe('settleWait', () => {
  const plan = planWait({ orderId: ORDER, phase: 'OUTCOMES', token: 't' }, NOW);

  it('returns the order when the token was stored', () => {
    const order = placedOrder();

    expect(settleWait(plan, { stored: true, order })).toBe(order);
  });

  it('throws an UnknownOrderError when the order does not exist', () => {
    expect(() => settleWait(plan, { stored: false, order: undefined })).toThrow(UnknownOrderError);
  });

  it('throws an UnexpectedStatusError naming both statuses when the order is in another phase', () => {
    expect(() => settleWait(plan, { stored: false, order: placedOrder('key-1', { status: 'CANCELLED' }) })).toThrow(
      new UnexpectedStatusError(`order ${ORDER} is CANCELLED; waiting for OUTCOMES needs PLACED`),
    );
  });
});
