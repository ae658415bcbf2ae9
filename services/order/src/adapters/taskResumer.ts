import { SFNClient } from '@aws-sdk/client-sfn';
import { createTaskResumer, type TaskResumer } from '#shared/workflows';

/** The production resumer of the order workflow's waits (SendTaskSuccess), with default client settings. */
export const taskResumerFromEnv = (tracer?: { captureAWSv3Client<T>(client: T): T }): TaskResumer => {
  const client = new SFNClient({});
  return createTaskResumer(tracer ? tracer.captureAWSv3Client(client) : client);
};
