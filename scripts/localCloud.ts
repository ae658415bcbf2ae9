import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../local/cloud';
import { startCarrierSimulator } from '../local/simulators/carrier';
import { API_NAMES, openApiFile, openApiPath } from './openapi';
import { ROOT, STACKS, templatePath } from './stacks';

export const STAGE = 'dev';

/** Newest modification time under the given paths (files or folders, skipping generated output). */
const newestSource = (paths: string[]): number => {
  let newest = 0;
  const visit = (entry: string) => {
    if (!existsSync(entry)) return;
    const stats = statSync(entry);
    if (stats.isDirectory()) {
      for (const child of readdirSync(entry)) if (!['node_modules', '.serverless', '.esbuild'].includes(child)) visit(path.join(entry, child));
    } else newest = Math.max(newest, stats.mtimeMs);
  };
  paths.forEach(visit);
  return newest;
};

/** The stacks whose packaged template is missing or older than the code and configuration it was built from. */
export const stalePackages = (): string[] => {
  const sharedInputs = ['shared', 'services/common.yml', 'services/subscriptions.js', 'package-lock.json'].map((p) => path.join(ROOT, p));
  return STACKS.filter(({ name, dir }) => {
    const template = templatePath(name);
    if (!existsSync(template)) return true;
    const inputs = name === 'platform' ? [path.join(ROOT, 'serverless.yml')] : [dir, ...sharedInputs];
    return newestSource(inputs) > statSync(template).mtimeMs;
  }).map(({ name }) => name);
};

/** Packages the stacks whose templates are stale (all of them on a fresh clone); exits on failure. */
export const ensurePackaged = (): void => {
  const stale = stalePackages();
  if (stale.length === 0) return;
  console.log(`packaging ${stale.join(', ')} (templates missing or older than their sources)…`);
  const result = spawnSync('npx', ['--no-install', 'tsx', 'scripts/packageAll.ts', ...stale], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

/** The simulated carrier's pace: well inside the dev stage's dispatch (10 s) and delivery (20 s) timeouts. */
export const CARRIER_PACE = { dispatchAfterSeconds: 1, deliveryAfterSeconds: 2 };

/** The shipping stack's carrier webhook secret (services/shipping/serverless.yml), which the simulated carrier shares. */
export const CARRIER_WEBHOOK_SECRET = `ordering-shipping-${STAGE}-carrier-webhook`;

/**
 * Starts the local cloud on the packaged stacks of this repository (platform first), seeds the inventory,
 * serves the APIs' OpenAPI documents (`/openapi/order.json`, `/openapi/shipping.json`) and lets the simulated carrier answer shipments through the real webhook, signing its callbacks with the
 * secret the cloud generated for the stage at start, as a real carrier is given it out of band.
 */
export const startProjectCloud = async (options: Partial<LocalCloudOptions> = {}): Promise<LocalCloud> => {
  const cloud = await startLocalCloud({
    stacks: STACKS.map(({ name, dir }) => ({ stackName: name === 'platform' ? `ordering-platform-${STAGE}` : `ordering-${name}-${STAGE}`, dir })),
    workDir: path.join(ROOT, '.local-cloud/functions'),
    ...options,
  });
  await cloud.lambda.invoke(`ordering-inventory-${STAGE}-seedStock`, {});
  // The APIs' documents, as npm run generate wrote them (a contract test keeps them current), beside their routes.
  for (const api of API_NAMES) cloud.http.serveDocument(openApiPath(api), readFileSync(path.join(ROOT, openApiFile(api)), 'utf8'));
  const carrier = startCarrierSimulator({
    eventBridge: cloud.eventBridge,
    webhookUrl: `${cloud.httpUrl}/carrier/callbacks`,
    secret: cloud.secrets.valueOf(CARRIER_WEBHOOK_SECRET),
    ...CARRIER_PACE,
    log: (line) => (options.log ?? console.log)('carrier', line),
  });
  const stop = cloud.stop.bind(cloud);
  const whenCloudIdle = cloud.whenIdle.bind(cloud);
  return {
    ...cloud,
    // The carrier's callbacks are work in flight too (a late or echoed report for a shipment): idle means
    // the cloud and the carrier both have nothing left, at the same moment. Scheduling callbacks happens
    // as the cloud accepts a ShipmentCreated, so a carrier still idle once the cloud is has nothing coming.
    whenIdle: async () => {
      for (;;) {
        await whenCloudIdle();
        if (carrier.idle) return;
        await carrier.whenIdle();
      }
    },
    stop: async () => {
      carrier.stop();
      await stop();
    },
  };
};
