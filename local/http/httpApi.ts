import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../edge/awsJsonProtocol';
import { listening } from '../edge/listening';
import { LambdaFunctionError, type LambdaInvoker } from '../lambda/invoker';
import { corsHeaders, isPreflight, withoutCorsHeaders, type CorsConfiguration } from './corsConfiguration';
import type { JwtAuthorizer } from './jwtAuthorizer';
import { TokenBucket, type ThrottleSettings } from './tokenBucket';

export interface HttpRoute {
  /** The HTTP API the route belongs to (the `Ref` of its `AWS::ApiGatewayV2::Api`): its metrics' `ApiId`. */
  apiId: string;
  /** `POST /orders`, `GET /orders/{orderId}`, `$default`. */
  routeKey: string;
  functionArn: string;
  /** Only payload format 2.0 is emulated: it is what `httpApi` events use. */
  payloadFormatVersion: '2.0';
  timeoutMs: number;
  /** `AuthorizationType: JWT`: the route's authorizer and its `AuthorizationScopes` (none: any valid token). */
  authorization?: { authorizer: JwtAuthorizer; scopes: readonly string[] };
  /** The stage's throttling for this route (`RouteSettings` over `DefaultRouteSettings`); none: unthrottled. */
  throttle?: ThrottleSettings;
}

/** What belongs to an API rather than to one of its routes. */
export interface HttpApiSettings {
  /** `CorsConfiguration`: preflights answered by the API, CORS headers on responses to allowed origins. */
  cors?: CorsConfiguration;
}

interface CompiledRoute extends HttpRoute {
  method: string;
  pattern: RegExp;
  parameterNames: string[];
  /** Fewer parameters = more specific: API Gateway prefers exact paths over greedy ones. */
  specificity: number;
  bucket?: TokenBucket;
}

export interface LocalHttpApiOptions {
  /** Told the status of every response a route gave, for API Gateway's `Count`, `4xx` and `5xx` metrics. */
  onResponse?: (apiId: string, statusCode: number) => void;
  /** Where a failed integration is reported (API Gateway answers its client a bare 500/503); defaults to stderr. */
  log?: (line: string) => void;
  /** The clock of the throttling buckets, in milliseconds (tests pass their own). */
  now?: () => number;
}

/** A response the API gives itself, never reaching a function: API Gateway's JSON error body. */
const gatewayResponse = (status: number, message: string, headers: Record<string, string> = {}) => ({
  status,
  responseHeaders: { 'content-type': 'application/json', ...headers },
  responseBody: JSON.stringify({ message }),
});

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
 * last), the v2 event, and the v2 response mapping (a non-object result becomes a 200 JSON body). In front of
 * the function, in API Gateway's order: the route's throttling (429), its JWT authorizer (401/403), and the
 * API's CORS configuration (preflights answered without a function, CORS headers for allowed origins only).
 */
export class LocalHttpApi {
  private readonly routes: CompiledRoute[] = [];
  private readonly apis = new Map<string, HttpApiSettings>();
  private readonly documents = new Map<string, { body: string; contentType: string }>();
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
    if (route.throttle) compiled.bucket = new TokenBucket(route.throttle, this.options.now);
    this.routes.push(compiled);
    this.routes.sort((a, b) => a.specificity - b.specificity);
  }

  /** Settings of the API `apiId` (the `Ref` of its `AWS::ApiGatewayV2::Api`) that apply to all its routes. */
  configureApi(apiId: string, settings: HttpApiSettings): void {
    this.apis.set(apiId, settings);
  }

  /**
   * Serves `document` at `GET <path>` beside the routes (a generated OpenAPI document, say), with
   * `access-control-allow-origin: *` so that a browser tool on another origin may read it. Local only: it
   * belongs to no API, counts in no metric and never reaches a function.
   *
   * @example
   * ```ts
   * cloud.http.serveDocument('/openapi/order.json', JSON.parse(readFileSync(file, 'utf8')));
   * ```
   */
  serveDocument(path: string, document: unknown, contentType = 'application/json'): void {
    if (!path.startsWith('/')) throw new Error(`a document's path starts with /: ${path}`);
    const clash = this.routes.find((route) => (route.method === 'GET' || route.method === 'ANY') && route.routeKey !== '$default' && route.pattern.test(path));
    if (clash) throw new Error(`${path} is a path of route ${clash.routeKey}; a document would hide it`);
    this.documents.set(path, { body: typeof document === 'string' ? document : JSON.stringify(document), contentType });
  }

  listRoutes(): string[] {
    return this.routes.map((route) => route.routeKey);
  }

  listDocuments(): string[] {
    return [...this.documents.keys()];
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
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(',') : (value ?? '')]),
    );
    const document = method === 'GET' ? this.documents.get(url.pathname) : undefined;
    if (document) {
      respond(response, 200, { 'content-type': document.contentType, 'access-control-allow-origin': '*' }, document.body);
      return;
    }
    const onPath = this.routes.filter((route) => route.pattern.test(url.pathname));
    const route = onPath.find((candidate) => candidate.method === method || candidate.method === 'ANY');
    // The API a request belongs to: its route's, or for a preflight (which no route of its method catches),
    // the API whose routes serve that path.
    const apiId = (route ?? onPath[0])?.apiId;
    const cors = apiId === undefined ? undefined : this.apis.get(apiId)?.cors;
    const finish = (apiIdOf: string, answer: { status: number; responseHeaders: Record<string, string>; responseBody: string }) => {
      const answerHeaders = cors ? { ...withoutCorsHeaders(answer.responseHeaders), ...corsHeaders(cors, headers.origin, 'response') } : answer.responseHeaders;
      respond(response, answer.status, answerHeaders, answer.responseBody);
      this.options.onResponse?.(apiIdOf, answer.status);
    };
    if (!route) {
      if (apiId !== undefined && cors && isPreflight(method, headers)) {
        // "API Gateway automatically sends a response to preflight OPTIONS requests, even if there isn't an
        // OPTIONS route configured": no function is invoked.
        respond(response, 204, corsHeaders(cors, headers.origin, 'preflight'), '');
        this.options.onResponse?.(apiId, 204);
        return;
      }
      // No route, so no API of any stack: one local server serves them all, so this counts in no API's metrics.
      respond(response, 404, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Not Found' }));
      return;
    }
    const groups = route.pattern.exec(url.pathname) ?? [];
    const body = await readBody(request);
    if (route.bucket && !route.bucket.take()) {
      finish(route.apiId, gatewayResponse(429, 'Too Many Requests'));
      return;
    }
    let authorizer: unknown;
    if (route.authorization) {
      const decision = await route.authorization.authorizer.authorize({ headers, query: url.searchParams }, route.authorization.scopes);
      if (!decision.allowed) {
        finish(route.apiId, gatewayResponse(decision.status, decision.message, { 'www-authenticate': decision.wwwAuthenticate }));
        return;
      }
      authorizer = decision.context;
    }
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
        ...(authorizer ? { authorizer } : {}),
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
      answer = gatewayResponse(timedOut ? 503 : 500, timedOut ? 'Service Unavailable' : 'Internal Server Error');
    }
    finish(route.apiId, answer);
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
