/** An HTTP API's `CorsConfiguration`, resolved and checked. */
export interface CorsConfiguration {
  allowOrigins: readonly string[];
  allowMethods: readonly string[];
  allowHeaders: readonly string[];
  exposeHeaders: readonly string[];
  allowCredentials: boolean;
  maxAge?: number;
}

const PROPERTIES = new Set(['AllowOrigins', 'AllowMethods', 'AllowHeaders', 'ExposeHeaders', 'AllowCredentials', 'MaxAge']);

const strings = (value: unknown, name: string): string[] => {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new Error(`CorsConfiguration.${name} must be a list of strings`);
  return value;
};

/**
 * Reads `AWS::ApiGatewayV2::Api` `CorsConfiguration`, refusing what API Gateway refuses (credentials with
 * every origin, a negative or too long max age) and any property it does not know.
 */
export const corsConfigurationOf = (properties: unknown): CorsConfiguration => {
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) throw new Error('CorsConfiguration must be an object');
  const input = properties as Record<string, unknown>;
  const unknown = Object.keys(input).filter((name) => !PROPERTIES.has(name));
  if (unknown.length > 0) throw new Error(`CorsConfiguration properties ${unknown.join(', ')} are not supported by the local cloud`);
  const allowOrigins = strings(input.AllowOrigins, 'AllowOrigins');
  const allowCredentials = input.AllowCredentials === true;
  if (allowCredentials && allowOrigins.includes('*')) throw new Error("CorsConfiguration: AllowCredentials cannot be true with AllowOrigins '*' (API Gateway refuses it)");
  const configuration: CorsConfiguration = {
    allowOrigins,
    allowMethods: strings(input.AllowMethods, 'AllowMethods'),
    allowHeaders: strings(input.AllowHeaders, 'AllowHeaders'),
    exposeHeaders: strings(input.ExposeHeaders, 'ExposeHeaders'),
    allowCredentials,
  };
  if (input.MaxAge !== undefined) {
    const maxAge = Number(input.MaxAge);
    if (!Number.isInteger(maxAge) || maxAge < -1 || maxAge > 86_400) throw new Error(`CorsConfiguration.MaxAge ${JSON.stringify(input.MaxAge)} must be an integer from -1 to 86400`);
    configuration.maxAge = maxAge;
  }
  return configuration;
};

/** A browser's preflight: `OPTIONS` with an `Origin` and the method it means to send. */
export const isPreflight = (method: string, headers: Readonly<Record<string, string>>): boolean =>
  method === 'OPTIONS' && Boolean(headers.origin) && Boolean(headers['access-control-request-method']);

const allowedOrigin = (cors: CorsConfiguration, origin: string | undefined): string | undefined => {
  if (!origin) return undefined;
  if (cors.allowOrigins.includes(origin)) return origin;
  return cors.allowOrigins.includes('*') ? '*' : undefined;
};

/**
 * The CORS headers of a response to a request from `origin`: none unless the origin is allowed, as API
 * Gateway answers. Responses carry the origin, credentials and exposed headers; a preflight also the
 * methods, headers and max age.
 */
export const corsHeaders = (cors: CorsConfiguration, origin: string | undefined, kind: 'preflight' | 'response'): Record<string, string> => {
  const allowed = allowedOrigin(cors, origin);
  if (!allowed) return {};
  const headers: Record<string, string> = { 'access-control-allow-origin': allowed };
  if (cors.allowCredentials) headers['access-control-allow-credentials'] = 'true';
  if (kind === 'response') {
    if (cors.exposeHeaders.length > 0) headers['access-control-expose-headers'] = cors.exposeHeaders.join(',');
    return headers;
  }
  if (cors.allowMethods.length > 0) headers['access-control-allow-methods'] = cors.allowMethods.join(',');
  if (cors.allowHeaders.length > 0) headers['access-control-allow-headers'] = cors.allowHeaders.join(',');
  if (cors.maxAge !== undefined) headers['access-control-max-age'] = String(cors.maxAge);
  return headers;
};

/** Drops the integration's own CORS headers: "If you configure CORS for an API, API Gateway ignores CORS headers returned from your backend integration." */
export const withoutCorsHeaders = (headers: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !name.toLowerCase().startsWith('access-control-')));
