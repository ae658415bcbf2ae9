import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { classifyError } from '#shared/errors';
import type { Logger, Tracer } from '#shared/logging';
import { captureInvocation } from '#shared/runtime';

export type ApiEvent = APIGatewayProxyEventV2;
export type ApiResult = APIGatewayProxyStructuredResultV2;

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** Issues echoed back at most, each cut short: a hostile body must not make the answer exceed Lambda's 6 MB. */
const MAX_ISSUES = 20;
const MAX_ISSUE_LENGTH = 200;

/** A 4xx whose message lists the problems (the first twenty), so a client fixes them all at once. */
export const problem = (statusCode: number, issues: string[]): ApiResult => {
  const shown = issues.slice(0, MAX_ISSUES).map((issue) => (issue.length > MAX_ISSUE_LENGTH ? `${issue.slice(0, MAX_ISSUE_LENGTH)}…` : issue));
  if (issues.length > MAX_ISSUES) shown.push(`…and ${issues.length - MAX_ISSUES} more`);
  return json(statusCode, { message: shown.join('; '), issues: shown });
};

/**
 * What API Gateway's JWT authorizer answers a request without a valid token. A handler behind it that finds
 * no caller in the event (a misconfigured route) answers the same, rather than serving an anonymous request.
 */
export const unauthorized = (): ApiResult => json(401, { message: 'Unauthorized' });

/** A signed-in caller who may not use the route: 403, naming who may. */
export const forbidden = (message: string): ApiResult => json(403, { message });

/** An order request is a few hundred bytes; refusing big bodies before parsing bounds the work a request costs. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The request body as JSON, or the issue that names why it is not. */
export const jsonBody = (event: ApiEvent): { ok: true; value: unknown } | { ok: false; issues: string[] } => {
  if (event.body === undefined || event.body === '') return { ok: false, issues: ['body: is required'] };
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) return { ok: false, issues: [`body: must be at most ${MAX_BODY_BYTES} bytes`] };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, issues: ['body: must be valid JSON'] };
  }
};

/**
 * An HTTP API (payload v2) handler: logs and traces like every function here, and turns a failure into one
 * logged error and an honest status, decided by `classifyError` as for tasks and consumers: a transient one (a
 * throttle, a dependency down) is worth retrying (503), and every route is safe to retry: reads are reads, and
 * POST /orders is idempotent per Idempotency-Key; anything else is our bug (500).
 *
 * @example
 * ```ts
 * export const makeHandler = ({ logger, tracer }: Dependencies) =>
 *   apiHandler({ logger, tracer }, async (event) => json(200, { ok: true }));
 * ```
 */
export const apiHandler = (
  { logger, tracer }: { logger: Logger; tracer: Tracer },
  handle: (event: ApiEvent) => Promise<ApiResult>,
) =>
  middy(async (event: ApiEvent): Promise<ApiResult> => {
    try {
      return await handle(event);
    } catch (thrown) {
      const error = classifyError(thrown);
      logger.error('request failed', { error, routeKey: event.routeKey });
      return error.transient
        ? json(503, { message: 'temporarily unavailable; retrying is safe' }, { 'retry-after': '1' })
        : json(500, { message: 'internal error' });
    }
  })
    .use(captureInvocation())
    .use(injectLambdaContext(logger))
    .use(captureLambdaHandler(tracer));
