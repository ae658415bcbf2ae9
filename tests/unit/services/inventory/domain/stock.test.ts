import { releaseOperation, reserveOperation } from '../../../../../services/inventory/src/domain/stock';

describe('operation ids', () => {
  it('names the take and the put-back of an order differently when both concern one SKU', () => {
    expect(reserveOperation('ord_7Hq2Kx9mPz4Lw8Rt')).toBe('ord_7Hq2Kx9mPz4Lw8Rt:reserve');
    expect(releaseOperation('ord_7Hq2Kx9mPz4Lw8Rt')).toBe('ord_7Hq2Kx9mPz4Lw8Rt:release');
  });
});
