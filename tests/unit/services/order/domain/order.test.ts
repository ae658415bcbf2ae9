import { UnknownOrderError } from '../../../../../services/order/src/domain/errors';
import {
  canMove,
  deadlineOf,
  isStuck,
  isTerminal,
  ORDER_STATUSES,
  requireOrder,
  statusesBefore,
  type OrderStatus,
} from '../../../../../services/order/src/domain/order';
import { placedOrder } from '../support/events';

const allowed: [OrderStatus, OrderStatus][] = [
  ['PLACED', 'CONFIRMED'],
  ['PLACED', 'CANCELLED'],
  ['CONFIRMED', 'COMPLETED'],
  ['CONFIRMED', 'CANCELLED'],
];
const pairs = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to): [OrderStatus, OrderStatus] => [from, to]));

describe('canMove', () => {
  it.each(allowed)('allows %s → %s', (from, to) => {
    expect(canMove(from, to)).toBe(true);
  });

  it.each(pairs.filter(([from, to]) => !allowed.some(([f, t]) => f === from && t === to)))(
    'refuses %s → %s because status only moves forward',
    (from, to) => {
      expect(canMove(from, to)).toBe(false);
    },
  );
});

describe('statusesBefore', () => {
  it.each<[OrderStatus, OrderStatus[]]>([
    ['PLACED', []],
    ['CONFIRMED', ['PLACED']],
    ['COMPLETED', ['CONFIRMED']],
    ['CANCELLED', ['PLACED', 'CONFIRMED']],
  ])('lists the statuses an order moves to %s from', (to, from) => {
    expect(statusesBefore(to)).toEqual(from);
  });
});

describe('isTerminal', () => {
  it.each<[OrderStatus, boolean]>([
    ['PLACED', false],
    ['CONFIRMED', false],
    ['COMPLETED', true],
    ['CANCELLED', true],
  ])('answers %s → %p', (status, terminal) => {
    expect(isTerminal(status)).toBe(terminal);
  });
});

describe('deadlineOf', () => {
  it('adds both waits to the placement time', () => {
    expect(deadlineOf(new Date('2026-11-25T09:30:00.000Z'), { outcomesSeconds: 900, shipmentSeconds: 604_800 })).toBe(
      '2026-12-02T09:45:00.000Z',
    );
  });
});

describe('isStuck', () => {
  const deadline = '2026-12-02T09:45:00.000Z';
  const after = new Date('2026-12-02T09:45:00.001Z');

  it.each<OrderStatus>(['PLACED', 'CONFIRMED'])('reports a %s order past its deadline', (status) => {
    expect(isStuck({ status, deadline }, after)).toBe(true);
  });

  it.each<OrderStatus>(['COMPLETED', 'CANCELLED'])('does not report a %s order past its deadline', (status) => {
    expect(isStuck({ status, deadline }, after)).toBe(false);
  });

  it('does not report an order when its deadline is now', () => {
    expect(isStuck({ status: 'PLACED', deadline }, new Date(deadline))).toBe(false);
  });
});

describe('requireOrder', () => {
  it('returns the order when there is one', () => {
    const order = placedOrder();

    expect(requireOrder(order.orderId, order)).toBe(order);
  });

  it('throws an UnknownOrderError naming the order when there is none', () => {
    expect(() => requireOrder('ord_missing00', undefined)).toThrow(new UnknownOrderError('order ord_missing00 does not exist'));
  });
});
