import type { Template, TemplateResource } from '../cloudformation/localResources';
import { corsConfigurationOf } from './corsConfiguration';
import type { LocalHttpApi } from './httpApi';
import { JwtAuthorizer } from './jwtAuthorizer';
import type { ThrottleSettings } from './tokenBucket';

/** What the HTTP API resources of one stack need from the cloud that loads them. */
export interface HttpApiStack {
  template: Template;
  /** A resource's properties, intrinsics resolved. */
  props: (resource: TemplateResource) => Record<string, unknown>;
  /** The local `Ref` of a logical id of this template. */
  ref: (logicalId: string) => string;
  /** `<stack>/<logicalId>`, for messages. */
  where: (logicalId: string) => string;
  http: LocalHttpApi;
  /** Notices (an issuer that is not a local user pool) and authorizer failures. */
  log: (line: string) => void;
  /** The start-up report's "read, not emulated" lines. */
  notEmulated: string[];
  /** Whether an issuer is one of the local cloud's user pools (its keys are on the edge). */
  isLocalIssuer: (issuer: string) => boolean;
}

/** API Gateway's account-level quota per region, what a route without its own setting for one of them gets. */
const ACCOUNT_THROTTLE: ThrottleSettings = { rateLimit: 10_000, burstLimit: 5000 };

const API_PROPERTIES = new Set(['Name', 'ProtocolType', 'CorsConfiguration', 'Description', 'Tags', 'DisableExecuteApiEndpoint']);
const STAGE_PROPERTIES = new Set(['ApiId', 'StageName', 'AutoDeploy', 'DefaultRouteSettings', 'RouteSettings', 'AccessLogSettings', 'Description', 'Tags']);
const ROUTE_SETTINGS = new Set(['DetailedMetricsEnabled', 'ThrottlingBurstLimit', 'ThrottlingRateLimit']);
const AUTHORIZER_PROPERTIES = new Set(['ApiId', 'AuthorizerType', 'Name', 'IdentitySource', 'JwtConfiguration']);
const ROUTE_PROPERTIES = new Set(['ApiId', 'RouteKey', 'Target', 'AuthorizationType', 'AuthorizerId', 'AuthorizationScopes', 'OperationName']);

const byType = (template: Template, type: string): [string, TemplateResource][] => Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

/** Runs `load` for one resource; what it throws is told naming the resource. */
const each = (stack: HttpApiStack, type: string, load: (logicalId: string, properties: Record<string, unknown>) => void): void => {
  for (const [logicalId, resource] of byType(stack.template, type)) {
    try {
      load(logicalId, stack.props(resource));
    } catch (error) {
      throw new Error(`${stack.where(logicalId)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }
};

const refuseUnknown = (what: string, properties: Record<string, unknown>, known: ReadonlySet<string>): void => {
  const unknown = Object.keys(properties).filter((name) => !known.has(name));
  if (unknown.length > 0) throw new Error(`${what} properties ${unknown.join(', ')} are not supported by the local cloud`);
};

const notEmulated = (stack: HttpApiStack, line: string): void => {
  if (!stack.notEmulated.includes(line)) stack.notEmulated.push(line);
};

/** A stage's `DefaultRouteSettings` or one of its `RouteSettings`: the throttling it sets (either may be left out). */
const routeSettingsOf = (settings: unknown, what: string): Partial<ThrottleSettings> => {
  if (settings === undefined) return {};
  if (typeof settings !== 'object' || settings === null) throw new Error(`${what} must be an object`);
  const input = settings as Record<string, unknown>;
  refuseUnknown(what, input, ROUTE_SETTINGS);
  if (input.DetailedMetricsEnabled === true) throw new Error(`${what}.DetailedMetricsEnabled: per-route metrics are not recorded locally (the API's are)`);
  const result: Partial<ThrottleSettings> = {};
  if (input.ThrottlingRateLimit !== undefined) {
    const rate = Number(input.ThrottlingRateLimit);
    if (!Number.isFinite(rate) || rate < 0) throw new Error(`${what}.ThrottlingRateLimit ${JSON.stringify(input.ThrottlingRateLimit)} must be a number of at least 0`);
    result.rateLimit = rate;
  }
  if (input.ThrottlingBurstLimit !== undefined) {
    const burst = Number(input.ThrottlingBurstLimit);
    if (!Number.isInteger(burst) || burst < 0) throw new Error(`${what}.ThrottlingBurstLimit ${JSON.stringify(input.ThrottlingBurstLimit)} must be an integer of at least 0`);
    result.burstLimit = burst;
  }
  return result;
};

interface StageThrottling {
  defaults: Partial<ThrottleSettings>;
  routes: Map<string, Partial<ThrottleSettings>>;
}

/** A route's throttling: its own settings over the stage's defaults, the account quota for what neither sets. */
const throttleOf = (stage: StageThrottling | undefined, routeKey: string): ThrottleSettings | undefined => {
  const own = stage?.routes.get(routeKey) ?? {};
  const rateLimit = own.rateLimit ?? stage?.defaults.rateLimit;
  const burstLimit = own.burstLimit ?? stage?.defaults.burstLimit;
  if (rateLimit === undefined && burstLimit === undefined) return undefined;
  return { rateLimit: rateLimit ?? ACCOUNT_THROTTLE.rateLimit, burstLimit: burstLimit ?? ACCOUNT_THROTTLE.burstLimit };
};

/**
 * Loads one stack's HTTP APIs (`AWS::ApiGatewayV2::Api`, `Stage`, `Authorizer`, `Route` and the Lambda
 * integrations routes target) into the local HTTP API: CORS, throttling and JWT authorizers are enforced as
 * declared; whatever the local cloud cannot honour refuses the start, naming the resource and the property.
 */
export const addHttpApiResources = (stack: HttpApiStack): void => {
  const apis = new Set<string>();
  each(stack, 'AWS::ApiGatewayV2::Api', (logicalId, properties) => {
    refuseUnknown('HTTP API', properties, API_PROPERTIES);
    if (properties.ProtocolType !== 'HTTP') throw new Error(`protocol ${String(properties.ProtocolType)} is not supported locally (HTTP APIs only)`);
    if (properties.DisableExecuteApiEndpoint === true) notEmulated(stack, 'AWS::ApiGatewayV2::Api DisableExecuteApiEndpoint: read, not emulated (the local HTTP port serves every API)');
    const apiId = stack.ref(logicalId);
    apis.add(apiId);
    stack.http.configureApi(apiId, properties.CorsConfiguration === undefined ? {} : { cors: corsConfigurationOf(properties.CorsConfiguration) });
  });
  const apiOf = (apiId: unknown): string => {
    if (typeof apiId !== 'string' || !apis.has(apiId)) throw new Error(`ApiId ${JSON.stringify(apiId)} is not an HTTP API of this stack`);
    return apiId;
  };

  const stages = new Map<string, StageThrottling>();
  each(stack, 'AWS::ApiGatewayV2::Stage', (_logicalId, properties) => {
    refuseUnknown('stage', properties, STAGE_PROPERTIES);
    const apiId = apiOf(properties.ApiId);
    // A named stage is served under /<stage>/; the local HTTP port serves the $default stage's paths only.
    if (properties.StageName !== '$default') throw new Error(`stage ${String(properties.StageName)} is not supported locally ($default only)`);
    if (stages.has(apiId)) throw new Error(`a second stage of API ${apiId}: the local cloud serves one, $default`);
    if (properties.AccessLogSettings !== undefined) notEmulated(stack, 'AWS::ApiGatewayV2::Stage AccessLogSettings: read, not emulated (no access logs locally)');
    const routeSettings = (properties.RouteSettings ?? {}) as Record<string, unknown>;
    stages.set(apiId, {
      defaults: routeSettingsOf(properties.DefaultRouteSettings, 'DefaultRouteSettings'),
      routes: new Map(Object.entries(routeSettings).map(([routeKey, settings]) => [routeKey, routeSettingsOf(settings, `RouteSettings[${routeKey}]`)])),
    });
  });

  const authorizers = new Map<string, { apiId: string; authorizer: JwtAuthorizer }>();
  each(stack, 'AWS::ApiGatewayV2::Authorizer', (logicalId, properties) => {
    if (properties.AuthorizerType !== 'JWT') throw new Error(`authorizer type ${String(properties.AuthorizerType)} is not supported locally (JWT only: a Lambda REQUEST authorizer is not run)`);
    refuseUnknown('JWT authorizer', properties, AUTHORIZER_PROPERTIES);
    const apiId = apiOf(properties.ApiId);
    const name = typeof properties.Name === 'string' ? properties.Name : logicalId;
    const identitySources = Array.isArray(properties.IdentitySource) ? properties.IdentitySource : [properties.IdentitySource];
    if (identitySources.length !== 1 || typeof identitySources[0] !== 'string') throw new Error('a JWT authorizer has exactly one IdentitySource');
    const { Issuer: issuer, Audience: audience, ...rest } = (properties.JwtConfiguration ?? {}) as Record<string, unknown>;
    if (Object.keys(rest).length > 0) throw new Error(`JwtConfiguration properties ${Object.keys(rest).join(', ')} are not supported by the local cloud`);
    if (typeof issuer !== 'string' || issuer === '') throw new Error('JwtConfiguration.Issuer is required');
    if (!Array.isArray(audience) || !audience.every((entry) => typeof entry === 'string')) throw new Error('JwtConfiguration.Audience must be a list of strings');
    if (!stack.isLocalIssuer(issuer)) stack.log(`${stack.where(logicalId)}: issuer ${issuer} is not a local user pool; its keys are fetched from it when a request comes`);
    const authorizer = new JwtAuthorizer({ name, issuer, audience: audience, identitySource: identitySources[0] }, { log: stack.log });
    authorizers.set(stack.ref(logicalId), { apiId, authorizer });
  });

  const integrations = Object.fromEntries(byType(stack.template, 'AWS::ApiGatewayV2::Integration').map(([logicalId, resource]) => [logicalId, stack.props(resource)]));
  const routeKeys = new Map<string, Set<string>>();
  each(stack, 'AWS::ApiGatewayV2::Route', (_logicalId, properties) => {
    refuseUnknown('route', properties, ROUTE_PROPERTIES);
    const apiId = apiOf(properties.ApiId);
    const routeKey = String(properties.RouteKey);
    const integration = integrations[String(properties.Target).replace(/^integrations\//, '')];
    if (!integration) throw new Error(`route target ${String(properties.Target)} is not a Lambda integration of this stack`);
    if (integration.PayloadFormatVersion !== '2.0') throw new Error(`payload format ${String(integration.PayloadFormatVersion)} is not supported locally (2.0 only)`);
    const authorizationType = properties.AuthorizationType ?? 'NONE';
    const scopes = properties.AuthorizationScopes ?? [];
    if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string')) throw new Error('AuthorizationScopes must be a list of strings');
    let authorization: { authorizer: JwtAuthorizer; scopes: string[] } | undefined;
    if (authorizationType === 'JWT') {
      const found = authorizers.get(String(properties.AuthorizerId));
      if (!found || found.apiId !== apiId) throw new Error(`AuthorizerId ${String(properties.AuthorizerId)} is not a JWT authorizer of this route's API`);
      authorization = { authorizer: found.authorizer, scopes: scopes };
    } else if (authorizationType !== 'NONE') {
      throw new Error(`authorization type ${JSON.stringify(authorizationType)} is not supported locally (JWT or NONE: ${authorizationType === 'AWS_IAM' ? 'SigV4 signatures are not checked' : 'Lambda authorizers are not run'})`);
    } else if (scopes.length > 0 || properties.AuthorizerId !== undefined) {
      throw new Error('AuthorizerId and AuthorizationScopes need AuthorizationType JWT');
    }
    const throttle = throttleOf(stages.get(apiId), routeKey);
    stack.http.addRoute({
      apiId,
      routeKey,
      functionArn: String(integration.IntegrationUri),
      payloadFormatVersion: '2.0',
      timeoutMs: Number(integration.TimeoutInMillis ?? 30_000),
      ...(authorization ? { authorization } : {}),
      ...(throttle ? { throttle } : {}),
    });
    routeKeys.set(apiId, (routeKeys.get(apiId) ?? new Set()).add(routeKey));
  });

  for (const [apiId, stage] of stages) {
    const unknown = [...stage.routes.keys()].filter((routeKey) => !routeKeys.get(apiId)?.has(routeKey));
    if (unknown.length > 0) throw new Error(`HTTP API ${apiId}: RouteSettings name ${unknown.join(', ')}, which are not routes of the API`);
  }
};
