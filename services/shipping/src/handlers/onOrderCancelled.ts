import { SFNClient } from '@aws-sdk/client-sfn';
import { orderCancelled } from '#shared/contracts';
import { consumeEvents, consumerDependencies, type ConsumerDependencies } from '#shared/middlewares';
import { createTaskResumer, type TaskResumer } from '#shared/workflows';
import { createSimulatedCarrier } from '../adapters/carrier';
import { shipmentRepositoryFromEnv } from '../adapters/shipmentRepository';
import { cancellationOf, cancelShipment } from '../domain/cancellation';
import type { Carrier } from '../domain/carrier';
import type { ShipmentRepository } from '../domain/shipmentRepository';

export type Dependencies = ConsumerDependencies & {
  shipments: ShipmentRepository;
  carrier: Carrier;
  resumer: TaskResumer;
  now?: () => Date;
};

/**
 * Hears OrderCancelled: cancels the order's open shipment (with the carrier too, if it was booked) and
 * resumes the shipment workflow's wait with the CANCELLED outcome, or leaves a tombstone when the order has
 * no shipment yet. A plain consumer, not a workflow: each step is idempotent, so SQS redelivery is the retry
 * (services/shipping/README.md). A failure is thrown for the middleware to classify: transient ones are
 * redelivered, the rest dead-lettered with their reason.
 */
export const makeHandler = ({ shipments, carrier, resumer, ...dependencies }: Dependencies) =>
  consumeEvents({
    ...dependencies,
    contracts: [orderCancelled],
    handle: async (event, { logger, now }) => {
      const { outcome, shipment, carrier: answer, wake } = await cancelShipment({ shipments, carrier }, event.data.orderId, cancellationOf(event, now()));
      const resumed = wake ? await resumer.succeed(wake.taskToken, wake.outcome) : 'nothing-waiting';
      logger.info('cancellation handled', { outcome, shipmentId: shipment.shipmentId, status: shipment.status, cancelledWithCarrier: answer !== undefined, resumed });
    },
  });

const dependencies = consumerDependencies('shipping');
export const handler = makeHandler({
  ...dependencies,
  shipments: shipmentRepositoryFromEnv(dependencies.tracer),
  carrier: createSimulatedCarrier(),
  resumer: createTaskResumer(dependencies.tracer.captureAWSv3Client(new SFNClient({}))),
});
