import { randomUUID } from 'node:crypto';
import { AwsServiceError } from '../edge/awsJsonProtocol';
import { generateSecretString } from './generateSecretString';

interface LocalSecret {
  arn: string;
  name: string;
  value: string;
  versionId: string;
  createdDate: Date;
}

/** `AWS::SecretsManager::Secret` properties: read and honoured, metadata, or read and not emulated. */
const PROPERTIES = new Set(['Name', 'Description', 'GenerateSecretString', 'SecretString', 'Tags', 'KmsKeyId']);

const notFound = (): AwsServiceError => new AwsServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");

/**
 * Secrets Manager for the local cloud: the templates' secrets, each with one version (`AWSCURRENT`) whose value
 * is the template's `SecretString` or generated at start from its `GenerateSecretString`, as CloudFormation
 * has Secrets Manager do on create. Values live in memory only, for the life of the cloud.
 *
 * @example
 * ```ts
 * const secret = cloud.secrets.valueOf('ordering-shipping-dev-carrier-webhook');
 * ```
 */
export class SecretsManagerService {
  private readonly secrets: LocalSecret[] = [];
  /** Declared, deliberately not emulated: for the start-up report. */
  readonly notEmulated: string[] = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Creates the secret of an `AWS::SecretsManager::Secret` (resolved properties) under `arn`, its `Ref`. */
  createSecret(arn: string, properties: Record<string, unknown>): void {
    const unknown = Object.keys(properties).filter((name) => !PROPERTIES.has(name));
    if (unknown.length > 0) throw new Error(`secret properties ${unknown.join(', ')} are not supported by the local cloud`);
    const { Name: name, SecretString: literal, GenerateSecretString: generate } = properties;
    if (typeof name !== 'string' || name === '') throw new Error('a secret needs a Name locally: configuration carries names (ADR 4)');
    if (this.secrets.some((secret) => secret.name === name)) throw new Error(`secret ${name} is declared twice across stacks`);
    if (literal !== undefined && generate !== undefined) throw new Error('a secret takes SecretString or GenerateSecretString, not both');
    if (literal !== undefined && typeof literal !== 'string') throw new Error('SecretString must be a string');
    if (generate !== undefined && (typeof generate !== 'object' || generate === null)) throw new Error('GenerateSecretString must be an object');
    if ('KmsKeyId' in properties) {
      const line = 'AWS::SecretsManager::Secret KmsKeyId: read, not emulated (values are kept in memory, unencrypted)';
      if (!this.notEmulated.includes(line)) this.notEmulated.push(line);
    }
    // A secret without either is created with no value on AWS: GetSecretValue then fails, as it does here.
    const value = literal ?? (generate ? generateSecretString(generate as Record<string, unknown>) : undefined);
    if (value === undefined) throw new Error('a secret without SecretString or GenerateSecretString has no value to read locally');
    this.secrets.push({ arn, name, value, versionId: randomUUID(), createdDate: this.now() });
  }

  /** The current value of the secret named `name` (or its ARN); throws when the templates declare none. */
  valueOf(name: string): string {
    const secret = this.find(name);
    if (!secret) throw new Error(`no secret ${name} in the templates`);
    return secret.value;
  }

  /** `GetSecretValue`: by name, full ARN or partial ARN (without the random suffix), current version only. */
  getSecretValue(input: Record<string, unknown>): Record<string, unknown> {
    const { SecretId: secretId, VersionId: versionId, VersionStage: versionStage } = input;
    if (typeof secretId !== 'string' || secretId === '') throw new AwsServiceError('InvalidParameterException', 'SecretId is required.');
    const secret = this.find(secretId);
    if (!secret) throw notFound();
    if (versionId !== undefined && versionId !== secret.versionId) throw new AwsServiceError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for VersionId: ${JSON.stringify(versionId)}`);
    if (versionStage !== undefined && versionStage !== 'AWSCURRENT') throw new AwsServiceError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for staging label: ${JSON.stringify(versionStage)}`);
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: secret.versionId,
      SecretString: secret.value,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: secret.createdDate.getTime() / 1000,
    };
  }

  listSecretNames(): string[] {
    return this.secrets.map((secret) => secret.name);
  }

  private find(secretId: string): LocalSecret | undefined {
    return this.secrets.find((secret) => secret.name === secretId || secret.arn === secretId || secret.arn.replace(/-[A-Za-z0-9]{6}$/, '') === secretId);
  }
}
