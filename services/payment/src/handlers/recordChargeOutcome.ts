import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { taskHandler } from '#shared/tasks';
import { paymentRepositoryFromEnv } from '../adapters/paymentRepository';
import { recordChargeOutcome, recordOutcomeInputSchema } from '../domain/chargeWorkflow';
import type { PaymentRepository } from '../domain/paymentRepository';

export interface RecordChargeOutcomeDependencies {
  payments: PaymentRepository;
  logger: Logger;
  tracer: Tracer;
  now?: () => Date;
}

/** Charge workflow: moves the record from CHARGING to CHARGED, DECLINED or FAILED and reports any cancellation noted meanwhile. */
export const makeHandler = ({ payments, logger, tracer, now }: RecordChargeOutcomeDependencies) =>
  taskHandler({
    input: recordOutcomeInputSchema,
    logger,
    tracer,
    now,
    handle: async (input, context) => {
      const recorded = await recordChargeOutcome(payments, input, context.now());
      context.logger.info('charge outcome recorded', { status: recorded.status, cancelRequested: recorded.cancelRequested });
      return recorded;
    },
  });

const tracer = createTracer('payment');
export const handler = makeHandler({ payments: paymentRepositoryFromEnv(tracer), logger: createLogger('payment'), tracer });
