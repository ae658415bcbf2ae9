/**
 * `LOCAL_CLOUD_TRACE=1`: one line on stderr per step the local cloud takes for a request (cold starts,
 * invocations and the time they queued, SQS batches and the age of their oldest message, executions), with
 * milliseconds since the process started, so a slow saga can be read hop by hop. Off by default; costs a
 * boolean test when off.
 *
 * @example
 * LOCAL_CLOUD_TRACE=1 npm run demo 2> trace.log
 */
export const tracing = process.env.LOCAL_CLOUD_TRACE === '1' || process.env.LOCAL_CLOUD_TRACE === 'true';

const origin = performance.timeOrigin;

/** Writes `<ms> <component> <what> key=value…` when tracing is on. */
export const trace = (component: string, what: string, fields: Record<string, unknown> = {}): void => {
  if (!tracing) return;
  const at = (Date.now() - origin).toFixed(0).padStart(7);
  const details = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'number' ? Math.round(value) : String(value)}`)
    .join(' ');
  process.stderr.write(`[trace] ${at} ${component.padEnd(6)} ${what} ${details}\n`);
};
