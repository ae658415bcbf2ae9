import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { SFNClient } from '@aws-sdk/client-sfn';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { classifyError } from '#shared/errors';
import { createLogger, createTracer, type Logger, type Tracer } from '#shared/logging';
import { captureInvocation } from '#shared/runtime';
import { createTaskResumer, type TaskResumer } from '#shared/workflows';
import { shipmentRepositoryFromEnv } from '../adapters/shipmentRepository';
import { parseCarrierCallback } from '../domain/carrierCallback';
import { CALLBACKS_KEPT, wakeUpOnReport } from '../domain/shipment';
import type { ShipmentRepository } from '../domain/shipmentRepository';

export interface Dependencies {
  shipments: ShipmentRepository;
  resumer: TaskResumer;
  logger: Logger;
  tracer: Tracer;
  now?: () => Date;
}

const respond = (statusCode: number, body: Record<string, unknown>): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/**
 * `POST /carrier/callbacks`: the carrier reports a shipment dispatched or delivered. The report is recorded
 * once per `callbackId` (a redelivery is answered 202 again), moves the shipment forward if it can, and
 * resumes the workflow task waiting for it. Any answer but 2xx makes the carrier retry, so a failure here
 * loses nothing: the retry is recorded as a duplicate and resumes the wait again. A report on a cancelled
 * shipment is answered 202 `late`, kept apart and warned about, and resumes nothing; a new report on a shipment
 * that already keeps `CALLBACKS_KEPT` is refused 409 and stored nowhere.
 */
export const makeHandler = ({ shipments, resumer, logger, tracer, now = () => new Date() }: Dependencies) =>
  middy(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const body = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    const parsed = parseCarrierCallback(body);
    if (!parsed.ok) {
      logger.warn('invalid carrier callback', { problem: parsed.problem });
      return respond(400, { message: `invalid callback: ${parsed.problem}` });
    }
    const { callback } = parsed;
    const log = logger.createChild({ persistentKeys: { shipmentId: callback.shipmentId, callbackId: callback.callbackId } });
    try {
      const orderId = await shipments.orderIdOf(callback.shipmentId);
      if (!orderId) {
        log.warn('callback for an unknown shipment');
        return respond(404, { message: `shipment ${callback.shipmentId} is unknown` });
      }
      const { outcome, shipment } = await shipments.recordCallback(orderId, callback, now());
      if (outcome === 'limit-reached') {
        // A carrier sending new ids for the same reports, most likely: a 4xx says resending will not help.
        log.warn('carrier callback refused: the shipment keeps no more callbacks', { correlationId: orderId, reported: callback.status, status: shipment.status, kept: CALLBACKS_KEPT });
        return respond(409, { message: `shipment ${callback.shipmentId} already has ${CALLBACKS_KEPT} callbacks; this one is not recorded, and resending it will not help` });
      }
      const wake = wakeUpOnReport(shipment);
      const resumed = wake ? await resumer.succeed(wake.taskToken, wake.outcome) : 'nothing-waiting';
      const details = { correlationId: orderId, reported: callback.status, outcome, status: shipment.status, resumed };
      // A carrier still reporting a parcel after the order was cancelled: the cancellation may not have reached
      // it, or the parcel is moving anyway. Nothing here acts on it; someone should look.
      if (outcome === 'late') log.warn('carrier report after the shipment was cancelled', { ...details, lateReportsKept: shipment.lateReports?.length ?? 0 });
      else log.info('carrier callback', details);
      return respond(202, { outcome, status: shipment.status });
    } catch (error) {
      log.error('carrier callback not processed; the carrier will retry', { error });
      return classifyError(error).transient
        ? respond(503, { message: 'callback not processed, retry later' })
        : respond(500, { message: 'callback not processed' });
    }
  })
    .use(captureInvocation())
    .use(injectLambdaContext(logger))
    .use(captureLambdaHandler(tracer));

const tracer = createTracer('shipping');
export const handler = makeHandler({
  shipments: shipmentRepositoryFromEnv(tracer),
  resumer: createTaskResumer(tracer.captureAWSv3Client(new SFNClient({}))),
  logger: createLogger('shipping'),
  tracer,
});
