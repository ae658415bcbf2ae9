/**
 * The templates' secrets on the local cloud: generated at start as their `GenerateSecretString` says, served
 * on the edge to the real `@aws-sdk/client-secrets-manager` (`GetSecretValue` by name or ARN), readable by
 * tests and simulators with `cloud.secrets.valueOf`, and the secret's `Ref` (its ARN) in a function's
 * environment.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { strToU8, zipSync } from 'fflate';
import { startLocalCloud, type LocalCloud } from '../../../../local/cloud';
import { NO_API_FAULT, NO_FAULTS, type FaultPlan } from '../../../../local/faults';
import type { TemplateResource } from '../../../../local/cloudformation/localResources';

const NAME = 'ordering-shipping-dev-carrier-webhook';

const RESOURCES: Record<string, TemplateResource> = {
  WebhookSecret: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: NAME, Description: 'signs carrier callbacks', GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true } } },
  ShowLambdaFunction: {
    Type: 'AWS::Lambda::Function',
    Properties: { FunctionName: 'show-env', Handler: 'src/handlers/show.handler', Runtime: 'nodejs20.x', Code: { S3Key: 'show.zip' }, Environment: { Variables: { SECRET_ARN: { Ref: 'WebhookSecret' }, SECRET_NAME: NAME } } },
  },
};

describe('the local cloud’s secrets', () => {
  let dir: string;
  let cloud: LocalCloud | undefined;
  let client: SecretsManagerClient | undefined;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'local-cloud-secrets-'));
  });

  afterEach(async () => {
    client?.destroy();
    await cloud?.stop();
    cloud = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (resources: Record<string, TemplateResource> = RESOURCES, faults: FaultPlan = NO_FAULTS): Promise<LocalCloud> => {
    const stackDir = path.join(dir, 'shipping');
    mkdirSync(path.join(stackDir, '.serverless'), { recursive: true });
    writeFileSync(path.join(stackDir, '.serverless/cloudformation-template-update-stack.json'), JSON.stringify({ Resources: resources }));
    writeFileSync(path.join(stackDir, '.serverless/show.zip'), zipSync({ 'src/handlers/show.js': strToU8('exports.handler = async () => ({ arn: process.env.SECRET_ARN });') }));
    const started = await startLocalCloud({ stacks: [{ stackName: 'shipping', dir: stackDir }], workDir: path.join(dir, 'functions'), edgePort: 0, httpPort: 0, faults, log: () => undefined });
    client = new SecretsManagerClient({ endpoint: started.edgeUrl, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    return started;
  };

  it('generates the value at start and serves it to the real SDK client by name and by the ARN a function gets from Ref', async () => {
    cloud = await start();
    const sdk = client as SecretsManagerClient;

    const { arn } = (await cloud.lambda.invoke('show-env', {})) as { arn: string };
    const byName = await sdk.send(new GetSecretValueCommand({ SecretId: NAME }));
    const byArn = await sdk.send(new GetSecretValueCommand({ SecretId: arn }));

    expect(arn).toMatch(new RegExp(`^arn:aws:secretsmanager:eu-west-1:000000000000:secret:${NAME}-[A-Za-z0-9]{6}$`));
    expect(byName.SecretString).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(byName.SecretString).toBe(cloud.secrets.valueOf(NAME));
    expect(byArn).toMatchObject({ ARN: arn, Name: NAME, SecretString: byName.SecretString, VersionStages: ['AWSCURRENT'] });
    expect(byName.CreatedDate).toBeInstanceOf(Date);
  }, 30_000);

  it('answers ResourceNotFoundException, as Secrets Manager does, for a secret the templates do not declare', async () => {
    cloud = await start();

    await expect((client as SecretsManagerClient).send(new GetSecretValueCommand({ SecretId: 'ordering-shipping-dev-elsewhere' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  }, 30_000);

  it('answers GetSecretValue with the error a fault plan gives it, in the wire shape the SDK raises as ThrottlingException', async () => {
    const calls: string[] = [];
    cloud = await start(RESOURCES, { ...NO_FAULTS, apiFault: ({ service, operation }) => (calls.push(`${service} ${operation}`), service === 'secretsmanager' ? { kind: 'error', error: 'ThrottlingException' } : NO_API_FAULT) });
    const sdk = new SecretsManagerClient({ endpoint: cloud.edgeUrl, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });

    await expect(sdk.send(new GetSecretValueCommand({ SecretId: NAME }))).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    expect(calls).toEqual(['secretsmanager GetSecretValue']);
    sdk.destroy();
  }, 30_000);

  it('keeps a SecretString as it is', async () => {
    cloud = await start({ WebhookSecret: { Type: 'AWS::SecretsManager::Secret', Properties: { Name: NAME, SecretString: 'fixed-for-a-test' } } });

    expect(cloud.secrets.valueOf(NAME)).toBe('fixed-for-a-test');
  }, 30_000);

  it.each([
    ['replica regions', { ReplicaRegions: [{ Region: 'eu-central-1' }] }, 'shipping/WebhookSecret: secret properties ReplicaRegions are not supported by the local cloud'],
    ['both a value and a generator', { SecretString: 'x' }, 'shipping/WebhookSecret: a secret takes SecretString or GenerateSecretString, not both'],
    ['a generator it cannot honour', { GenerateSecretString: { PasswordLength: 5000 } }, 'shipping/WebhookSecret: GenerateSecretString.PasswordLength 5000 must be an integer from 1 to 4096'],
  ])('refuses to start, naming the secret, when it has %s', async (_case, changes, message) => {
    const secret = RESOURCES.WebhookSecret as TemplateResource;

    await expect(start({ WebhookSecret: { ...secret, Properties: { ...secret.Properties, ...changes } } })).rejects.toThrow(message);
  }, 30_000);
});
