import type { JsonService } from '../edge/awsJsonProtocol';
import type { SecretsManagerService } from './secretsManagerService';

/** The Secrets Manager operations the edge serves (AWS JSON 1.1, `X-Amz-Target: secretsmanager.<Operation>`). */
export const secretsManagerApi = (secrets: SecretsManagerService): JsonService => ({
  targetPrefix: 'secretsmanager',
  operations: {
    GetSecretValue: (input) => secrets.getSecretValue(input),
  },
});
