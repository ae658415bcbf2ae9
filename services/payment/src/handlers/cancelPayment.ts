import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { taskHandler } from '#shared/tasks';
import { paymentRepositoryFromEnv } from '../adapters/paymentRepository';
import type { PaymentRepository } from '../domain/paymentRepository';
import { cancelPayment, cancellationInputSchema } from '../domain/refundWorkflow';

export interface CancelPaymentDependencies {
  payments: PaymentRepository;
  logger: Logger;
  tracer: Tracer;
  now?: () => Date;
}

/** Refund workflow, first step: records the cancellation (a tombstone if nothing was charged yet) and decides whether to refund now. */
export const makeHandler = ({ payments, logger, tracer, now }: CancelPaymentDependencies) =>
  taskHandler({
    input: cancellationInputSchema,
    logger,
    tracer,
    now,
    handle: async (input, context) => {
      const plan = await cancelPayment(payments, input, context.now());
      context.logger.info('cancellation recorded', plan);
      return plan;
    },
  });

const tracer = createTracer('payment');
export const handler = makeHandler({ payments: paymentRepositoryFromEnv(tracer), logger: createLogger('payment'), tracer });
