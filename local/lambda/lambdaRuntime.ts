import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { unzipSync } from 'fflate';
import { NO_FAULTS, type FaultPlan } from '../faults';
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
  busy: boolean;
}

interface Registered {
  definition: FunctionDefinition;
  codeDir: string;
  idle: Environment[];
  running: number;
  waiting: (() => void)[];
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
}

/**
 * Runs packaged functions the way Lambda does: each execution environment is a worker thread with the
 * function's own environment variables and a heap capped at its memory size; the bundle loads once per
 * environment (cold start) and serves one invocation at a time; an invocation past its timeout has its
 * environment killed and fails with `Sandbox.Timedout`.
 */
export class LambdaRuntime implements LambdaInvoker {
  private readonly functions = new Map<string, Registered>();
  private readonly faults: FaultPlan;
  private readonly maxConcurrency: number;

  constructor(private readonly options: LambdaRuntimeOptions) {
    this.faults = options.faults ?? NO_FAULTS;
    this.maxConcurrency = options.maxConcurrency ?? 4;
  }

  register(definition: FunctionDefinition): void {
    const codeDir = path.join(this.options.workDir, definition.name);
    extractBundle(definition.zipPath, codeDir);
    const registered: Registered = { definition, codeDir, idle: [], running: 0, waiting: [] };
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
    const fault = this.faults.invocationFault(registered.definition.name);
    if (fault === 'throttle') throw new LambdaFunctionError('Lambda.TooManyRequestsException', 'Rate Exceeded. (injected)');
    if (fault === 'transient-error') throw new LambdaFunctionError('Lambda.ServiceException', 'Service error (injected)');

    while (registered.running >= this.maxConcurrency) {
      await new Promise<void>((resolve) => registered.waiting.push(resolve));
    }
    registered.running++;
    try {
      const environment = registered.idle.pop() ?? (await this.coldStart(registered));
      return await this.run(registered, environment, payload);
    } finally {
      registered.running--;
      registered.waiting.shift()?.();
    }
  }

  async stop(): Promise<void> {
    const environments = [...new Set(this.functions.values())].flatMap((registered) => registered.idle.splice(0));
    await Promise.all(environments.map((environment) => environment.worker.terminate()));
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
      },
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
    const log = this.options.log ?? ((name, line) => process.stdout.write(`[${name}] ${line}\n`));
    for (const stream of [worker.stdout, worker.stderr]) {
      let buffered = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (buffered + chunk.toString()).split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line) log(definition.name, line);
      });
    }
    await new Promise<void>((resolve, reject) => {
      worker.once('message', (message: { type: string; errorType?: string; errorMessage?: string }) => {
        if (message.type === 'ready') resolve();
        else reject(new LambdaFunctionError(message.errorType ?? 'Runtime.ImportModuleError', message.errorMessage ?? 'init failed'));
      });
      worker.once('error', (error) => reject(new LambdaFunctionError('Runtime.ExitError', error.message)));
    });
    return { worker, busy: false };
  }

  private run(registered: Registered, environment: Environment, payload: unknown): Promise<unknown> {
    const { definition } = registered;
    const requestId = randomUUID();
    const timeoutMs = definition.timeoutSeconds * 1000;
    return new Promise((resolve, reject) => {
      const cleanUp = () => {
        clearTimeout(timer);
        environment.worker.off('message', onMessage);
        environment.worker.off('error', onCrash);
      };
      const onMessage = (message: { type: string; requestId: string; result?: unknown; errorType?: string; errorMessage?: string; trace?: string[] }) => {
        if (message.requestId !== requestId) return;
        cleanUp();
        registered.idle.push(environment);
        if (message.type === 'result') resolve(message.result);
        else reject(new LambdaFunctionError(message.errorType ?? 'Error', message.errorMessage ?? '', message.trace));
      };
      const onCrash = (error: Error) => {
        cleanUp();
        reject(new LambdaFunctionError('Runtime.ExitError', `${definition.name} crashed: ${error.message}`));
      };
      const timer = setTimeout(() => {
        cleanUp();
        void environment.worker.terminate();
        reject(new LambdaFunctionError('Sandbox.Timedout', `Task timed out after ${definition.timeoutSeconds.toFixed(2)} seconds`));
      }, timeoutMs);
      environment.worker.on('message', onMessage);
      environment.worker.once('error', onCrash);
      environment.worker.postMessage({ requestId, payload, deadline: Date.now() + timeoutMs });
    });
  }
}

/** Unzips a bundle once; a newer zip (re-packaged) replaces it. */
const extractBundle = (zipPath: string, codeDir: string): void => {
  const stamp = path.join(codeDir, '.source-mtime');
  const mtime = String(statSync(zipPath).mtimeMs);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === mtime) return;
  for (const [name, content] of Object.entries(unzipSync(readFileSync(zipPath)))) {
    if (name.endsWith('/')) continue;
    const target = path.join(codeDir, name);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  writeFileSync(stamp, mtime);
};
