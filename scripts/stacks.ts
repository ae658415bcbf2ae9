import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');

/**
 * The six stacks, in deployment order: platform first, then identity (services import the exports of both:
 * the bus and alarm topic, the JWT issuer and audience), then the services, in any order.
 */
export const STACKS = [
  { name: 'platform', dir: ROOT },
  { name: 'identity', dir: path.join(ROOT, 'services/identity') },
  { name: 'order', dir: path.join(ROOT, 'services/order') },
  { name: 'payment', dir: path.join(ROOT, 'services/payment') },
  { name: 'inventory', dir: path.join(ROOT, 'services/inventory') },
  { name: 'shipping', dir: path.join(ROOT, 'services/shipping') },
] as const;

export type StackName = (typeof STACKS)[number]['name'];

export interface CloudFormationTemplate {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: unknown }>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

/** Where `sls package` writes a stack's template. */
export const templatePath = (stack: StackName): string =>
  path.join(STACKS.find((s) => s.name === stack)?.dir ?? ROOT, '.serverless/cloudformation-template-update-stack.json');

/** Reads a packaged template: the artifact that would be deployed, which tests and the local cloud trust. */
export const readPackagedTemplate = (stack: StackName): CloudFormationTemplate => {
  const file = templatePath(stack);
  if (!existsSync(file)) {
    throw new Error(`${file} does not exist: run \`npm run package\` first`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as CloudFormationTemplate;
};
