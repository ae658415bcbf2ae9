import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { taskHandler } from '#shared/tasks';
import { paymentRepositoryFromEnv } from '../adapters/paymentRepository';
import { beginCharge, chargeInputSchema } from '../domain/chargeWorkflow';
import type { PaymentRepository } from '../domain/paymentRepository';

export interface BeginChargeDependencies {
  payments: PaymentRepository;
  logger: Logger;
  tracer: Tracer;
  now?: () => Date;
}

/** Charge workflow, first step: claims the order's payment record, unless a cancellation got there first. */
export const makeHandler = ({ payments, logger, tracer, now }: BeginChargeDependencies) =>
  taskHandler({
    input: chargeInputSchema,
    logger,
    tracer,
    now,
    handle: async (input, context) => {
      const begun = await beginCharge(payments, input, context.now());
      context.logger.info('charge begun', begun);
      return begun;
    },
  });

const tracer = createTracer('payment');
export const handler = makeHandler({ payments: paymentRepositoryFromEnv(tracer), logger: createLogger('payment'), tracer });
