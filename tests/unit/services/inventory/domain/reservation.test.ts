import { mergeLines, requiredState, SETTLES_FROM } from '../../../../../services/inventory/src/domain/reservation';

describe('mergeLines', () => {
  it('keeps one line per SKU with the quantities summed when an order lists a SKU twice', () => {
    expect(
      mergeLines([
        { sku: 'ceramic-cup', quantity: 1 },
        { sku: 'grinder', quantity: 1 },
        { sku: 'ceramic-cup', quantity: 3 },
      ]),
    ).toEqual([
      { sku: 'ceramic-cup', quantity: 4 },
      { sku: 'grinder', quantity: 1 },
    ]);
  });

  it('keeps the lines and their order when every SKU is listed once', () => {
    const lines = [
      { sku: 'grinder', quantity: 1 },
      { sku: 'ceramic-cup', quantity: 2 },
    ];

    expect(mergeLines(lines)).toEqual(lines);
  });
});

describe('requiredState', () => {
  it('requires a PENDING line when the line is marked RESERVED or FAILED', () => {
    expect(requiredState({ to: 'RESERVED' })).toEqual({ status: 'PENDING' });
    expect(requiredState({ to: 'FAILED', reason: 'OUT_OF_STOCK' })).toEqual({ status: 'PENDING' });
  });

  it('requires the status the releaser read when a release is claimed', () => {
    expect(requiredState({ to: 'RELEASING', from: 'RESERVED', releasedBy: 'release-1' })).toEqual({ status: 'RESERVED' });
    expect(requiredState({ to: 'RELEASING', from: 'PENDING', releasedBy: 'reserve-1' })).toEqual({ status: 'PENDING' });
  });

  it('requires RELEASING by the same releaser when a release is completed', () => {
    expect(
      requiredState({ to: 'RELEASED', releasedBy: 'release-1', releasedAt: '2026-11-25T09:45:00.000Z', stockReturned: true }),
    ).toEqual({ status: 'RELEASING', releasedBy: 'release-1' });
  });
});

describe('SETTLES_FROM', () => {
  it('lets a settlement overwrite RESERVING or itself only, never CANCELLED or the other settlement', () => {
    expect(SETTLES_FROM).toEqual({ RESERVED: ['RESERVING', 'RESERVED'], FAILED: ['RESERVING', 'FAILED'] });
  });
});
