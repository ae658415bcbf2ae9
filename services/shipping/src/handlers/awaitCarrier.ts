import { z } from 'zod';
import { SFNClient } from '@aws-sdk/client-sfn';
import { orderIdSchema } from '#shared/contracts';
import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { taskHandler } from '#shared/tasks';
import { createTaskResumer, type TaskResumer } from '#shared/workflows';
import { shipmentRepositoryFromEnv } from '../adapters/shipmentRepository';
import { CARRIER_STATUSES, wakeUp } from '../domain/shipment';
import type { ShipmentRepository } from '../domain/shipmentRepository';

export const awaitCarrierInput = z.object({
  orderId: orderIdSchema,
  awaiting: z.enum(CARRIER_STATUSES),
  token: z.string().min(1),
});

export interface Dependencies {
  shipments: ShipmentRepository;
  resumer: TaskResumer;
  logger: Logger;
  tracer: Tracer;
}

/**
 * The body of a `.waitForTaskToken` state: stores the task token on the shipment so the carrier webhook can
 * resume it. A report that arrived before the wait began is already on the shipment: then this task resumes
 * itself at once, because no later callback would.
 */
export const makeHandler = ({ shipments, resumer, ...dependencies }: Dependencies) =>
  taskHandler({
    ...dependencies,
    input: awaitCarrierInput,
    handle: async ({ orderId, awaiting, token }, { logger }) => {
      const wake = wakeUp(await shipments.registerWait(orderId, awaiting, token));
      const resumed = wake ? await resumer.succeed(wake.taskToken, wake.outcome) : 'waiting';
      logger.info('waiting for the carrier', { awaiting, resumed });
      return { awaiting, resumed };
    },
  });

const tracer = createTracer('shipping');
export const handler = makeHandler({
  shipments: shipmentRepositoryFromEnv(tracer),
  resumer: createTaskResumer(tracer.captureAWSv3Client(new SFNClient({}))),
  logger: createLogger('shipping'),
  tracer,
});
