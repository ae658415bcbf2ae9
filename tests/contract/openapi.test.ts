import { readFileSync } from 'node:fs';
import path from 'node:path';
import { API_NAMES, openApiDocument, renderOpenApiFiles, type ApiName } from '../../scripts/openapi';
import { readPackagedTemplate, ROOT } from '../../scripts/stacks';
import { refTarget, resourcesOfType } from '../support/packagedTemplates';

interface DocumentedOperation {
  security?: Record<string, string[]>[];
}

interface SecurityScheme {
  type: string;
  scheme?: string;
  in?: string;
  name?: string;
}

/** Every route an API's packaged stack declares: its route key, and the authorizer's type and identity source. */
const packagedRoutes = (api: ApiName) => {
  const template = readPackagedTemplate(api);
  return resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([, route]) => {
    const properties = route.Properties ?? {};
    const authorizer = template.Resources[refTarget(properties.AuthorizerId) ?? '']?.Properties;
    return {
      routeKey: String(properties.RouteKey),
      authorizationType: typeof properties.AuthorizationType === 'string' ? properties.AuthorizationType : 'NONE',
      authorizerType: authorizer?.AuthorizerType,
      identitySource: authorizer?.IdentitySource,
    };
  });
};

/** Every operation a document describes, by route key (`POST /orders`), as API Gateway writes route keys. */
const documentedOperations = (api: ApiName): Map<string, DocumentedOperation> => {
  const document = openApiDocument(api);
  return new Map(
    Object.entries(document.paths).flatMap(([route, methods]) =>
      Object.entries(methods as Record<string, DocumentedOperation>).map(([method, operation]) => [`${method.toUpperCase()} ${route}`, operation] as const),
    ),
  );
};

/** The security schemes one requirement of an operation names, resolved against the document's components. */
const schemesOf = (api: ApiName, operation: DocumentedOperation | undefined): SecurityScheme[] => {
  const schemes = openApiDocument(api).components.securitySchemes as Record<string, SecurityScheme>;
  return (operation?.security ?? []).flatMap((requirement) => Object.keys(requirement).map((name) => schemes[name] ?? { type: `undeclared ${name}` }));
};

describe('generated OpenAPI documents', () => {
  it.each(Object.entries(renderOpenApiFiles()))('%s is up to date (run `npm run generate`)', (file, expected) => {
    expect(readFileSync(path.join(ROOT, file), 'utf8')).toBe(expected);
  });
});

describe.each(API_NAMES.map((api) => [api] as const))('the OpenAPI document of the %s API', (api) => {
  const routes = packagedRoutes(api);
  const operations = documentedOperations(api);

  it('documents every route the packaged stack declares', () => {
    const undocumented = routes.map(({ routeKey }) => routeKey).filter((routeKey) => !operations.has(routeKey));

    expect(routes.length).toBeGreaterThan(0);
    expect(undocumented).toEqual([]);
  });

  it('documents no route the packaged stack does not declare', () => {
    const packaged = new Set(routes.map(({ routeKey }) => routeKey));

    expect([...operations.keys()].filter((routeKey) => !packaged.has(routeKey))).toEqual([]);
  });

  it('asks for a bearer JWT exactly where the route has the JWT authorizer, whose token comes from the Authorization header', () => {
    const mismatched = routes.flatMap(({ routeKey, authorizationType, authorizerType, identitySource }) => {
      const schemes = schemesOf(api, operations.get(routeKey));
      const documentsBearer = schemes.some((scheme) => scheme.type === 'http' && scheme.scheme === 'bearer');
      const packagedJwt = authorizationType === 'JWT' && authorizerType === 'JWT';
      const problems = [
        ...(documentsBearer === packagedJwt ? [] : [`${routeKey}: documented ${documentsBearer ? 'with' : 'without'} a bearer JWT, packaged with AuthorizationType ${authorizationType}`]),
        ...(packagedJwt && JSON.stringify(identitySource) !== JSON.stringify(['$request.header.Authorization']) ? [`${routeKey}: the token comes from ${JSON.stringify(identitySource)}`] : []),
      ];
      return problems;
    });

    expect(mismatched).toEqual([]);
  });

  it('names a security requirement for every operation, with schemes the document declares', () => {
    const unsecured = [...operations].filter(([, operation]) => schemesOf(api, operation).length === 0 || schemesOf(api, operation).some((scheme) => scheme.type.startsWith('undeclared'))).map(([routeKey]) => routeKey);

    expect(unsecured).toEqual([]);
  });
});

describe('the carrier webhook’s document', () => {
  it('asks, where no authorizer runs, for the carrier’s timestamp and signature headers together', () => {
    const [operation] = documentedOperations('shipping').values();

    expect(schemesOf('shipping', operation).map(({ type, in: where, name }) => ({ type, in: where, name }))).toEqual([
      { type: 'apiKey', in: 'header', name: 'x-carrier-timestamp' },
      { type: 'apiKey', in: 'header', name: 'x-carrier-signature' },
    ]);
  });
});
