import { catalog } from '#shared/contracts';
import { matchesEventPattern, parseEventPattern } from '../../local/eventbridge';
import { readSample } from '../../scripts/catalog';
import { packagedSubscriptions } from '../../scripts/subscriptions';

const subscriptions = packagedSubscriptions();

/** What a rule claims to consume: the detail-types its pattern names (every project rule names them). */
const claimedTypes = (pattern: Record<string, unknown>): string[] => {
  const detailTypes = pattern['detail-type'];
  if (!Array.isArray(detailTypes) || detailTypes.some((value) => typeof value !== 'string')) {
    throw new Error(`rule pattern ${JSON.stringify(pattern)} must list its detail-types as exact strings`);
  }
  return detailTypes as string[];
};

describe('packaged EventBridge rules against the catalog', () => {
  it('finds a subscription in every consuming service', () => {
    expect(new Set(subscriptions.map((s) => s.stack))).toEqual(new Set(['order', 'payment', 'inventory', 'shipping']));
  });

  describe.each(subscriptions.map((s) => [`${s.stack}/${s.rule}`, s] as const))('%s', (_name, subscription) => {
    const claimed = claimedTypes(subscription.pattern);

    it('is a valid EventBridge pattern', () => {
      expect(() => parseEventPattern(subscription.pattern)).not.toThrow();
    });

    it('claims only event types that exist in the catalog', () => {
      const known = new Set(catalog.map((contract) => contract.detailType));

      expect(claimed.filter((type) => !known.has(type))).toEqual([]);
    });

    it('matches the sample of every event type it claims', () => {
      const missed = catalog
        .filter((contract) => claimed.includes(contract.detailType))
        .filter((contract) => !matchesEventPattern(subscription.pattern, readSample(contract)))
        .map((contract) => contract.detailType);

      expect(missed).toEqual([]);
    });

    it('matches no sample of any event type it does not claim', () => {
      const stray = catalog
        .filter((contract) => !claimed.includes(contract.detailType))
        .filter((contract) => matchesEventPattern(subscription.pattern, readSample(contract)))
        .map((contract) => contract.detailType);

      expect(stray).toEqual([]);
    });
  });
});
