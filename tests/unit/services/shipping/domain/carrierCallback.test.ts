import { parseCarrierCallback } from '../../../../../services/shipping/src/domain/carrierCallback';

const valid = { shipmentId: 'shp_1', status: 'DISPATCHED', occurredAt: '2026-11-25T11:02:00.000Z', callbackId: 'cb_1' };
const body = (overrides: Record<string, unknown>) => JSON.stringify({ ...valid, ...overrides });

describe('parseCarrierCallback', () => {
  it('accepts a well-formed report', () => {
    expect(parseCarrierCallback(JSON.stringify(valid))).toEqual({ ok: true, callback: valid });
  });

  it('ignores fields it does not know, as carriers add them without notice', () => {
    expect(parseCarrierCallback(body({ location: 'Depot 4' }))).toEqual({ ok: true, callback: valid });
  });

  it.each([
    ['shipmentId', body({ shipmentId: undefined })],
    ['shipmentId', body({ shipmentId: '' })],
    ['status', body({ status: 'LOST' })],
    ['occurredAt', body({ occurredAt: 'yesterday' })],
    ['callbackId', body({ callbackId: 42 })],
  ])('names %s when it is missing or malformed', (field, raw) => {
    const parsed = parseCarrierCallback(raw);

    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem).toMatch(new RegExp(`^${field}: `));
  });

  it('names every offending field at once', () => {
    const parsed = parseCarrierCallback(JSON.stringify({ shipmentId: 'shp_1' }));

    expect(!parsed.ok && parsed.problem.split('; ').map((issue) => issue.split(':')[0])).toEqual(['status', 'occurredAt', 'callbackId']);
  });

  it.each([
    ['absent', undefined],
    ['empty', '  '],
    ['not JSON', '{status:'],
    ['not an object', '"DISPATCHED"'],
  ])('names the body when it is %s', (_case, raw) => {
    const parsed = parseCarrierCallback(raw);

    expect(!parsed.ok && parsed.problem).toMatch(/^body: /);
  });
});
