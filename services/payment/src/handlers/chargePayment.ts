import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { taskHandler } from '#shared/tasks';
import { paymentProviderFromEnv } from '../adapters/paymentProvider';
import { chargeThroughProvider, providerChargeInputSchema } from '../domain/chargeWorkflow';
import type { PaymentProvider } from '../domain/paymentProvider';

export interface ChargePaymentDependencies {
  provider: PaymentProvider;
  logger: Logger;
  tracer: Tracer;
}

/**
 * Charge workflow: asks the provider to charge the order's total under the order's one charge key. A decline
 * is returned as a value; an unavailable provider or a lost reply throws TransientError, which the workflow retries.
 */
export const makeHandler = ({ provider, logger, tracer }: ChargePaymentDependencies) =>
  taskHandler({
    input: providerChargeInputSchema,
    logger,
    tracer,
    handle: async (input, context) => {
      const charge = await chargeThroughProvider(provider, input);
      context.logger.info('provider answered', { outcome: charge.outcome });
      return charge;
    },
  });

const tracer = createTracer('payment');
export const handler = makeHandler({ provider: paymentProviderFromEnv(tracer), logger: createLogger('payment'), tracer });
