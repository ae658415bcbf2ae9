import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { publisherFromEnv, type Publisher } from '#shared/publisher';
import { taskHandler } from '#shared/tasks';
import { paymentFactSchema, publishPaymentEvent } from '../domain/paymentEvents';

export interface PublishPaymentEventDependencies {
  publisher: Publisher;
  logger: Logger;
  tracer: Tracer;
}

/** Both workflows: publishes one payment fact, validated against its contract, with a stable idempotency key. */
export const makeHandler = ({ publisher, logger, tracer }: PublishPaymentEventDependencies) =>
  taskHandler({
    input: paymentFactSchema,
    logger,
    tracer,
    handle: async (input, context) => {
      const published = await publishPaymentEvent(publisher, input);
      context.logger.info('payment event published', published);
      return published;
    },
  });

const tracer = createTracer('payment');
export const handler = makeHandler({ publisher: publisherFromEnv(tracer), logger: createLogger('payment'), tracer });
