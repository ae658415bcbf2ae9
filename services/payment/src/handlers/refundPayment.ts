import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { taskHandler } from '#shared/tasks';
import { paymentProviderFromEnv } from '../adapters/paymentProvider';
import { paymentRepositoryFromEnv } from '../adapters/paymentRepository';
import type { PaymentProvider } from '../domain/paymentProvider';
import type { PaymentRepository } from '../domain/paymentRepository';
import { refundInputSchema, refundPayment } from '../domain/refundWorkflow';

export interface RefundPaymentDependencies {
  payments: PaymentRepository;
  provider: PaymentProvider;
  logger: Logger;
  tracer: Tracer;
  now?: () => Date;
}

/** Both workflows: refunds whatever the provider holds under the order's charge key, once, and records REFUNDED. */
export const makeHandler = ({ payments, provider, logger, tracer, now }: RefundPaymentDependencies) =>
  taskHandler({
    input: refundInputSchema,
    logger,
    tracer,
    now,
    handle: async (input, context) => {
      const refund = await refundPayment({ payments, provider }, input, context.now());
      context.logger.info('refund settled', { outcome: refund.outcome });
      return refund;
    },
  });

const tracer = createTracer('payment');
export const handler = makeHandler({
  payments: paymentRepositoryFromEnv(tracer),
  provider: paymentProviderFromEnv(tracer),
  logger: createLogger('payment'),
  tracer,
});
