import { GetSecretValueCommand, InternalServiceError, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { PermanentError } from '#shared/errors';
import { createWebhookSecret } from '../../../../../services/shipping/src/adapters/webhookSecret';

const SECRET_ID = 'ordering-shipping-dev-carrier-webhook';

const setup = () => {
  const client = new SecretsManagerClient({ region: 'eu-west-1' });
  const secretsManager = mockClient(client);
  return { secretsManager, secret: createWebhookSecret({ client, secretId: SECRET_ID }) };
};

describe('createWebhookSecret', () => {
  it('reads the secret by its name once and answers every later call from the cache', async () => {
    const { secretsManager, secret } = setup();
    secretsManager.on(GetSecretValueCommand, { SecretId: SECRET_ID }).resolves({ SecretString: 'the-secret' });

    const values = [await secret.value(), await secret.value(), await secret.value()];

    expect(values).toEqual(['the-secret', 'the-secret', 'the-secret']);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('shares one read between concurrent first calls', async () => {
    const { secretsManager, secret } = setup();
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'the-secret' });

    await Promise.all([secret.value(), secret.value()]);

    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('reads again on the next call when a read failed, instead of caching the failure', async () => {
    const { secretsManager, secret } = setup();
    const failed = new InternalServiceError({ message: 'An error occurred on the server side.', $metadata: {} });
    secretsManager.on(GetSecretValueCommand).rejectsOnce(failed).resolves({ SecretString: 'the-secret' });

    const first = await secret.value().catch((error: unknown) => error);
    const second = await secret.value();

    expect({ first, second }).toEqual({ first: failed, second: 'the-secret' });
  });

  it('refuses a secret without a string value, since an empty key signs for anyone', async () => {
    const { secretsManager, secret } = setup();
    secretsManager.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2, 3]) });

    await expect(secret.value()).rejects.toThrow(new PermanentError(`secret ${SECRET_ID} has no string value`));
  });
});
