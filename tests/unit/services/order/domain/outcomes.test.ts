import { SOURCES } from '#shared/contracts';
import { outcomeContracts, summarizeOutcomes, type OutcomeType } from '../../../../../services/order/src/domain/outcomes';
import { factOf, outcomesOf, placedOrder } from '../support/events';

const ORDER = placedOrder().orderId;

describe('outcomeContracts', () => {
  it('are every fact payment, inventory and shipping publish, and nothing order publishes', () => {
    expect(outcomeContracts.map((contract) => contract.detailType).sort()).toEqual([
      'PaymentDeclined',
      'PaymentFailed',
      'PaymentRefunded',
      'PaymentSucceeded',
      'ShipmentCancelled',
      'ShipmentCreated',
      'ShipmentDelivered',
      'ShipmentDispatched',
      'ShipmentFailed',
      'StockReleased',
      'StockReservationFailed',
      'StockReserved',
    ]);
    expect(outcomeContracts.some((contract) => contract.source === SOURCES.order)).toBe(false);
  });
});

describe('factFrom', () => {
  it('records the outcome, its history entry and its idempotency key when given an event', () => {
    const fact = factOf('PaymentSucceeded', ORDER, {}, new Date('2026-11-25T09:32:01.000Z'));

    expect(fact).toEqual({
      orderId: ORDER,
      detailType: 'PaymentSucceeded',
      idempotencyKey: `${ORDER}:payment-succeeded`,
      outcome: {
        idempotencyKey: `${ORDER}:payment-succeeded`,
        occurredAt: '2026-11-25T09:32:00.000Z',
        data: { orderId: ORDER, paymentId: 'pay_3JkL9wQe', amount: { amount: 5800, currency: 'EUR' } },
      },
      history: {
        detailType: 'PaymentSucceeded',
        source: 'ordering.payment',
        idempotencyKey: `${ORDER}:payment-succeeded`,
        causationId: `${ORDER}:placed`,
        occurredAt: '2026-11-25T09:32:00.000Z',
        recordedAt: '2026-11-25T09:32:01.000Z',
      },
    });
  });
});

describe('summarizeOutcomes', () => {
  const summary = (...types: OutcomeType[]) => summarizeOutcomes(outcomesOf(...types.map((type) => factOf(type, ORDER))));

  it('shows everything pending when nothing is known', () => {
    expect(summarizeOutcomes({})).toEqual({ payment: 'PENDING', stock: 'PENDING', shipment: 'PENDING' });
  });

  it.each<[OutcomeType[], string]>([
    [['PaymentSucceeded'], 'SUCCEEDED'],
    [['PaymentDeclined'], 'DECLINED'],
    [['PaymentFailed'], 'FAILED'],
    [['PaymentSucceeded', 'PaymentRefunded'], 'REFUNDED'],
    [['PaymentRefunded', 'PaymentSucceeded'], 'REFUNDED'],
    [['PaymentFailed', 'PaymentSucceeded'], 'SUCCEEDED'],
  ])('shows the payment when %j are known', (types, payment) => {
    expect(summary(...types).payment).toBe(payment);
  });

  it.each<[OutcomeType[], string]>([
    [['StockReserved'], 'RESERVED'],
    [['StockReservationFailed'], 'FAILED'],
    [['StockReserved', 'StockReleased'], 'RELEASED'],
  ])('shows the stock when %j are known', (types, stock) => {
    expect(summary(...types).stock).toBe(stock);
  });

  it.each<[OutcomeType[], string]>([
    [['ShipmentCreated'], 'CREATED'],
    [['ShipmentCreated', 'ShipmentDispatched'], 'DISPATCHED'],
    [['ShipmentDelivered', 'ShipmentCreated', 'ShipmentDispatched'], 'DELIVERED'],
    [['ShipmentCreated', 'ShipmentFailed'], 'FAILED'],
    [['ShipmentCreated', 'ShipmentDispatched', 'ShipmentCancelled'], 'CANCELLED'],
    [['ShipmentCancelled', 'ShipmentCreated'], 'CANCELLED'],
    [['ShipmentCancelled'], 'CANCELLED'],
  ])('shows the furthest shipment fact when %j are known, in any arrival order', (types, shipment) => {
    expect(summary(...types).shipment).toBe(shipment);
  });
});
