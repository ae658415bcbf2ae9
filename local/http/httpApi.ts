import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../edge/awsJsonProtocol';
import { listening } from '../edge/listening';
import { LambdaFunctionError, type LambdaInvoker } from '../lambda/invoker';

export interface HttpRoute {
  /** The HTTP API the route belongs to (the `Ref` of its `AWS::ApiGatewayV2::Api`): its metrics' `ApiId`. */
  apiId: string;
  /** `POST /orders`, `GET /orders/{orderId}`, `$default`. */
  routeKey: string;
  functionArn: string;
  /** Only payload format 2.0 is emulated: it is what `httpApi` events use. */
  payloadFormatVersion: '2.0';
  timeoutMs: number;
}

interface CompiledRoute extends HttpRoute {
  method: string;
  pattern: RegExp;
  parameterNames: string[];
  /** Fewer parameters = more specific: API Gateway prefers exact paths over greedy ones. */
  specificity: number;
}

export interface LocalHttpApiOptions {
  /** Told the status of every response a route gave, for API Gateway's `Count`, `4xx` and `5xx` metrics. */
  onResponse?: (apiId: string, statusCode: number) => void;
  /** Where a failed integration is reported (API Gateway answers its client a bare 500/503); defaults to stderr. */
  log?: (line: string) => void;
}

const compile = (route: HttpRoute): CompiledRoute => {
  const [method = '', path = ''] = route.routeKey === '$default' ? ['ANY', '/{proxy+}'] : route.routeKey.split(' ');
  const parameterNames: string[] = [];
  const pattern = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+?)(\\\+)?\}/g, (_match, name: string, greedy?: string) => {
    parameterNames.push(name);
    return greedy ? '(.+)' : '([^/]+)';
  });
  return {
    ...route,
    method,
    pattern: new RegExp(`^${pattern.replace(/\\\{/g, '{').replace(/\\\}/g, '}')}$`),
    parameterNames,
    specificity: (route.routeKey === '$default' ? 1000 : 0) + parameterNames.length * 10 + (path.includes('+}') ? 100 : 0),
  };
};

/**
 * An HTTP API (API Gateway v2, payload format 2.0) in front of local Lambda functions: route selection as
 * API Gateway does it (exact method and path first, then path parameters, greedy `{proxy+}` and `$default`
 * last), the v2 event, and the v2 response mapping (a non-object result becomes a 200 JSON body).
 */
export class LocalHttpApi {
  private readonly routes: CompiledRoute[] = [];
  private server: Server | undefined;

  constructor(
    private readonly invoker: LambdaInvoker,
    private readonly options: LocalHttpApiOptions = {},
  ) {}

  addRoute(route: HttpRoute): void {
    const compiled = compile(route);
    if (this.routes.some((existing) => existing.routeKey === route.routeKey)) {
      throw new Error(`HTTP route ${route.routeKey} is declared twice across stacks; the local cloud serves one HTTP API`);
    }
    this.routes.push(compiled);
    this.routes.sort((a, b) => a.specificity - b.specificity);
  }

  listRoutes(): string[] {
    return this.routes.map((route) => route.routeKey);
  }

  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await listening(this.server, port, host);
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const match = this.routes
      .map((route) => ({ route, groups: route.method === method || route.method === 'ANY' ? route.pattern.exec(url.pathname) : null }))
      .find((candidate) => candidate.groups);
    if (!match?.groups) {
      // No route, so no API of any stack: one local server serves them all, so this counts in no API's metrics.
      respond(response, 404, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Not Found' }));
      return;
    }
    const { route, groups } = match;
    const body = await readBody(request);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(',') : (value ?? '')]),
    );
    const pathParameters = Object.fromEntries(route.parameterNames.map((name, i) => [name.replace(/\+$/, ''), decodeURIComponent(groups[i + 1] ?? '')]));
    const now = Date.now();
    const event = {
      version: '2.0',
      routeKey: route.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      ...(url.searchParams.size > 0 ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
      ...(route.parameterNames.length > 0 ? { pathParameters } : {}),
      requestContext: {
        accountId: '000000000000',
        apiId: route.apiId,
        domainName: headers.host ?? 'localhost',
        http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: request.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
        requestId: randomUUID(),
        routeKey: route.routeKey,
        stage: '$default',
        time: new Date(now).toUTCString(),
        timeEpoch: now,
      },
      ...(body ? { body } : {}),
      isBase64Encoded: false,
    };
    let answer: { status: number; responseHeaders: Record<string, string>; responseBody: string };
    try {
      answer = mapResult(await withTimeout(this.invoker.invoke(route.functionArn, event), route.timeoutMs));
    } catch (error) {
      // API Gateway hides function errors behind a generic 500 (or 503 for a timeout).
      const timedOut = error instanceof LambdaFunctionError && error.name === 'Sandbox.Timedout';
      (this.options.log ?? ((line) => console.error(`[http] ${line}`)))(`${route.routeKey} failed: ${error instanceof Error ? error.message : String(error)}`);
      answer = {
        status: timedOut ? 503 : 500,
        responseHeaders: { 'content-type': 'application/json' },
        responseBody: JSON.stringify({ message: timedOut ? 'Service Unavailable' : 'Internal Server Error' }),
      };
    }
    respond(response, answer.status, answer.responseHeaders, answer.responseBody);
    this.options.onResponse?.(route.apiId, answer.status);
  }
}

/** Payload format 2.0 response rules from the API Gateway developer guide. @internal */
export const mapResult = (result: unknown): { status: number; responseHeaders: Record<string, string>; responseBody: string } => {
  if (result && typeof result === 'object' && 'statusCode' in result) {
    const { statusCode, headers, body, isBase64Encoded } = result as { statusCode: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean };
    return {
      status: statusCode,
      responseHeaders: { 'content-type': 'application/json', ...headers },
      responseBody: isBase64Encoded && body ? Buffer.from(body, 'base64').toString() : (body ?? ''),
    };
  }
  return { status: 200, responseHeaders: { 'content-type': 'application/json' }, responseBody: typeof result === 'string' ? result : JSON.stringify(result) };
};

const respond = (response: ServerResponse, status: number, headers: Record<string, string>, body: string) => {
  response.writeHead(status, headers);
  response.end(body);
};

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new LambdaFunctionError('Sandbox.Timedout', `integration timed out after ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
