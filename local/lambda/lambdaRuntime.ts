import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { unzipSync } from 'fflate';
import { NO_FAULTS, type FaultPlan } from '../faults';
import { trace, tracing } from '../trace';
import { LambdaFunctionError, type LambdaInvoker } from './invoker';

export interface FunctionDefinition {
  name: string;
  arn: string;
  /** The packaged artifact `sls package` wrote (`.serverless/<fn>.zip`). */
  zipPath: string;
  /** `src/handlers/placeOrder.handler`, as in the template. */
  handler: string;
  /** Already resolved to local values. */
  environment: Record<string, string>;
  timeoutSeconds: number;
  memorySize: number;
}

interface Environment {
  worker: Worker;
  /** Invocations served so far: the first one is the cold start's. */
  invocations: number;
}

/** An invocation waiting for an execution environment. */
interface Waiter {
  resolve(environment: Environment): void;
  reject(error: unknown): void;
}

interface Registered {
  definition: FunctionDefinition;
  codeDir: string;
  /** Ready and not running anything; the most recently used last (Lambda reuses the warmest). */
  idle: Environment[];
  /** Environments alive or starting: at most `maxConcurrency`. */
  environments: number;
  /** Cold starts in progress. */
  starting: number;
  /** Cold starts waiting for a slot (see `coldStartConcurrency`). */
  queued: number;
  waiters: Waiter[];
}

export interface LambdaRuntimeOptions {
  /** Where bundles are unzipped. */
  workDir: string;
  /** Settings every function sees (endpoint, region, credentials for the local cloud). */
  baseEnvironment: Record<string, string>;
  /** Concurrent execution environments per function; further invocations wait their turn. */
  maxConcurrency?: number;
  faults?: FaultPlan;
  /** Where function output goes, one line at a time. */
  log?: (functionName: string, line: string) => void;
  /**
   * Keep V8's code cache of each bundle beside its unzipped code (see `worker.js`): a cold start then skips
   * compiling the bundle. It changes how fast code compiles, never what runs. Default true.
   */
  codeCache?: boolean;
  /**
   * Cold starts run at once, across functions (default: the CPUs). A cold start is CPU-bound, so more at once
   * finish no sooner and slow every running invocation; one still queued when its invocation has been served
   * by an environment that became free is dropped.
   */
  coldStartConcurrency?: number;
  /**
   * Told how each invocation ended, as Lambda's metrics count it: `succeeded` or `failed` (the function threw,
   * timed out, crashed or failed to initialise) once it reached the function, `throttled` when it was refused
   * before. A Lambda service error before the function ran (`Lambda.*`) is reported as neither, as on AWS.
   */
  onInvocation?: (functionName: string, outcome: InvocationOutcome) => void;
}

/** How an invocation ended, as Lambda's `Invocations`, `Errors` and `Throttles` metrics count it. */
export type InvocationOutcome = 'succeeded' | 'failed' | 'throttled';

/**
 * Runs packaged functions the way Lambda does: each execution environment is a worker thread with the
 * function's own environment variables and a heap capped at its memory size; the bundle loads once per
 * environment (cold start) and serves one invocation at a time; an invocation past its timeout has its
 * environment killed and fails with `Sandbox.Timedout`.
 *
 * An invocation that finds no idle environment starts a new one (up to `maxConcurrency`) and takes
 * whichever environment is ready first: the one it started, or one that finished its invocation meanwhile
 * (the new one then waits, warm, for the next invocation). On Lambda a cold start runs on other hardware and
 * delays only its own request; here it competes for the same CPUs, so an invocation of a few milliseconds
 * should not wait a whole cold start behind it. Which environment serves a request is Lambda's choice on AWS
 * too; each environment still runs one invocation at a time.
 */
export class LambdaRuntime implements LambdaInvoker {
  private readonly functions = new Map<string, Registered>();
  private readonly faults: FaultPlan;
  private readonly maxConcurrency: number;
  private readonly log: (functionName: string, line: string) => void;
  /** Cold starts in progress, so `stop` can wait for them. */
  private readonly starts = new Set<Promise<void>>();
  private readonly coldStartConcurrency: number;
  private readonly coldStartQueue: Registered[] = [];
  private activeColdStarts = 0;
  private stopped = false;

  constructor(private readonly options: LambdaRuntimeOptions) {
    this.faults = options.faults ?? NO_FAULTS;
    this.maxConcurrency = options.maxConcurrency ?? 4;
    this.log = options.log ?? ((name, line) => process.stdout.write(`[${name}] ${line}\n`));
    this.coldStartConcurrency = options.coldStartConcurrency ?? Math.max(2, availableParallelism());
  }

  register(definition: FunctionDefinition): void {
    const codeDir = extractBundle(definition.zipPath, path.join(this.options.workDir, definition.name));
    const registered: Registered = { definition, codeDir, idle: [], environments: 0, starting: 0, queued: 0, waiters: [] };
    this.functions.set(definition.name, registered);
    this.functions.set(definition.arn, registered);
  }

  has(functionNameOrArn: string): boolean {
    return this.functions.has(functionNameOrArn);
  }

  definitions(): FunctionDefinition[] {
    return [...new Set(this.functions.values())].map((registered) => registered.definition);
  }

  async invoke(functionNameOrArn: string, payload: unknown): Promise<unknown> {
    const registered = this.functions.get(functionNameOrArn.replace(/:(\$LATEST|\d+)$/, ''));
    if (!registered) throw new LambdaFunctionError('ResourceNotFoundException', `Function not found: ${functionNameOrArn}`);
    const { name } = registered.definition;
    const fault = this.faults.invocationFault(name);
    if (fault === 'throttle') {
      this.options.onInvocation?.(name, 'throttled');
      throw new LambdaFunctionError('Lambda.TooManyRequestsException', 'Rate Exceeded. (injected)');
    }
    if (fault === 'transient-error') throw new LambdaFunctionError('Lambda.ServiceException', 'Service error (injected)');

    const queuedAt = Date.now();
    let environment: Environment;
    try {
      environment = registered.idle.pop() ?? (await this.waitForEnvironment(registered));
    } catch (error) {
      // The init error of the environment it landed on is the function's; a stopped runtime is Lambda's.
      if (!(error instanceof LambdaFunctionError && error.name.startsWith('Lambda.'))) this.options.onInvocation?.(name, 'failed');
      throw error;
    }
    const ranAt = Date.now();
    const cold = environment.invocations === 0;
    let result: unknown;
    try {
      result = await this.run(registered, environment, payload);
    } catch (error) {
      this.options.onInvocation?.(name, 'failed');
      throw error;
    } finally {
      if (tracing) {
        trace('lambda', name.replace(/^ordering-/, ''), { waitedMs: ranAt - queuedAt, cold, runMs: Date.now() - ranAt });
      }
    }
    this.options.onInvocation?.(name, 'succeeded');
    return result;
  }

  /**
   * Starts one execution environment per function that has none, `parallelism` at a time (default: the
   * CPUs), and resolves when they are all ready. Lambda starts environments on demand, on its own hardware; a
   * local cloud pays every cold start on the CPUs that also run the saga, so it pays the first ones here, at
   * start-up, rather than on the first orders' critical path. Further environments (concurrent invocations,
   * a replacement for one that timed out) still start on demand. A function whose initialisation fails is
   * reported through `log`; its invocations fail with the init error, as before.
   */
  async prewarm(parallelism = this.coldStartConcurrency): Promise<void> {
    const queue = [...new Set(this.functions.values())].filter((registered) => registered.environments === 0);
    const next = async (): Promise<void> => {
      for (let registered = queue.shift(); registered; registered = queue.shift()) await this.startEnvironment(registered);
    };
    await Promise.all(Array.from({ length: parallelism }, next));
  }

  /**
   * Ends every idle environment and those still starting; an environment running an invocation ends when
   * the invocation does. Invocations still waiting for an environment fail.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.coldStartQueue.length = 0;
    const registrations = [...new Set(this.functions.values())];
    for (const registered of registrations) {
      for (const waiter of registered.waiters.splice(0)) waiter.reject(new LambdaFunctionError('Lambda.ServiceException', 'the local Lambda runtime stopped'));
    }
    await Promise.allSettled([...this.starts]);
    const environments = registrations.flatMap((registered) => registered.idle.splice(0));
    await Promise.all(environments.map((environment) => environment.worker.terminate()));
  }

  /** Queues the invocation for the next environment to become ready, starting one if the function may have another. */
  private waitForEnvironment(registered: Registered): Promise<Environment> {
    if (this.stopped) return Promise.reject(new LambdaFunctionError('Lambda.ServiceException', 'the local Lambda runtime stopped'));
    return new Promise<Environment>((resolve, reject) => {
      registered.waiters.push({ resolve, reject });
      this.startEnvironmentsForWaiters(registered);
    });
  }

  /** One cold start per waiting invocation not already covered by one, within `maxConcurrency`. */
  private startEnvironmentsForWaiters(registered: Registered): void {
    while (registered.waiters.length > registered.starting + registered.queued && registered.environments + registered.queued < this.maxConcurrency) {
      registered.queued++;
      this.coldStartQueue.push(registered);
    }
    this.startQueuedColdStarts();
  }

  /** Starts queued cold starts while slots are free, skipping those no waiting invocation needs any more. */
  private startQueuedColdStarts(): void {
    while (this.activeColdStarts < this.coldStartConcurrency) {
      const registered = this.coldStartQueue.shift();
      if (!registered) return;
      registered.queued--;
      if (this.stopped || registered.waiters.length <= registered.starting || registered.environments >= this.maxConcurrency) continue;
      this.activeColdStarts++;
      void this.startEnvironment(registered).finally(() => {
        this.activeColdStarts--;
        this.startQueuedColdStarts();
      });
    }
  }

  /** A cold start; the environment goes to the first waiter, else to the idle pool. Resolves when it is over. */
  private startEnvironment(registered: Registered): Promise<void> {
    const started = this.startEnvironmentNow(registered).finally(() => this.starts.delete(started));
    this.starts.add(started);
    return started;
  }

  private async startEnvironmentNow(registered: Registered): Promise<void> {
    registered.environments++;
    registered.starting++;
    let environment: Environment;
    try {
      environment = await this.coldStart(registered);
    } catch (error) {
      registered.starting--;
      registered.environments--;
      // The init error is what the invocation that landed on this environment gets, as on Lambda.
      const waiter = registered.waiters.shift();
      if (waiter) waiter.reject(error);
      else this.log(registered.definition.name, `initialisation failed: ${error instanceof Error ? error.message : String(error)}`);
      this.startEnvironmentsForWaiters(registered);
      return;
    }
    registered.starting--;
    const { worker } = environment;
    // A crash outside an invocation (a rejection nobody awaited, after the handler returned) ends the
    // environment, as on Lambda; it must not take the local cloud down with it.
    worker.on('error', (error) => this.log(registered.definition.name, `execution environment crashed: ${error.message}`));
    worker.once('exit', () => {
      const index = registered.idle.indexOf(environment);
      if (index < 0) return; // retired by its invocation (timeout, crash), or stopped
      registered.idle.splice(index, 1);
      this.retire(registered);
    });
    this.release(registered, environment);
  }

  /** An environment is free: the first waiting invocation takes it, else it waits in the pool. */
  private release(registered: Registered, environment: Environment): void {
    if (this.stopped) {
      void environment.worker.terminate();
      return;
    }
    const waiter = registered.waiters.shift();
    if (waiter) waiter.resolve(environment);
    else registered.idle.push(environment);
  }

  /** An environment was killed (timeout) or crashed: it no longer counts, and a waiter may need another. */
  private retire(registered: Registered): void {
    registered.environments--;
    this.startEnvironmentsForWaiters(registered);
  }

  private async coldStart(registered: Registered): Promise<Environment> {
    const { definition } = registered;
    const worker = new Worker(path.join(__dirname, 'worker.js'), {
      workerData: {
        codeDir: registered.codeDir,
        handler: definition.handler,
        functionName: definition.name,
        functionArn: definition.arn,
        memorySize: definition.memorySize,
        logGroupName: `/aws/lambda/${definition.name}`,
        codeCache: this.options.codeCache ?? true,
      },
      execArgv: functionExecArgv(process.execArgv),
      env: {
        ...this.options.baseEnvironment,
        ...definition.environment,
        AWS_LAMBDA_FUNCTION_NAME: definition.name,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(definition.memorySize),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      },
      resourceLimits: { maxOldGenerationSizeMb: definition.memorySize },
      stdout: true,
      stderr: true,
    });
    for (const stream of [worker.stdout, worker.stderr]) {
      let buffered = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (buffered + chunk.toString()).split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line) this.log(definition.name, line);
      });
    }
    const startedAt = Date.now();
    await new Promise<void>((resolve, reject) => {
      worker.once('message', (message: { type: string; errorType?: string; errorMessage?: string }) => {
        if (message.type === 'ready') resolve();
        else reject(new LambdaFunctionError(message.errorType ?? 'Runtime.ImportModuleError', message.errorMessage ?? 'init failed'));
      });
      worker.once('error', (error) => reject(new LambdaFunctionError('Runtime.ExitError', error.message)));
    }).catch(async (error: unknown) => {
      await worker.terminate();
      throw error;
    });
    if (tracing) trace('lambda', `${definition.name.replace(/^ordering-/, '')} cold start`, { initMs: Date.now() - startedAt });
    return { worker, invocations: 0 };
  }

  private run(registered: Registered, environment: Environment, payload: unknown): Promise<unknown> {
    const { definition } = registered;
    const requestId = randomUUID();
    const timeoutMs = definition.timeoutSeconds * 1000;
    environment.invocations++;
    return new Promise((resolve, reject) => {
      const cleanUp = () => {
        clearTimeout(timer);
        environment.worker.off('message', onMessage);
        environment.worker.off('error', onCrash);
        environment.worker.off('exit', onExit);
      };
      const onMessage = (message: { type: string; requestId: string; result?: unknown; errorType?: string; errorMessage?: string; trace?: string[] }) => {
        if (message.requestId !== requestId) return;
        cleanUp();
        this.release(registered, environment);
        if (message.type === 'result') resolve(message.result);
        else reject(new LambdaFunctionError(message.errorType ?? 'Error', message.errorMessage ?? '', message.trace));
      };
      const onCrash = (error: Error) => {
        cleanUp();
        this.retire(registered);
        reject(new LambdaFunctionError('Runtime.ExitError', `${definition.name} crashed: ${error.message}`));
      };
      // The handler ended its environment (process.exit) without answering.
      const onExit = (code: number) => {
        cleanUp();
        this.retire(registered);
        reject(new LambdaFunctionError('Runtime.ExitError', `${definition.name}: runtime exited with code ${code} before answering`));
      };
      const timer = setTimeout(() => {
        cleanUp();
        void environment.worker.terminate();
        this.retire(registered);
        reject(new LambdaFunctionError('Sandbox.Timedout', `Task timed out after ${definition.timeoutSeconds.toFixed(2)} seconds`));
      }, timeoutMs);
      environment.worker.on('message', onMessage);
      environment.worker.once('error', onCrash);
      environment.worker.once('exit', onExit);
      environment.worker.postMessage({ requestId, payload, deadline: Date.now() + timeoutMs });
    });
  }
}

/** Node flags that load code into every thread: `--require`, `--import`, `--loader` and their `=` forms. */
const PRELOAD_FLAGS = new Set(['--require', '-r', '--import', '--loader', '--experimental-loader']);

/**
 * The parent's Node flags minus module preloads and loaders. A local cloud started through tsx (`npm run
 * demo`) would otherwise load tsx's loader into every execution environment, which then hooks, transforms
 * and source-maps the bundle on each cold start (seconds each); Lambda runs the bundle as packaged.
 * Other flags (`--cpu-prof`, `--stack-size`…) still reach the environments.
 * @internal
 */
export const functionExecArgv = (execArgv: readonly string[]): string[] => {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i] ?? '';
    if (PRELOAD_FLAGS.has(flag)) i++;
    else if (!PRELOAD_FLAGS.has(flag.split('=')[0] ?? '')) kept.push(flag);
  }
  return kept;
};

/**
 * Unzips a bundle once and returns the folder that holds it: `<functionDir>/<version>`, the version being the
 * zip's modification time and size, so a re-packaged bundle lands beside the previous one rather than over
 * it. Local clouds sharing a work folder (two jest runs in one checkout) may extract the same bundle at once,
 * and one of them may already be loading it: the bundle is unzipped into a temporary sibling and renamed into
 * place, so a version folder that exists is complete. If another process renamed its copy first, ours is
 * dropped and theirs used (same zip, same content).
 */
const extractBundle = (zipPath: string, functionDir: string): string => {
  const { mtimeMs, size } = statSync(zipPath);
  const version = `${String(mtimeMs).replace('.', '_')}-${size}`;
  const codeDir = path.join(functionDir, version);
  if (existsSync(codeDir)) return codeDir;

  mkdirSync(functionDir, { recursive: true });
  const temporary = mkdtempSync(path.join(functionDir, TEMPORARY_PREFIX));
  try {
    for (const [name, content] of Object.entries(unzipSync(readFileSync(zipPath)))) {
      if (name.endsWith('/')) continue;
      const target = path.join(temporary, name);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    try {
      renameSync(temporary, codeDir);
    } catch (error) {
      // Renaming onto a folder another process created meanwhile fails (ENOTEMPTY, EEXIST; EPERM on Windows).
      if (!existsSync(codeDir)) throw error;
    }
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
  // Previous versions (and their code caches, keyed by a hash nothing will match again) are dead weight. A
  // cloud still running one loses it for its next cold starts: it was running code that no longer exists.
  // Temporary folders are left alone: another process may be filling one.
  for (const entry of readdirSync(functionDir)) {
    if (entry !== version && !entry.startsWith(TEMPORARY_PREFIX)) rmSync(path.join(functionDir, entry), { recursive: true, force: true });
  }
  return codeDir;
};

/** Folders being extracted; never loaded. */
const TEMPORARY_PREFIX = '.extracting-';
