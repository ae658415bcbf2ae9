import type { IncompleteOrdersReport, StuckOrder } from '../../../services/order/src/domain/incompleteOrders';
import { formatReport } from '../../../scripts/reportIncomplete';

const stuck = (overrides: Partial<StuckOrder>): StuckOrder => ({
  orderId: 'ord_aaaaaaaaaaaaaaaaaaaa',
  status: 'PLACED',
  phase: 'OUTCOMES',
  awaiting: 'stock outcome',
  outcomes: { payment: 'SUCCEEDED', stock: 'PENDING', shipment: 'PENDING' },
  recorded: ['PaymentSucceeded'],
  lastEvent: { detailType: 'PaymentSucceeded', source: 'ordering.payment', occurredAt: '2026-11-25T09:31:00.000Z', recordedAt: '2026-11-25T09:31:01.000Z' },
  placedAt: '2026-11-25T09:30:00.000Z',
  deadline: '2026-11-25T09:33:00.000Z',
  overdueSeconds: 5_400,
  ...overrides,
});

describe('formatReport', () => {
  it('prints one aligned row per stuck order and a summary when orders are stuck', () => {
    const report: IncompleteOrdersReport = {
      checkedAt: '2026-11-25T11:03:00.000Z',
      stuck: [
        stuck({}),
        stuck({ orderId: 'ord_b', status: 'CONFIRMED', phase: 'SHIPMENT', awaiting: 'dispatch', recorded: [], lastEvent: undefined, overdueSeconds: 90 }),
      ],
      compensationOwed: [],
      summary: { stuck: 2, compensationOwed: 0, byStatus: { PLACED: 1, CONFIRMED: 1 }, byAwaiting: { 'stock outcome': 1, dispatch: 1 }, oldestOverdueSeconds: 5_400 },
    };

    expect(formatReport(report).split('\n')).toEqual([
      '2 order(s) stuck past their deadline at 2026-11-25T11:03:00.000Z',
      '',
      'order                     status     awaiting       outcomes recorded  last event                                    overdue',
      'ord_aaaaaaaaaaaaaaaaaaaa  PLACED     stock outcome  PaymentSucceeded   PaymentSucceeded at 2026-11-25T09:31:01.000Z  90 min',
      'ord_b                     CONFIRMED  dispatch       -                  -                                             90 s',
      '',
      'by status: PLACED 1, CONFIRMED 1; oldest 90 min overdue',
    ]);
  });

  it('prints only the headline when nothing is stuck', () => {
    const report: IncompleteOrdersReport = {
      checkedAt: '2026-11-25T11:03:00.000Z',
      stuck: [],
      compensationOwed: [],
      summary: { stuck: 0, compensationOwed: 0, byStatus: {}, byAwaiting: {}, oldestOverdueSeconds: 0 },
    };

    expect(formatReport(report)).toBe('0 order(s) stuck past their deadline at 2026-11-25T11:03:00.000Z');
  });

  it('prints the cancelled orders still owed a compensation, with what each is owed, when there are some', () => {
    const report: IncompleteOrdersReport = {
      checkedAt: '2026-11-25T11:03:00.000Z',
      stuck: [],
      compensationOwed: [
        {
          orderId: 'ord_c',
          cancellationReason: 'SHIPMENT_FAILED',
          cancelledAt: '2026-11-25T10:00:00.000Z',
          owed: ['refund', 'shipment cancellation'],
          dueBy: '2026-11-25T10:15:00.000Z',
          overdueSeconds: 2_880,
        },
      ],
      summary: { stuck: 0, compensationOwed: 1, byStatus: {}, byAwaiting: {}, oldestOverdueSeconds: 0 },
    };

    expect(formatReport(report).split('\n')).toEqual([
      '0 order(s) stuck past their deadline at 2026-11-25T11:03:00.000Z',
      '',
      '1 cancelled order(s) still owed a compensation past its due time',
      '',
      'order  cancelled                                    owed                           overdue',
      'ord_c  SHIPMENT_FAILED at 2026-11-25T10:00:00.000Z  refund, shipment cancellation  48 min',
    ]);
  });
});
