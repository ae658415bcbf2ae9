import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PermanentError } from '#shared/errors';
import type { Tracer } from '#shared/logging';
import { requireEnv } from '#shared/runtime';
import type { WebhookSecret } from '../domain/webhookSecret';

/**
 * The webhook secret from Secrets Manager, read by the first invocation of an execution environment (its cold
 * start) and cached for the environment's life: one GetSecretValue per cold start instead of one per callback
 * ($0.05 per 10,000 calls, and a throttle shared by the account). A failed read is not cached, so the next
 * callback tries again instead of the environment refusing every callback until it is recycled. A rotated
 * secret reaches an environment only when it is recycled (see the shipping README, "Threat model").
 */
export const createWebhookSecret = ({ client, secretId }: { client: SecretsManagerClient; secretId: string }): WebhookSecret => {
  let cached: Promise<string> | undefined;
  const read = async (): Promise<string> => {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    // An empty key still yields an HMAC, one anyone can compute: refuse to verify with it.
    if (!SecretString) throw new PermanentError(`secret ${secretId} has no string value`);
    return SecretString;
  };
  return {
    value() {
      cached ??= read().catch((error: unknown) => {
        cached = undefined;
        throw error;
      });
      return cached;
    },
  };
};

/** The production secret: the one named in `CARRIER_WEBHOOK_SECRET_NAME` (a name, docs/adr/0004). */
export const webhookSecretFromEnv = (tracer: Tracer): WebhookSecret =>
  createWebhookSecret({
    client: tracer.captureAWSv3Client(new SecretsManagerClient({})),
    secretId: requireEnv('CARRIER_WEBHOOK_SECRET_NAME'),
  });
