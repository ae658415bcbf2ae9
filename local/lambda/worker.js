// @ts-check
// One Lambda execution environment: a worker thread with its own process.env (set by the parent from the
// function's resolved environment), the packaged bundle loaded once (cold start), then one invocation at a time.
const { parentPort, threadId, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { setImmediate } = require('node:timers');
const vm = require('node:vm');

/** @type {{ codeDir: string; handler: string; functionName: string; functionArn: string; memorySize: number; logGroupName: string; codeCache: boolean }} */
const config = workerData;
const lastDot = config.handler.lastIndexOf('.');
const modulePath = path.join(config.codeDir, config.handler.slice(0, lastDot));
const exportName = config.handler.slice(lastDot + 1);

/**
 * V8's code cache for the bundle, kept beside the unzipped code: a cold start then skips parsing and compiling
 * the ~1 MB bundle (and the functions its first invocation compiled), which is most of what an emulated cold
 * start costs. It changes how fast the code is compiled, never what runs: the cache is keyed by the bundle's
 * content hash and the Node version, V8 rejects one that does not fit, and any failure falls back to a plain
 * `require`. Two stages: `init` (written after the module loaded) and `warm` (after the first invocation,
 * including what it compiled).
 */
const codeCache = (() => {
  if (!config.codeCache) return undefined;
  /** @type {string} */
  let filename;
  try {
    filename = require.resolve(modulePath);
  } catch {
    return undefined; // the import error is require's to report
  }
  if (!/\.c?js$/.test(filename) || !vm.constants) return undefined;
  const source = fs.readFileSync(filename, 'utf8');
  const key = `${createHash('sha1').update(source).digest('hex').slice(0, 16)}-${process.version}-${process.arch}`;
  const dir = path.join(config.codeDir, '.v8-code-cache');
  const file = (/** @type {'init' | 'warm'} */ stage) => path.join(dir, `${key}.${stage}`);
  /** @type {'init' | 'warm' | undefined} */
  let loaded;
  /** @type {Buffer | undefined} */
  let cachedData;
  for (const stage of /** @type {const} */ (['warm', 'init'])) {
    try {
      cachedData = fs.readFileSync(file(stage));
      loaded = stage;
      break;
    } catch {
      // not written yet
    }
  }
  const script = new vm.Script(Module.wrap(source), {
    filename,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (script.cachedDataRejected) loaded = undefined;
  const write = (/** @type {'init' | 'warm'} */ stage) => {
    try {
      fs.mkdirSync(dir, { recursive: true });
      // Several environments of one function may write at once: each writes its own file, then renames it.
      const temporary = `${file(stage)}.${process.pid}-${threadId}`;
      fs.writeFileSync(temporary, script.createCachedData());
      fs.renameSync(temporary, file(stage));
    } catch {
      // A cache that cannot be written only costs speed.
    }
  };
  return {
    load() {
      const loadedModule = new Module(filename, module);
      loadedModule.filename = filename;
      // @ts-expect-error -- undocumented but stable: the lookup paths require would give this module.
      loadedModule.paths = Module._nodeModulePaths(path.dirname(filename));
      require.cache[filename] = loadedModule;
      const wrapper = script.runInThisContext({ displayErrors: true });
      wrapper.call(loadedModule.exports, loadedModule.exports, Module.createRequire(filename), loadedModule, filename, path.dirname(filename));
      loadedModule.loaded = true;
      return loadedModule.exports;
    },
    afterInit() {
      if (loaded === undefined) setImmediate(() => write('init'));
    },
    afterFirstInvocation() {
      if (loaded !== 'warm') setImmediate(() => write('warm'));
    },
  };
})();

/** @type {(event: unknown, context: unknown) => Promise<unknown>} */
let handler = () => Promise.reject(new Error('the function failed to initialise'));
try {
  const loaded = (codeCache ? codeCache.load() : require(modulePath))[exportName];
  if (typeof loaded !== 'function') throw new Error(`${config.handler} is not a function in ${config.codeDir}`);
  handler = loaded;
  parentPort?.postMessage({ type: 'ready' });
  codeCache?.afterInit();
} catch (error) {
  // Reported as a message, not rethrown: the worker's 'error' event could overtake this message and the
  // invocation would get a bare exit instead of its init error. The parent terminates this environment.
  const failure = /** @type {Error} */ (error);
  parentPort?.postMessage({ type: 'init-error', errorType: 'Runtime.ImportModuleError', errorMessage: failure.message });
}

let invocations = 0;
parentPort?.on('message', async (/** @type {{ requestId: string; payload: unknown; deadline: number }} */ message) => {
  const context = {
    functionName: config.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: config.functionArn,
    memoryLimitInMB: String(config.memorySize),
    awsRequestId: message.requestId,
    logGroupName: config.logGroupName,
    logStreamName: `local/[$LATEST]${message.requestId}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
  };
  try {
    const result = await handler(message.payload, context);
    parentPort?.postMessage({ type: 'result', requestId: message.requestId, result: result === undefined ? null : JSON.parse(JSON.stringify(result)) });
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    parentPort?.postMessage({
      type: 'error',
      requestId: message.requestId,
      errorType: failure.name || 'Error',
      errorMessage: failure.message,
      trace: (failure.stack ?? '').split('\n'),
    });
  }
  if (++invocations === 1) codeCache?.afterFirstInvocation();
});
