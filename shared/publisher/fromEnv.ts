import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { requireEnv } from '#shared/runtime';
import { createPublisher, type Publisher } from './createPublisher';

/**
 * The production publisher: the bus named in `EVENT_BUS_NAME` (PutEvents takes a name or an ARN).
 *
 * @example
 * ```ts
 * const publisher = publisherFromEnv(tracer);
 * ```
 */
export const publisherFromEnv = (tracer?: { captureAWSv3Client<T>(client: T): T }): Publisher => {
  const client = new EventBridgeClient({});
  return createPublisher({
    client: tracer ? tracer.captureAWSv3Client(client) : client,
    eventBusName: requireEnv('EVENT_BUS_NAME'),
  });
};
