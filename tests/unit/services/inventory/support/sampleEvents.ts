import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A sample event of services/inventory/events: what `sls invoke local -p` sends, reused as a fixture. */
// The caller names the shape it expects of the sample, as it would of any parsed JSON.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export const sampleEvent = <T = unknown>(name: string): T =>
  JSON.parse(readFileSync(join(__dirname, '../../../../../services/inventory/events', `${name}.json`), 'utf8')) as T;
