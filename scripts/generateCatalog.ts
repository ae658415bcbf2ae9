/** `npm run generate`: writes the JSON Schemas and docs/events.md from the contracts (run `npm run package` first). */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderCatalogFiles } from './catalog';
import { ROOT } from './stacks';

for (const [file, content] of Object.entries(renderCatalogFiles())) {
  mkdirSync(path.dirname(path.join(ROOT, file)), { recursive: true });
  writeFileSync(path.join(ROOT, file), content);
  console.log(`wrote ${file}`);
}
