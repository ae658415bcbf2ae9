import { readFileSync } from 'node:fs';
import path from 'node:path';
import { renderCatalogFiles } from '../../scripts/catalog';
import { ROOT } from '../../scripts/stacks';

describe('generated catalog', () => {
  it.each(Object.entries(renderCatalogFiles()))('%s is up to date (run `npm run generate`)', (file, expected) => {
    expect(readFileSync(path.join(ROOT, file), 'utf8')).toBe(expected);
  });
});
