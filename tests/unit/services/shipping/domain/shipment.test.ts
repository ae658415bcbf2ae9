import {
  CARRIER_STATUSES,
  expiryOf,
  isWaitOver,
  movesFrom,
  reportedAtField,
  SHIPMENT_STATUSES,
  statusAfter,
  waitOutcomeOf,
  wakeUp,
  wakeUpOnReport,
  type CarrierStatus,
  type Shipment,
  type ShipmentStatus,
} from '../../../../../services/shipping/src/domain/shipment';

const shipment = (overrides: Partial<Shipment> = {}): Shipment => ({
  orderId: 'ord_7Hq2Kx9mPz4Lw8Rt',
  shipmentId: 'shp_8Vb2Nc4X',
  carrier: 'simulated-post',
  trackingNumber: 'SP123456789GB',
  status: 'CREATED',
  createdAt: '2026-11-25T09:38:00.000Z',
  callbacks: {},
  ...overrides,
});

describe('statusAfter', () => {
  const table: [ShipmentStatus, CarrierStatus, ShipmentStatus][] = [
    ['CREATED', 'DISPATCHED', 'DISPATCHED'],
    ['CREATED', 'DELIVERED', 'DELIVERED'],
    ['DISPATCHED', 'DISPATCHED', 'DISPATCHED'],
    ['DISPATCHED', 'DELIVERED', 'DELIVERED'],
    ['DELIVERED', 'DISPATCHED', 'DELIVERED'],
    ['DELIVERED', 'DELIVERED', 'DELIVERED'],
    ['FAILED', 'DISPATCHED', 'FAILED'],
    ['FAILED', 'DELIVERED', 'FAILED'],
    ['CANCELLED', 'DISPATCHED', 'CANCELLED'],
    ['CANCELLED', 'DELIVERED', 'CANCELLED'],
  ];

  it.each(table)('moves a %s shipment on when the carrier reports %s, to %s', (current, reported, expected) => {
    expect(statusAfter(current, reported)).toBe(expected);
  });

  it('covers every status and report', () => {
    expect(table).toHaveLength(SHIPMENT_STATUSES.length * CARRIER_STATUSES.length);
  });

  it('never moves a status backwards when reports arrive in any order', () => {
    const rank: Record<ShipmentStatus, number> = { CREATED: 0, DISPATCHED: 1, DELIVERED: 2, FAILED: 3, CANCELLED: 3 };
    for (const current of SHIPMENT_STATUSES) {
      for (const reported of CARRIER_STATUSES) {
        const next = statusAfter(current, reported);
        expect(next === current || rank[next] > rank[current]).toBe(true);
      }
    }
  });
});

describe('movesFrom', () => {
  it('lets a dispatch report move only a created shipment', () => {
    expect(movesFrom('DISPATCHED')).toEqual(['CREATED']);
  });

  it('lets a delivery report overtake a missing dispatch report', () => {
    expect(movesFrom('DELIVERED')).toEqual(['CREATED', 'DISPATCHED']);
  });
});

describe('isWaitOver', () => {
  it.each<[ShipmentStatus, CarrierStatus, boolean]>([
    ['CREATED', 'DISPATCHED', false],
    ['DISPATCHED', 'DISPATCHED', true],
    ['DELIVERED', 'DISPATCHED', true],
    ['FAILED', 'DISPATCHED', true],
    ['CREATED', 'DELIVERED', false],
    ['DISPATCHED', 'DELIVERED', false],
    ['DELIVERED', 'DELIVERED', true],
    ['FAILED', 'DELIVERED', true],
    ['CANCELLED', 'DISPATCHED', true],
    ['CANCELLED', 'DELIVERED', true],
  ])('answers %s for a wait on %s with %s', (status, awaiting, over) => {
    expect(isWaitOver(status, awaiting)).toBe(over);
  });
});

describe('wakeUp', () => {
  it('names the waiting task and the outcome when the awaited status was reached', () => {
    const waiting = shipment({ status: 'DISPATCHED', dispatchedAt: '2026-11-25T11:02:00.000Z', wait: { awaiting: 'DISPATCHED', taskToken: 't1' } });

    expect(wakeUp(waiting)).toEqual({
      taskToken: 't1',
      outcome: {
        status: 'DISPATCHED',
        dispatchedAt: '2026-11-25T11:02:00.000Z',
        deliveredAt: null,
        failedAt: null,
        failureReason: null,
        cancelledAt: null,
        cancelledBy: null,
      },
    });
  });

  it('wakes a wait with CANCELLED, its time and its cause, when the order was cancelled', () => {
    const cancelled = shipment({
      status: 'CANCELLED',
      cancelledAt: '2026-11-25T09:44:00.000Z',
      cancelledBy: 'ord_7Hq2Kx9mPz4Lw8Rt:cancelled',
      wait: { awaiting: 'DELIVERED', taskToken: 't3' },
    });

    expect(wakeUp(cancelled)?.outcome).toMatchObject({ status: 'CANCELLED', cancelledAt: '2026-11-25T09:44:00.000Z', cancelledBy: 'ord_7Hq2Kx9mPz4Lw8Rt:cancelled' });
  });

  it('wakes a wait for dispatch with DELIVERED when the delivery report came first', () => {
    const waiting = shipment({ status: 'DELIVERED', deliveredAt: '2026-11-26T14:45:00.000Z', wait: { awaiting: 'DISPATCHED', taskToken: 't1' } });

    expect(wakeUp(waiting)?.outcome.status).toBe('DELIVERED');
  });

  it('returns nothing when the awaited status has not been reached', () => {
    expect(wakeUp(shipment({ status: 'DISPATCHED', wait: { awaiting: 'DELIVERED', taskToken: 't2' } }))).toBeUndefined();
  });

  it('returns nothing when no task waits', () => {
    expect(wakeUp(shipment({ status: 'DELIVERED' }))).toBeUndefined();
  });
});

describe('wakeUpOnReport', () => {
  it('wakes the wait a carrier report answers when the shipment is open', () => {
    const waiting = shipment({ status: 'DISPATCHED', wait: { awaiting: 'DISPATCHED', taskToken: 't1' } });

    expect(wakeUpOnReport(waiting)).toEqual(wakeUp(waiting));
    expect(wakeUpOnReport(waiting)).toBeDefined();
  });

  it('wakes nothing when the shipment was cancelled, though a task still waits on it', () => {
    expect(wakeUpOnReport(shipment({ status: 'CANCELLED', wait: { awaiting: 'DISPATCHED', taskToken: 't1' } }))).toBeUndefined();
  });
});

describe('waitOutcomeOf', () => {
  it('gives every field, null when not known, so the workflow reads one shape', () => {
    expect(waitOutcomeOf(shipment())).toEqual({
      status: 'CREATED',
      dispatchedAt: null,
      deliveredAt: null,
      failedAt: null,
      failureReason: null,
      cancelledAt: null,
      cancelledBy: null,
    });
  });

  it('carries the failure reason and time of a failed shipment', () => {
    const failed = shipment({ status: 'FAILED', failedAt: '2026-11-26T09:38:00.000Z', failureReason: 'DISPATCH_TIMED_OUT' });

    expect(waitOutcomeOf(failed)).toMatchObject({ status: 'FAILED', failedAt: '2026-11-26T09:38:00.000Z', failureReason: 'DISPATCH_TIMED_OUT' });
  });
});

describe('expiryOf', () => {
  it('fails only a still-created shipment with DISPATCH_TIMED_OUT when the dispatch wait times out', () => {
    expect(expiryOf('DISPATCHED')).toEqual({ reason: 'DISPATCH_TIMED_OUT', failsFrom: ['CREATED'] });
  });

  it('never fails a cancelled shipment when a wait times out', () => {
    expect([...expiryOf('DISPATCHED').failsFrom, ...expiryOf('DELIVERED').failsFrom]).not.toContain('CANCELLED');
  });

  it('fails a shipment not yet delivered with DELIVERY_TIMED_OUT when the delivery wait times out', () => {
    expect(expiryOf('DELIVERED')).toEqual({ reason: 'DELIVERY_TIMED_OUT', failsFrom: ['CREATED', 'DISPATCHED'] });
  });
});

describe('reportedAtField', () => {
  it('keeps each report time in its own attribute', () => {
    expect(reportedAtField('DISPATCHED')).toBe('dispatchedAt');
    expect(reportedAtField('DELIVERED')).toBe('deliveredAt');
  });
});
