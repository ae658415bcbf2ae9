/**
 * The local cloud's identity, on two small stacks written as `sls package` would: an identity stack (a
 * Cognito user pool, its app client and a group, exported as the issuer and audience) and an API stack whose
 * route has a JWT authorizer on those exports, a throttled stage and a CORS configuration. Tokens come from
 * the local issuer, and travel through the real authorizer to the function.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { startLocalCloud, type LocalCloud, type StackArtifacts } from '../../../../local/cloud';
import type { TemplateResource } from '../../../../local/cloudformation/localResources';

const REGION = 'eu-west-1';
const ACCOUNT = '000000000000';
const ORIGIN = 'http://localhost:5173';

/** Answers with the claims API Gateway's authorizer passed on. */
const HANDLER = `
  exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event.requestContext.authorizer.jwt) });
`;

const IDENTITY: Record<string, TemplateResource> = {
  UserPool: { Type: 'AWS::Cognito::UserPool', Properties: { UserPoolName: 'customers', UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'] } },
  UserPoolClient: {
    Type: 'AWS::Cognito::UserPoolClient',
    Properties: {
      UserPoolId: { Ref: 'UserPool' },
      ClientName: 'web',
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email'],
      CallbackURLs: [`${ORIGIN}/callback`],
      SupportedIdentityProviders: ['COGNITO'],
      IdTokenValidity: 30,
      TokenValidityUnits: { IdToken: 'minutes' },
    },
  },
  OperatorsGroup: { Type: 'AWS::Cognito::UserPoolGroup', Properties: { UserPoolId: { Ref: 'UserPool' }, GroupName: 'operators', Precedence: 1 } },
};
const IDENTITY_OUTPUTS = {
  IssuerUrl: { Value: { 'Fn::GetAtt': ['UserPool', 'ProviderURL'] }, Export: { Name: 'identity-IssuerUrl' } },
  Audience: { Value: { Ref: 'UserPoolClient' }, Export: { Name: 'identity-Audience' } },
};

const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:api-me`;
const API: Record<string, TemplateResource> = {
  MeLambdaFunction: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'api-me', Handler: 'src/handlers/me.handler', Runtime: 'nodejs20.x', Code: { S3Key: 'me.zip' } } },
  HttpApi: {
    Type: 'AWS::ApiGatewayV2::Api',
    Properties: { Name: 'api', ProtocolType: 'HTTP', CorsConfiguration: { AllowOrigins: [ORIGIN], AllowHeaders: ['Content-Type', 'Authorization'], AllowMethods: ['GET', 'OPTIONS'] } },
  },
  HttpApiStage: {
    Type: 'AWS::ApiGatewayV2::Stage',
    Properties: { ApiId: { Ref: 'HttpApi' }, StageName: '$default', AutoDeploy: true, DefaultRouteSettings: { DetailedMetricsEnabled: false, ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 } },
  },
  HttpApiAuthorizerCustomers: {
    Type: 'AWS::ApiGatewayV2::Authorizer',
    Properties: {
      ApiId: { Ref: 'HttpApi' },
      Name: 'customers',
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerType: 'JWT',
      JwtConfiguration: { Audience: [{ 'Fn::ImportValue': 'identity-Audience' }], Issuer: { 'Fn::ImportValue': 'identity-IssuerUrl' } },
    },
  },
  HttpApiIntegrationMe: { Type: 'AWS::ApiGatewayV2::Integration', Properties: { ApiId: { Ref: 'HttpApi' }, IntegrationType: 'AWS_PROXY', IntegrationUri: FUNCTION_ARN, PayloadFormatVersion: '2.0' } },
  HttpApiRouteGetMe: {
    Type: 'AWS::ApiGatewayV2::Route',
    Properties: { ApiId: { Ref: 'HttpApi' }, RouteKey: 'GET /me', Target: { 'Fn::Join': ['/', ['integrations', { Ref: 'HttpApiIntegrationMe' }]] }, AuthorizationType: 'JWT', AuthorizerId: { Ref: 'HttpApiAuthorizerCustomers' } },
  },
};

/** `resources` with the properties of `logicalId` changed. */
const changed = (resources: Record<string, TemplateResource>, logicalId: string, properties: Record<string, unknown>): Record<string, TemplateResource> => {
  const resource = resources[logicalId] as TemplateResource;
  return { ...resources, [logicalId]: { ...resource, Properties: { ...resource.Properties, ...properties } } };
};

describe('the local cloud’s identity and HTTP API security', () => {
  let dir: string;
  let cloud: LocalCloud | undefined;
  const logged: string[] = [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'local-cloud-identity-'));
    logged.length = 0;
  });

  afterEach(async () => {
    await cloud?.stop();
    cloud = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const stack = (name: string, resources: Record<string, TemplateResource>, outputs: Record<string, unknown> = {}): StackArtifacts => {
    const stackDir = path.join(dir, name);
    mkdirSync(path.join(stackDir, '.serverless'), { recursive: true });
    writeFileSync(path.join(stackDir, '.serverless/cloudformation-template-update-stack.json'), JSON.stringify({ Resources: resources, Outputs: outputs }));
    writeFileSync(path.join(stackDir, '.serverless/me.zip'), zipSync({ 'src/handlers/me.js': strToU8(HANDLER) }));
    return { stackName: name, dir: stackDir };
  };

  const start = (identity: Record<string, TemplateResource> = IDENTITY, api: Record<string, TemplateResource> = API) =>
    startLocalCloud({ stacks: [stack('identity', identity, IDENTITY_OUTPUTS), stack('api', api)], workDir: path.join(dir, 'functions'), edgePort: 0, httpPort: 0, log: (_source, line) => logged.push(line) });

  const me = (running: LocalCloud, token: string) => fetch(`${running.httpUrl}/me`, { headers: { authorization: `Bearer ${token}` } });

  it('passes the claims of a token the local issuer signed to the function, as API Gateway does, when the route’s authorizer trusts the pool', async () => {
    cloud = await start();
    const running = cloud;

    const response = await me(running, await running.identity.issueToken({ subject: 'cus_1', groups: ['operators'] }));

    expect(running.identity.issuerUrl).toMatch(new RegExp(`^${running.edgeUrl}/identity/eu-west-1_[A-Za-z0-9]{9}$`));
    expect(response.status).toBe(200);
    const { claims, scopes } = (await response.json()) as { claims: Record<string, string>; scopes: unknown };
    expect(claims).toMatchObject({ iss: running.identity.issuerUrl, aud: running.identity.audience, sub: 'cus_1', 'cognito:groups': '[operators]', token_use: 'id' });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(30 * 60);
    expect(scopes).toBeNull();
  }, 30_000);

  it.each([
    ['expired', { subject: 'cus_1', expiresInSeconds: -1 }],
    ['for another app client', { subject: 'cus_1', audience: 'another-client' }],
  ])('answers 401 when the token is %s', async (_case, options) => {
    cloud = await start();

    const response = await me(cloud, await cloud.identity.issueToken(options));

    expect(response.status).toBe(401);
  }, 30_000);

  it('serves each pool’s discovery document, JWKS and local token endpoint on the edge', async () => {
    cloud = await start();
    const { issuerUrl } = cloud.identity;

    const discovery = (await (await fetch(`${issuerUrl}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string };
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: { kid: string; alg: string }[] };
    const issued = await fetch(`${issuerUrl}/token`, { method: 'POST', body: JSON.stringify({ sub: 'cus_2', groups: ['operators'], expiresInSeconds: 60 }) });
    const { token } = (await issued.json()) as { token: string };
    const pools = (await (await fetch(`${cloud.edgeUrl}/identity`)).json());

    expect(discovery.issuer).toBe(issuerUrl);
    expect(jwks.keys).toEqual([expect.objectContaining({ alg: 'RS256', kid: expect.any(String) as unknown })]);
    expect((await me(cloud, token)).status).toBe(200);
    expect(pools).toEqual({ pools: [{ poolId: issuerUrl.split('/').pop(), issuerUrl, clients: [{ clientId: cloud.identity.audience, name: 'web' }], groups: ['operators'] }] });
  }, 30_000);

  it.each([
    [{ sub: 'cus_1', groups: ['admins'] }, 'groups admins are not groups of user pool'],
    [{ sub: 'cus_1', scope: 'openid orders/admin' }, 'scopes orders/admin are not in the AllowedOAuthScopes of client web'],
    [{ sub: 'cus_1', role: 'admin' }, 'unknown fields role'],
    [{ groups: ['operators'] }, 'sub must be a string'],
  ])('answers 400, issuing nothing, when the token endpoint is asked for %j', async (request, message) => {
    cloud = await start();

    const response = await fetch(`${cloud.identity.issuerUrl}/token`, { method: 'POST', body: JSON.stringify(request) });

    expect(response.status).toBe(400);
    await expect(response.json()).resolves.toEqual({ message: expect.stringContaining(message) as unknown });
  }, 30_000);

  it('enforces the stage’s throttling and the API’s CORS configuration on the route', async () => {
    cloud = await start(IDENTITY, changed(API, 'HttpApiStage', { DefaultRouteSettings: { ThrottlingRateLimit: 0.001, ThrottlingBurstLimit: 2 } }));
    const token = await cloud.identity.issueToken({ subject: 'cus_1' });

    const preflight = await fetch(`${cloud.httpUrl}/me`, { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'GET' } });
    const statuses = [(await me(cloud, token)).status, (await me(cloud, token)).status, (await me(cloud, token)).status];

    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(statuses).toEqual([200, 200, 429]);
  }, 30_000);

  it('lists what it reads of the pool and client but does not emulate', async () => {
    cloud = await start();

    expect(cloud.notEmulated).toEqual(
      expect.arrayContaining([
        'AWS::Cognito::UserPool UsernameAttributes, AutoVerifiedAttributes: read, not emulated (the local issuer has no users, sign-up, sign-in or messages: it signs a token for any subject)',
        'AWS::Cognito::UserPoolClient GenerateSecret, AllowedOAuthFlows, AllowedOAuthFlowsUserPoolClient, CallbackURLs, SupportedIdentityProviders: read, not emulated (no hosted UI, OAuth flows or access and refresh tokens: the local token endpoint issues ID tokens)',
      ]),
    );
  }, 30_000);

  it.each([
    ['a user pool with Lambda triggers', changed(IDENTITY, 'UserPool', { LambdaConfig: { PreTokenGeneration: 'arn:aws:lambda:eu-west-1:000000000000:function:x' } }), API, 'identity/UserPool: user pool property LambdaConfig is not supported by the local cloud: Lambda triggers'],
    ['a group with a role', changed(IDENTITY, 'OperatorsGroup', { RoleArn: 'arn:aws:iam::000000000000:role/operators' }), API, 'identity/OperatorsGroup: user pool group property RoleArn is not supported by the local cloud'],
    ['a Lambda REQUEST authorizer', IDENTITY, changed(API, 'HttpApiAuthorizerCustomers', { AuthorizerType: 'REQUEST' }), 'api/HttpApiAuthorizerCustomers: authorizer type REQUEST is not supported locally (JWT only'],
    ['an IAM-authorized route', IDENTITY, changed(API, 'HttpApiRouteGetMe', { AuthorizationType: 'AWS_IAM', AuthorizerId: undefined }), 'api/HttpApiRouteGetMe: authorization type "AWS_IAM" is not supported locally (JWT or NONE: SigV4 signatures are not checked)'],
    ['per-route detailed metrics', IDENTITY, changed(API, 'HttpApiStage', { DefaultRouteSettings: { DetailedMetricsEnabled: true } }), 'api/HttpApiStage: DefaultRouteSettings.DetailedMetricsEnabled: per-route metrics are not recorded locally'],
    ['a named stage', IDENTITY, changed(API, 'HttpApiStage', { StageName: 'dev' }), 'api/HttpApiStage: stage dev is not supported locally ($default only)'],
    ['route settings of a route it does not have', IDENTITY, changed(API, 'HttpApiStage', { RouteSettings: { 'POST /me': { ThrottlingBurstLimit: 1 } } }), 'RouteSettings name POST /me, which are not routes of the API'],
    ['credentials allowed for every origin', IDENTITY, changed(API, 'HttpApi', { CorsConfiguration: { AllowOrigins: ['*'], AllowCredentials: true } }), "api/HttpApi: CorsConfiguration: AllowCredentials cannot be true with AllowOrigins '*'"],
  ])('refuses to start, naming the resource, when the templates declare %s', async (_case, identity, api, message) => {
    await expect(start(identity, api)).rejects.toThrow(message);
  }, 30_000);
});
