import { publisherFromEnv, type Publisher } from '#shared/publisher';
import { retryable } from './retryable';

/** A publisher whose failures the workflows' `Retry` on TransientError matches (`PublishError` included). */
export const retryablePublisher = (publisher: Publisher): Publisher => ({
  publish: (events) => retryable('publishing payment events', () => publisher.publish(events)),
});

/** The production publisher: the bus named in `EVENT_BUS_NAME`. */
export const eventPublisherFromEnv = (tracer?: { captureAWSv3Client<T>(client: T): T }): Publisher =>
  retryablePublisher(publisherFromEnv(tracer));
