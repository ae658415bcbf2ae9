/**
 * `npm run generate`: writes the JSON Schemas and docs/events.md from the event contracts (run `npm run package`
 * first: the catalog reads the packaged rules), and the OpenAPI documents of the HTTP APIs (docs/openapi/) from
 * their zod request and response schemas.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderCatalogFiles } from './catalog';
import { renderOpenApiFiles } from './openapi';
import { ROOT } from './stacks';

for (const [file, content] of Object.entries({ ...renderCatalogFiles(), ...renderOpenApiFiles() })) {
  mkdirSync(path.dirname(path.join(ROOT, file)), { recursive: true });
  writeFileSync(path.join(ROOT, file), content);
  console.log(`wrote ${file}`);
}
