/**
 * `npm run package`: packages the six stacks with the Serverless Framework (osls), offline and without
 * credentials, two at a time (esbuild is CPU-bound; CI has two cores). Stack names among the arguments
 * select stacks (`npm run package -- order payment`); other arguments go to every `sls package`
 * (e.g. `-- --stage prod`).
 */
import { spawn } from 'node:child_process';
import { STACKS } from './stacks';

const stackNames = new Set<string>(STACKS.map((stack) => stack.name));
const selected = process.argv.slice(2).filter((arg) => stackNames.has(arg));
const slsArgs = ['package', ...process.argv.slice(2).filter((arg) => !stackNames.has(arg))];
const concurrency = 2;

const packageStack = ({ name, dir }: (typeof STACKS)[number]) =>
  new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const child = spawn('npx', ['--no-install', 'sls', ...slsArgs], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) {
        console.log(`packaged ${name.padEnd(9)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        resolve();
      } else {
        reject(new Error(`sls package failed for ${name} (exit ${code}):\n${output}`));
      }
    });
  });

const main = async () => {
  const queue = STACKS.filter((stack) => selected.length === 0 || selected.includes(stack.name));
  const worker = async () => {
    for (let stack = queue.shift(); stack; stack = queue.shift()) await packageStack(stack);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
