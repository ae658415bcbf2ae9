import { readdirSync } from 'node:fs';
import path from 'node:path';
import { catalog, parseEvent } from '#shared/contracts';
import { readSample, sampleFile } from '../../scripts/catalog';
import { ROOT } from '../../scripts/stacks';

describe('event catalog samples', () => {
  it.each(catalog.map((contract) => [contract.detailType, contract] as const))(
    'validates the %s sample against its own contract',
    (_type, contract) => {
      const sample = readSample(contract);

      const event = parseEvent([contract], sample);

      expect(event.detailType).toBe(contract.detailType);
      expect(sample.source).toBe(contract.source);
      expect(event.metadata['schema-version']).toBe(contract.version);
      expect(event.metadata['correlation-id']).toBe((event.data as { orderId: string }).orderId);
    },
  );

  it('holds exactly one sample per contract and no orphan samples', () => {
    const samples = readdirSync(path.join(ROOT, 'shared/contracts/samples')).sort();

    expect(samples).toEqual(catalog.map((contract) => path.basename(sampleFile(contract))).sort());
  });

  it('gives every event type its own detail-type and one source per producing domain', () => {
    const types = catalog.map((contract) => contract.detailType);

    expect(new Set(types).size).toBe(types.length);
    for (const contract of catalog) expect(contract.source).toBe(`ordering.${contract.producer}`);
  });
});
