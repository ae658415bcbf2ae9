import fs, { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { NO_FAULTS, type FaultPlan } from '../../../../local/faults';
import { LambdaFunctionError } from '../../../../local/lambda/invoker';
import { functionExecArgv, LambdaRuntime, type FunctionDefinition, type InvocationOutcome } from '../../../../local/lambda/lambdaRuntime';

const REGION = 'eu-west-1';
const ACCOUNT = '000000000000';

/**
 * Handler sources, packaged as `sls package` would: a zip holding `src/handlers/<name>.js`. Every module
 * appends a line to `$INIT_LOG` when it loads (one line per cold start) and answers with its thread id, so a
 * test can tell which execution environment served an invocation.
 */
const HANDLERS: Record<string, string> = {
  echo: `
    require('node:fs').appendFileSync(process.env.INIT_LOG, process.env.AWS_LAMBDA_FUNCTION_NAME + '\\n');
    const { threadId } = require('node:worker_threads');
    let invocations = 0;
    exports.handler = async (event, context) => ({ event, greeting: process.env.GREETING, threadId, invocations: ++invocations, requestId: context.awsRequestId });
  `,
  sleep: `
    require('node:fs').appendFileSync(process.env.INIT_LOG, process.env.AWS_LAMBDA_FUNCTION_NAME + '\\n');
    const { threadId } = require('node:worker_threads');
    // A slow initialisation (a cold start that takes a while), without keeping the event loop busy afterwards.
    if (process.env.INIT_MS) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.env.INIT_MS));
    exports.handler = async (event) => { await new Promise((resolve) => setTimeout(resolve, event.ms)); return { threadId }; };
  `,
  broken: `throw new Error('configuration missing');`,
  throws: `exports.handler = async () => { throw Object.assign(new Error('card declined by a bug'), { name: 'TypeError' }); };`,
  exits: `
    require('node:fs').appendFileSync(process.env.INIT_LOG, process.env.AWS_LAMBDA_FUNCTION_NAME + '\\n');
    exports.handler = async (event) => { if (event.exit) process.exit(3); return 'ok'; };
  `,
};

describe('LambdaRuntime', () => {
  let dir: string;
  let initLog: string;
  let runtimes: LambdaRuntime[];
  const logged: string[] = [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lambda-runtime-'));
    initLog = path.join(dir, 'inits.log');
    writeFileSync(initLog, '');
    runtimes = [];
    logged.length = 0;
  });

  afterEach(async () => {
    await Promise.all(runtimes.map((runtime) => runtime.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  const zipOf = (handler: keyof typeof HANDLERS, name: string): string => {
    const zipPath = path.join(dir, `${name}.zip`);
    writeFileSync(zipPath, zipSync({ [`src/handlers/${handler}.js`]: strToU8(HANDLERS[handler] ?? '') }));
    return zipPath;
  };

  const definition = (name: string, handler: keyof typeof HANDLERS, overrides: Partial<FunctionDefinition> = {}): FunctionDefinition => ({
    name,
    arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
    zipPath: zipOf(handler, name),
    handler: `src/handlers/${handler}.handler`,
    environment: {},
    timeoutSeconds: 5,
    memorySize: 128,
    ...overrides,
  });

  const runtime = (
    functions: FunctionDefinition[],
    options: { maxConcurrency?: number; codeCache?: boolean; coldStartConcurrency?: number; faults?: FaultPlan; onInvocation?: (name: string, outcome: InvocationOutcome) => void } = {},
  ): LambdaRuntime => {
    const created = new LambdaRuntime({
      workDir: path.join(dir, 'functions'),
      baseEnvironment: { INIT_LOG: initLog, GREETING: 'base' },
      log: (name, line) => logged.push(`${name}: ${line}`),
      ...options,
    });
    for (const fn of functions) created.register(fn);
    runtimes.push(created);
    return created;
  };

  const inits = (): string[] => readFileSync(initLog, 'utf8').split('\n').filter(Boolean);

  /** What the shared work folder holds for a function: its bundle folders and any extraction in progress. */
  const functionFolder = (name: string): string[] => readdirSync(path.join(dir, 'functions', name)).sort();

  /** The folder the function's code is loaded from: its only bundle folder. */
  const codeDirOf = (name: string): string => {
    const bundles = functionFolder(name).filter((entry) => !entry.startsWith('.'));
    if (bundles.length !== 1) throw new Error(`expected one bundle folder for ${name}, found ${bundles.join(', ')}`);
    return path.join(dir, 'functions', name, bundles[0] ?? '');
  };

  /** A two-module bundle whose handler reports which version of each module it loaded. */
  const versionedZip = (zipPath: string, version: string, modifiedAt: Date): void => {
    writeFileSync(
      zipPath,
      zipSync({
        'src/handlers/versioned.js': strToU8(`exports.handler = async () => ({ handler: '${version}', lib: require('./lib').version });`),
        'src/handlers/lib.js': strToU8(`exports.version = '${version}';`),
      }),
    );
    utimesSync(zipPath, modifiedAt, modifiedAt);
  };

  it('runs the packaged handler with the function’s own environment, by name or ARN', async () => {
    const lambda = runtime([definition('hello', 'echo', { environment: { GREETING: 'hello' } }), definition('plain', 'echo')]);

    const byName = (await lambda.invoke('hello', { n: 1 })) as { event: unknown; greeting: string };
    const byArn = (await lambda.invoke(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:plain:$LATEST`, { n: 2 })) as { event: unknown; greeting: string };

    expect(byName).toMatchObject({ event: { n: 1 }, greeting: 'hello' });
    expect(byArn).toMatchObject({ event: { n: 2 }, greeting: 'base' });
    await expect(lambda.invoke('missing', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('pre-warms one environment per function, which then serves the first invocation', async () => {
    const lambda = runtime([definition('first', 'echo'), definition('second', 'echo')]);

    await lambda.prewarm();

    expect(inits().sort()).toEqual(['first', 'second']);
    await expect(lambda.invoke('first', {})).resolves.toMatchObject({ invocations: 1 });
    await expect(lambda.invoke('first', {})).resolves.toMatchObject({ invocations: 2 });
    expect(inits()).toHaveLength(2);
  });

  it('reports a function whose initialisation fails when pre-warming, and fails its invocations with the init error', async () => {
    const lambda = runtime([definition('broken', 'broken'), definition('fine', 'echo')]);

    await lambda.prewarm();

    expect(logged.join('\n')).toContain('broken: initialisation failed: configuration missing');
    await expect(lambda.invoke('broken', {})).rejects.toMatchObject({ name: 'Runtime.ImportModuleError', message: 'configuration missing' });
    await expect(lambda.invoke('fine', {})).resolves.toMatchObject({ invocations: 1 });
  });

  it('runs concurrent invocations in separate environments, up to maxConcurrency', async () => {
    const lambda = runtime([definition('sleepy', 'sleep')], { maxConcurrency: 2 });

    const results = (await Promise.all([300, 300, 300].map((ms) => lambda.invoke('sleepy', { ms })))) as { threadId: number }[];

    const threads = new Set(results.map((result) => result.threadId));
    expect(threads.size).toBe(2);
    expect(inits()).toHaveLength(2);
  });

  it('hands a waiting invocation the first environment to become free, rather than waiting out a cold start', async () => {
    const lambda = runtime([definition('slowStart', 'sleep', { environment: { INIT_MS: '1500' } })]);
    await lambda.prewarm();
    const started = Date.now();

    const [busy, waiting] = (await Promise.all([lambda.invoke('slowStart', { ms: 50 }), lambda.invoke('slowStart', { ms: 0 })])) as { threadId: number }[];

    expect(waiting?.threadId).toBe(busy?.threadId);
    expect(Date.now() - started).toBeLessThan(1_000);
    // The environment started for it still comes up, and serves the next invocations.
    const deadline = Date.now() + 5_000;
    while (inits().length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(inits()).toHaveLength(2);
  });

  it('runs at most coldStartConcurrency cold starts at once, and drops a queued one nobody waits for any more', async () => {
    const lambda = runtime(
      [definition('sleepy', 'sleep'), definition('blocker', 'sleep', { environment: { INIT_MS: '1000' } })],
      { coldStartConcurrency: 1 },
    );
    await lambda.prewarm();
    // Pre-warming: one environment each. The next blocker invocation beside a running one takes the only slot.
    const blockers = Promise.all([lambda.invoke('blocker', { ms: 300 }), lambda.invoke('blocker', { ms: 0 })]);
    await new Promise((resolve) => setTimeout(resolve, 50));

    // A second concurrent sleepy invocation queues a cold start behind the blocker's, and is served meanwhile
    // by the environment the first one frees.
    const sleepers = (await Promise.all([lambda.invoke('sleepy', { ms: 50 }), lambda.invoke('sleepy', { ms: 0 })])) as { threadId: number }[];
    await blockers;
    await new Promise((resolve) => setTimeout(resolve, 1_200));

    expect(sleepers[1]?.threadId).toBe(sleepers[0]?.threadId);
    expect(inits().filter((name) => name === 'sleepy')).toHaveLength(1);
    expect(inits().filter((name) => name === 'blocker')).toHaveLength(2);
  });

  it('kills an environment whose invocation times out; the next invocation starts a new one', async () => {
    const lambda = runtime([definition('stuck', 'sleep', { timeoutSeconds: 1 })], { maxConcurrency: 1 });

    const timedOut = lambda.invoke('stuck', { ms: 5_000 });
    await expect(timedOut).rejects.toBeInstanceOf(LambdaFunctionError);
    await expect(timedOut).rejects.toMatchObject({ name: 'Sandbox.Timedout' });
    const after = (await lambda.invoke('stuck', { ms: 0 })) as { threadId: number };

    expect(after.threadId).toEqual(expect.any(Number));
    expect(inits()).toHaveLength(2);
  });

  it('fails an invocation whose handler ends the runtime, and starts a new environment for the next', async () => {
    const lambda = runtime([definition('quitter', 'exits')], { maxConcurrency: 1 });

    await expect(lambda.invoke('quitter', { exit: true })).rejects.toMatchObject({ name: 'Runtime.ExitError' });
    await expect(lambda.invoke('quitter', {})).resolves.toBe('ok');
    expect(inits()).toHaveLength(2);
  });

  it('keeps a V8 code cache beside the code, written after initialisation and again after the first invocation', async () => {
    const fn = definition('cached', 'echo');
    const lambda = runtime([fn]);
    await lambda.invoke('cached', {});
    const cacheDir = path.join(codeDirOf('cached'), '.v8-code-cache');
    const deadline = Date.now() + 5_000;
    while (!(existsSync(cacheDir) && readdirSync(cacheDir).some((file) => file.endsWith('.warm'))) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(readdirSync(cacheDir).map((file) => path.extname(file)).sort()).toEqual(['.init', '.warm']);

    // A second runtime (a restarted local cloud) loads the cached code and runs it the same.
    const restarted = runtime([fn]);
    await expect(restarted.invoke('cached', { again: true })).resolves.toMatchObject({ event: { again: true }, invocations: 1 });

    // A re-packaged bundle replaces the code and drops the caches of the previous one.
    writeFileSync(fn.zipPath, zipSync({ 'src/handlers/echo.js': strToU8(`exports.handler = async () => 'repackaged';`) }));
    const later = new Date(Date.now() + 60_000);
    utimesSync(fn.zipPath, later, later);
    const repackaged = runtime([fn]);
    expect(existsSync(cacheDir)).toBe(false);
    await expect(repackaged.invoke('cached', {})).resolves.toBe('repackaged');
  });

  it('runs the same without the code cache', async () => {
    const lambda = runtime([definition('uncached', 'echo')], { codeCache: false });

    await expect(lambda.invoke('uncached', { n: 1 })).resolves.toMatchObject({ event: { n: 1 } });
    expect(existsSync(path.join(codeDirOf('uncached'), '.v8-code-cache'))).toBe(false);
  });

  it('keeps serving its bundle when another cloud sharing the work folder fails half-way through extracting a re-packaged one', async () => {
    const fn = definition('versioned', 'echo', { handler: 'src/handlers/versioned.handler' });
    versionedZip(fn.zipPath, 'v1', new Date(Date.now() - 60_000));
    const running = runtime([fn]);
    versionedZip(fn.zipPath, 'v2', new Date());
    // The other cloud's disk fills up after the first file of the new bundle.
    const write = fs.writeFileSync;
    const diskFull = jest.spyOn(fs, 'writeFileSync').mockImplementation((file, ...rest) => {
      if (String(file).endsWith('lib.js')) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      write(file, ...rest);
    });

    try {
      expect(() => runtime([fn])).toThrow('ENOSPC');
    } finally {
      diskFull.mockRestore();
    }

    await expect(running.invoke('versioned', {})).resolves.toEqual({ handler: 'v1', lib: 'v1' });
    expect(functionFolder('versioned')).toHaveLength(1);
  });

  it('uses the bundle another cloud sharing the work folder extracted first, whole', async () => {
    const fn = definition('shared', 'echo', { handler: 'src/handlers/versioned.handler' });
    versionedZip(fn.zipPath, 'v1', new Date());
    // The other cloud registers the same bundle while this one is half-way through extracting it.
    const write = fs.writeFileSync;
    let interleaving = false;
    let other: LambdaRuntime | undefined;
    const interleaved = jest.spyOn(fs, 'writeFileSync').mockImplementation((file, ...rest) => {
      write(file, ...rest);
      if (interleaving || !String(file).endsWith('versioned.js')) return;
      interleaving = true;
      other = runtime([fn]);
    });

    let first: LambdaRuntime;
    try {
      first = runtime([fn]);
    } finally {
      interleaved.mockRestore();
    }

    expect(other).toBeDefined();
    await expect(first.invoke('shared', {})).resolves.toEqual({ handler: 'v1', lib: 'v1' });
    await expect(other?.invoke('shared', {})).resolves.toEqual({ handler: 'v1', lib: 'v1' });
    expect(functionFolder('shared')).toEqual([path.basename(codeDirOf('shared'))]);
  });

  it('reports each invocation that reached the function as succeeded, or failed when it threw, timed out or failed to initialise', async () => {
    const outcomes: string[] = [];
    const lambda = runtime([definition('fine', 'echo'), definition('thrower', 'throws'), definition('slow', 'sleep', { timeoutSeconds: 1 }), definition('broken', 'broken')], {
      onInvocation: (name, outcome) => outcomes.push(`${name} ${outcome}`),
    });

    await lambda.invoke('fine', {});
    await expect(lambda.invoke('thrower', {})).rejects.toMatchObject({ name: 'TypeError' });
    await expect(lambda.invoke('slow', { ms: 5_000 })).rejects.toMatchObject({ name: 'Sandbox.Timedout' });
    await expect(lambda.invoke('broken', {})).rejects.toMatchObject({ name: 'Runtime.ImportModuleError' });

    expect(outcomes).toEqual(['fine succeeded', 'thrower failed', 'slow failed', 'broken failed']);
  });

  it('reports a throttled invocation as throttled, and a Lambda service error before the function ran as nothing', async () => {
    const outcomes: string[] = [];
    const fault: { next: ReturnType<FaultPlan['invocationFault']> } = { next: 'throttle' };
    const lambda = runtime([definition('faulted', 'echo')], {
      faults: { ...NO_FAULTS, invocationFault: () => fault.next },
      onInvocation: (name, outcome) => outcomes.push(`${name} ${outcome}`),
    });

    await expect(lambda.invoke('faulted', {})).rejects.toMatchObject({ name: 'Lambda.TooManyRequestsException' });
    fault.next = 'transient-error';
    await expect(lambda.invoke('faulted', {})).rejects.toMatchObject({ name: 'Lambda.ServiceException' });
    await lambda.stop();
    fault.next = 'none';
    await expect(lambda.invoke('faulted', {})).rejects.toMatchObject({ name: 'Lambda.ServiceException' });

    expect(outcomes).toEqual(['faulted throttled']);
  });

  it('fails invocations still waiting for an environment when stopped', async () => {
    const lambda = runtime([definition('sleepy', 'sleep')], { maxConcurrency: 1 });
    await lambda.prewarm();
    const running = lambda.invoke('sleepy', { ms: 200 });
    const waiting = lambda.invoke('sleepy', { ms: 0 });

    await lambda.stop();

    await expect(waiting).rejects.toMatchObject({ name: 'Lambda.ServiceException' });
    await expect(running).resolves.toEqual({ threadId: expect.any(Number) as number });
  });
});

describe('functionExecArgv', () => {
  it('keeps the parent’s Node flags but not the module loaders and preloads (tsx)', () => {
    expect(
      functionExecArgv([
        '--require',
        '/repo/node_modules/tsx/dist/preflight.cjs',
        '--import',
        'file:///repo/node_modules/tsx/dist/loader.mjs',
        '--cpu-prof',
        '--loader=ts-node/esm',
        '-r',
        'dotenv/config',
        '--experimental-loader',
        './hooks.mjs',
        '--stack-size=2000',
      ]),
    ).toEqual(['--cpu-prof', '--stack-size=2000']);
  });
});
