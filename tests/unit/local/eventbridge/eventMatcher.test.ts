import { eventMatcher, matchesEventPattern, parseEventPattern } from '../../../../local/eventbridge/eventPattern';

const event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'OrderPlaced',
  source: 'ordering.order',
  account: '000000000000',
  time: '2026-01-01T00:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: { metadata: { 'correlation-id': 'ord_1' }, data: { lines: [{ sku: 'grinder', quantity: 1 }, { sku: 'cup', quantity: 3 }], total: 5800 } },
};

const patterns = [
  { source: ['ordering.order'] },
  { source: ['ordering.payment'] },
  { 'detail-type': ['OrderPlaced', 'OrderCancelled'], detail: { data: { total: [{ numeric: ['>', 5000] }] } } },
  { detail: { data: { lines: { sku: ['cup'], quantity: [3] } } } },
  { detail: { data: { lines: { sku: ['grinder'], quantity: [3] } } } },
  { $or: [{ source: ['nope'] }, { detail: { metadata: { 'correlation-id': [{ prefix: 'ord_' }] } } }] },
  { detail: { data: { missing: [{ exists: false }] } } },
];

describe('eventMatcher', () => {
  it('answers as matchesEventPattern does, for patterns given compiled, as text or as objects', () => {
    const matches = eventMatcher(event);
    for (const pattern of patterns) {
      const expected = matchesEventPattern(pattern, event);
      expect(matches(pattern)).toBe(expected);
      expect(matches(JSON.stringify(pattern))).toBe(expected);
      expect(matches(parseEventPattern(pattern))).toBe(expected);
    }
    expect(patterns.map((pattern) => matches(pattern))).toEqual([true, false, true, true, false, true, true]);
  });
});
