import { createHash } from 'node:crypto';
import { resolveIntrinsics, UnsupportedIntrinsicError, type Json, type PseudoParameters, type ResourceResolver } from './intrinsics';

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export interface Template {
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

export interface LocalEnvironment {
  region: string;
  accountId: string;
  /** The local edge endpoint, for queue URLs. */
  endpoint: string;
  /** Exports of stacks already loaded, by export name. */
  exports: Record<string, string>;
}

/**
 * What a packaged template's resources are called locally: physical names come from the template's own
 * name properties (every resource in this project names itself), ARNs and URLs are built the way AWS
 * builds them, in the local account and region.
 */
export const localResourceResolver = (template: Template, stackName: string, env: LocalEnvironment): ResourceResolver & { params: PseudoParameters } => {
  const params: PseudoParameters = { region: env.region, accountId: env.accountId, partition: 'aws', stackName };
  const arn = (service: string, resource: string) => `arn:aws:${service}:${env.region}:${env.accountId}:${resource}`;

  const resource = (logicalId: string): TemplateResource => {
    const found = template.Resources[logicalId];
    if (!found) throw new UnsupportedIntrinsicError(`${stackName}: no resource ${logicalId}`);
    return found;
  };
  const property = (logicalId: string, name: string): string => {
    const value = resource(logicalId).Properties?.[name];
    if (value === undefined) {
      throw new UnsupportedIntrinsicError(`${stackName}: ${logicalId} has no ${name}; the local cloud needs every resource named`);
    }
    const resolved = resolveIntrinsics(value, resolver, params);
    if (typeof resolved !== 'string') throw new UnsupportedIntrinsicError(`${stackName}: ${logicalId}.${name} is not a string`);
    return resolved;
  };

  const physical: Record<string, (id: string) => { ref: string; attributes: Record<string, () => string> }> = {
    'AWS::Lambda::Function': (id) => {
      const name = property(id, 'FunctionName');
      return { ref: name, attributes: { Arn: () => arn('lambda', `function:${name}`) } };
    },
    // Every packaged function exports its version; locally there is one version, the packaged code.
    'AWS::Lambda::Version': (id) => {
      const functionName = property(id, 'FunctionName');
      return { ref: arn('lambda', `function:${functionName}:1`), attributes: { Version: () => '1' } };
    },
    'AWS::SQS::Queue': (id) => {
      const name = property(id, 'QueueName');
      return {
        ref: `${env.endpoint}/${env.accountId}/${name}`,
        attributes: { Arn: () => arn('sqs', name), QueueName: () => name, QueueUrl: () => `${env.endpoint}/${env.accountId}/${name}` },
      };
    },
    'AWS::DynamoDB::Table': (id) => {
      const name = property(id, 'TableName');
      return { ref: name, attributes: { Arn: () => arn('dynamodb', `table/${name}`), StreamArn: () => arn('dynamodb', `table/${name}/stream/local`) } };
    },
    'AWS::StepFunctions::StateMachine': (id) => {
      const name = property(id, 'StateMachineName');
      return { ref: arn('states', `stateMachine:${name}`), attributes: { Name: () => name, Arn: () => arn('states', `stateMachine:${name}`) } };
    },
    'AWS::Events::EventBus': (id) => {
      const name = property(id, 'Name');
      return { ref: name, attributes: { Name: () => name, Arn: () => arn('events', `event-bus/${name}`) } };
    },
    'AWS::Events::Rule': (id) => {
      const name = property(id, 'Name');
      const bus = resource(id).Properties?.EventBusName;
      const busName = bus === undefined ? 'default' : asText(resolveIntrinsics(bus, resolver, params), `${id}.EventBusName`);
      const ruleArn = arn('events', busName === 'default' ? `rule/${name}` : `rule/${busName}/${name}`);
      return { ref: busName === 'default' ? name : `${busName}|${name}`, attributes: { Arn: () => ruleArn } };
    },
    'AWS::Logs::LogGroup': (id) => {
      const name = property(id, 'LogGroupName');
      return { ref: name, attributes: { Arn: () => arn('logs', `log-group:${name}:*`) } };
    },
    'AWS::SNS::Topic': (id) => {
      const name = property(id, 'TopicName');
      return { ref: arn('sns', name), attributes: { TopicName: () => name, TopicArn: () => arn('sns', name) } };
    },
    // API Gateway generates an API's id; locally it derives from the stack and logical id, so every stack's
    // HttpApi has its own (the ApiId of its metrics) and keeps it across starts.
    'AWS::ApiGatewayV2::Api': (id) => ({ ref: localApiId(stackName, id), attributes: { ApiEndpoint: () => env.endpoint } }),
    'AWS::ApiGatewayV2::Integration': (id) => ({ ref: id, attributes: {} }),
    'AWS::ApiGatewayV2::Stage': (id) => ({ ref: id, attributes: {} }),
    // API Gateway generates an authorizer's id; locally it derives from the stack and logical id, as an API's does.
    'AWS::ApiGatewayV2::Authorizer': (id) => ({ ref: localId(stackName, id, LOWER_ALPHANUMERIC, 6), attributes: {} }),
    // Cognito generates a pool's id (`<region>_<9 characters>`) and a client's (26 characters); locally they
    // derive from the stack and logical id, so they keep across starts. The issuer is the local one, on the edge.
    'AWS::Cognito::UserPool': (id) => {
      const poolId = localUserPoolId(env.region, stackName, id);
      return {
        ref: poolId,
        attributes: {
          Arn: () => arn('cognito-idp', `userpool/${poolId}`),
          ProviderName: () => `${env.endpoint.replace(/^https?:\/\//, '')}/identity/${poolId}`,
          ProviderURL: () => `${env.endpoint}/identity/${poolId}`,
          UserPoolId: () => poolId,
        },
      };
    },
    'AWS::Cognito::UserPoolClient': (id) => {
      const clientId = localId(stackName, id, LOWER_ALPHANUMERIC, 26);
      return { ref: clientId, attributes: { ClientId: () => clientId, Name: () => (resource(id).Properties?.ClientName === undefined ? clientId : property(id, 'ClientName')) } };
    },
    'AWS::Cognito::UserPoolGroup': (id) => ({ ref: property(id, 'GroupName'), attributes: {} }),
    'AWS::Cognito::UserPoolDomain': (id) => ({ ref: property(id, 'Domain'), attributes: {} }),
    // Secrets Manager appends six random characters to a secret's name in its ARN; locally they derive from the stack and logical id.
    'AWS::SecretsManager::Secret': (id) => {
      const secretArn = arn('secretsmanager', `secret:${property(id, 'Name')}-${localId(stackName, id, ALPHANUMERIC, 6)}`);
      return { ref: secretArn, attributes: { Id: () => secretArn } };
    },
    // The framework's deployment bucket has no name of its own; CloudFormation would generate one.
    'AWS::S3::Bucket': (id) => {
      const name = `${stackName}-${id}`.toLowerCase();
      return { ref: name, attributes: { Arn: () => `arn:aws:s3:::${name}` } };
    },
    'AWS::IAM::Role': (id) => {
      // CloudFormation names an unnamed role after the stack and logical id; so does the local cloud.
      const name = resource(id).Properties?.RoleName === undefined ? `${stackName}-${id}` : property(id, 'RoleName');
      return { ref: name, attributes: { Arn: () => `arn:aws:iam::${env.accountId}:role/${name}` } };
    },
  };

  const describe = (logicalId: string) => {
    const { Type } = resource(logicalId);
    const describeType = physical[Type];
    if (!describeType) throw new UnsupportedIntrinsicError(`${stackName}: ${logicalId} (${Type}) cannot be referenced locally`);
    return describeType(logicalId);
  };

  const resolver: ResourceResolver & { params: PseudoParameters } = {
    params,
    ref: (logicalId) => describe(logicalId).ref,
    getAtt: (logicalId, attribute) => {
      const get = describe(logicalId).attributes[attribute];
      if (!get) throw new UnsupportedIntrinsicError(`${stackName}: ${logicalId}.${attribute} is not supported locally`);
      return get();
    },
    importValue: (name) => {
      const value = env.exports[name];
      if (value === undefined) throw new UnsupportedIntrinsicError(`${stackName}: no stack exports ${name} (deploy order: platform first)`);
      return value;
    },
  };
  return resolver;
};

const LOWER_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` characters of `alphabet`, derived from the stack and logical id: the same on every start. */
const localId = (stackName: string, logicalId: string, alphabet: string, length: number): string => {
  const digest = createHash('sha256').update(`${stackName}/${logicalId}`).digest();
  return Array.from({ length }, (_, i) => alphabet.charAt((digest[i % digest.length] ?? 0) % alphabet.length)).join('');
};

/** A user pool id as Cognito shapes one: the region, an underscore, nine letters and digits. */
const localUserPoolId = (region: string, stackName: string, logicalId: string): string => `${region}_${localId(stackName, logicalId, ALPHANUMERIC, 9)}`;

/** Ten lowercase hexadecimal characters, the shape of an API Gateway id (`a1b2c3d4e5`). */
const localApiId = (stackName: string, logicalId: string): string => createHash('sha256').update(`${stackName}/${logicalId}`).digest('hex').slice(0, 10);

/** Resolves any part of a template with the local resolver. */
export const resolveLocally = (value: unknown, resolver: ResourceResolver & { params: PseudoParameters }): Json =>
  resolveIntrinsics(value, resolver, resolver.params);

/** A stack's exports, resolved locally: what `Fn::ImportValue` in later stacks sees. */
export const localExports = (template: Template, resolver: ResourceResolver & { params: PseudoParameters }): Record<string, string> =>
  Object.fromEntries(
    Object.values(template.Outputs ?? {})
      .filter((output) => output.Export)
      .map((output) => [asText(resolveLocally(output.Export?.Name, resolver), 'Export.Name'), asText(resolveLocally(output.Value, resolver), 'Output.Value')]),
  );

const asText = (value: Json, what: string): string => {
  if (typeof value !== 'string' && typeof value !== 'number') throw new UnsupportedIntrinsicError(`${what} must resolve to a string`);
  return String(value);
};
