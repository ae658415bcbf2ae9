// @ts-check
// One Lambda execution environment: a worker thread with its own process.env (set by the parent from the
// function's resolved environment), the packaged bundle loaded once (cold start), then one invocation at a time.
const { parentPort, workerData } = require('node:worker_threads');
const path = require('node:path');

/** @type {{ codeDir: string; handler: string; functionName: string; functionArn: string; memorySize: number; logGroupName: string }} */
const config = workerData;
const lastDot = config.handler.lastIndexOf('.');
const modulePath = path.join(config.codeDir, config.handler.slice(0, lastDot));
const exportName = config.handler.slice(lastDot + 1);

/** @type {(event: unknown, context: unknown) => Promise<unknown>} */
let handler;
try {
  handler = require(modulePath)[exportName];
  if (typeof handler !== 'function') throw new Error(`${config.handler} is not a function in ${config.codeDir}`);
} catch (error) {
  const failure = /** @type {Error} */ (error);
  parentPort?.postMessage({ type: 'init-error', errorType: 'Runtime.ImportModuleError', errorMessage: failure.message });
  throw error;
}
parentPort?.postMessage({ type: 'ready' });

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
});
