import type { ShipmentRecord } from '../../../../scripts/invariants';
import { planOrders, type Outcome } from '../../../../scripts/chaos/orderMix';
import { judgeOutcomes, type OrderResult } from '../../../../scripts/chaos/orderOutcomes';

const [planned] = planOrders({ orders: 1, seed: 1, duplicatePostRate: 0 });

/** An order of a scenario that intends COMPLETED, ended with `actual`. */
const ended = (orderId: string, actual: { status: string; reason?: string }): OrderResult => {
  if (!planned) throw new Error('no order planned');
  const order = { ...planned, scenario: 'success' as const, acceptable: [{ status: 'COMPLETED' } as Outcome] };
  return { order, orderId, actual, expected: order.acceptable.some((outcome) => outcome.status === actual.status && outcome.reason === actual.reason) };
};
const shipment = (orderId: string, status: string, failureReason?: string): ShipmentRecord => ({ orderId, shipmentId: `shp_${orderId}`, status, ...(failureReason && { failureReason }) });

describe('judgeOutcomes', () => {
  it('judges nothing when every order ended as its scenario intends', () => {
    expect(judgeOutcomes([ended('ord_1', { status: 'COMPLETED' })], [])).toEqual({ timedOut: [], violations: [] });
  });

  it('names the saga timeout when an order was cancelled because its wait for outcomes ran out', () => {
    const { timedOut, violations } = judgeOutcomes([ended('ord_1', { status: 'CANCELLED', reason: 'OUTCOMES_TIMED_OUT' })], []);

    expect(timedOut).toEqual([{ orderId: 'ord_1', scenario: 'success', outcome: 'CANCELLED / OUTCOMES_TIMED_OUT', cause: 'outcomes wait expired' }]);
    expect(violations).toEqual([]);
  });

  it('names the saga timeout when the shipment failed because the carrier did not report in time', () => {
    const results = [ended('ord_1', { status: 'CANCELLED', reason: 'SHIPMENT_FAILED' }), ended('ord_2', { status: 'CANCELLED', reason: 'SHIPMENT_FAILED' })];

    const { timedOut } = judgeOutcomes(results, [shipment('ord_1', 'FAILED', 'DISPATCH_TIMED_OUT'), shipment('ord_2', 'FAILED', 'DELIVERY_TIMED_OUT')]);

    expect(timedOut.map((order) => order.cause)).toEqual(['shipment timed out', 'shipment timed out']);
  });

  it('names the saga timeout when the order gave up on a shipment that never failed', () => {
    const results = [ended('ord_1', { status: 'CANCELLED', reason: 'SHIPMENT_FAILED' }), ended('ord_2', { status: 'CANCELLED', reason: 'SHIPMENT_FAILED' })];

    const { timedOut } = judgeOutcomes(results, [shipment('ord_1', 'DELIVERED')]);

    expect(timedOut.map((order) => [order.orderId, order.cause])).toEqual([
      ['ord_1', 'shipment wait expired'],
      ['ord_2', 'shipment wait expired'],
    ]);
  });

  it('finds a violation, with the outcomes the scenario allows, when an order ended otherwise for no saga timeout', () => {
    // Arrange
    const results = [
      ended('ord_failed', { status: 'CANCELLED', reason: 'PAYMENT_FAILED' }),
      ended('ord_rejected', { status: 'CANCELLED', reason: 'SHIPMENT_FAILED' }),
      ended('ord_missing', { status: 'MISSING' }),
    ];

    // Act
    const { timedOut, violations } = judgeOutcomes(results, [shipment('ord_rejected', 'FAILED', 'CARRIER_REJECTED')]);

    // Assert
    expect(timedOut).toEqual([]);
    expect(violations).toEqual([
      { orderId: 'ord_failed', scenario: 'success', outcome: 'CANCELLED / PAYMENT_FAILED', allowed: ['COMPLETED'] },
      { orderId: 'ord_rejected', scenario: 'success', outcome: 'CANCELLED / SHIPMENT_FAILED', allowed: ['COMPLETED'] },
      { orderId: 'ord_missing', scenario: 'success', outcome: 'MISSING', allowed: ['COMPLETED'] },
    ]);
  });
});
