import { compensationDueBy, compensationMarking, compensationOwed } from '../../../../../services/order/src/domain/compensation';
import { factOf, outcomesOf, placedOrder } from '../support/events';

const ORDER_ID = placedOrder().orderId;
const outcomes = (...types: Parameters<typeof factOf>[0][]) => outcomesOf(...types.map((type) => factOf(type, ORDER_ID)));

describe('compensationOwed', () => {
  it.each([
    [['PaymentSucceeded'], ['refund']],
    [['StockReserved'], ['stock release']],
    [['ShipmentCreated'], ['shipment cancellation']],
    [['PaymentSucceeded', 'StockReserved', 'ShipmentCreated'], ['refund', 'stock release', 'shipment cancellation']],
    [['PaymentSucceeded', 'PaymentRefunded'], []],
    [['StockReserved', 'StockReleased'], []],
    [['ShipmentCreated', 'ShipmentCancelled'], []],
    [['ShipmentCreated', 'ShipmentFailed'], []],
    [['ShipmentCreated', 'ShipmentDelivered'], []],
    [['PaymentDeclined', 'StockReservationFailed'], []],
    [['PaymentRefunded'], []],
  ] as const)('owes %j → %j when a cancelled order recorded them', (recorded, owed) => {
    expect(compensationOwed({ status: 'CANCELLED', outcomes: outcomes(...recorded) })).toEqual(owed);
  });

  it.each(['PLACED', 'CONFIRMED', 'COMPLETED'] as const)('owes nothing when the order is %s', (status) => {
    expect(compensationOwed({ status, outcomes: outcomes('PaymentSucceeded', 'StockReserved') })).toEqual([]);
  });
});

describe('compensationMarking', () => {
  it('marks a cancelled order that owes and is not marked yet', () => {
    expect(compensationMarking({ status: 'CANCELLED', outcomes: outcomes('PaymentSucceeded') })).toBe('mark');
  });

  it('leaves a marked order that still owes as it is', () => {
    expect(compensationMarking({ status: 'CANCELLED', outcomes: outcomes('PaymentSucceeded'), compensationDueBy: '2026-11-25T10:00:00.000Z' })).toBe('none');
  });

  it('unmarks a marked order that owes nothing any more', () => {
    expect(
      compensationMarking({ status: 'CANCELLED', outcomes: outcomes('PaymentSucceeded', 'PaymentRefunded'), compensationDueBy: '2026-11-25T10:00:00.000Z' }),
    ).toBe('unmark');
  });

  it('writes nothing for an order that owes nothing and is not marked', () => {
    expect(compensationMarking({ status: 'CANCELLED', outcomes: outcomes('PaymentDeclined') })).toBe('none');
  });
});

describe('compensationDueBy', () => {
  it('gives the refunds and releases one more outcome wait from when the compensation became owed', () => {
    expect(compensationDueBy({ timeouts: { outcomesSeconds: 900, shipmentSeconds: 604_800 } }, new Date('2026-11-25T09:40:00.000Z'))).toBe('2026-11-25T09:55:00.000Z');
  });
});
