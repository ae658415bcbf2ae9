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
import { usedSignaturesFromEnv } from '../adapters/usedSignatures';
import { webhookSecretFromEnv } from '../adapters/webhookSecret';
import { parseCarrierCallback } from '../domain/carrierCallback';
import { authenticateCallback } from '../domain/carrierSignature';
import { CALLBACKS_KEPT, wakeUpOnReport } from '../domain/shipment';
import type { ShipmentRepository } from '../domain/shipmentRepository';
import type { UsedSignatures } from '../domain/usedSignatures';
import type { WebhookSecret } from '../domain/webhookSecret';

export interface Dependencies {
  shipments: ShipmentRepository;
  resumer: TaskResumer;
  usedSignatures: UsedSignatures;
  secret: WebhookSecret;
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
 * `POST /carrier/callbacks`: the carrier reports a shipment dispatched or delivered. Nothing is read from the
 * body, and nothing is written, before its signature is verified and claimed (`authenticateCallback`): an
 * unsigned, forged, stale or replayed request is answered 401 with API Gateway's own `Unauthorized` (which
 * check failed would coach a forger) and logged with the reason. The report is then recorded once per
 * `callbackId` (a redelivery is answered 202 again), moves the shipment forward if it can, and resumes the
 * workflow task waiting for it. Any answer but 2xx makes the carrier retry, signing afresh, so
 * a failure here loses nothing: the retry is recorded as a duplicate and resumes the wait again. A report on a
 * cancelled shipment is answered 202 `late`, kept apart and warned about, and resumes nothing; a new report on
 * a shipment that already keeps `CALLBACKS_KEPT` is refused 409 and stored nowhere.
 */
export const makeHandler = ({ shipments, resumer, usedSignatures, secret, logger, tracer, now = () => new Date() }: Dependencies) =>
  middy(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const receivedAt = now();
    // The signature covers the bytes as sent; API Gateway hands non-text content types over in base64.
    const rawBody = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
    const { requestId, http } = event.requestContext;
    try {
      const auth = await authenticateCallback({ headers: event.headers, body: rawBody, secret: await secret.value(), now: receivedAt, requestId }, usedSignatures);
      if (!auth.ok) {
        // The caller is not the carrier, or the carrier's clock or secret is wrong: either is someone's to look at.
        const { reason, detail } = auth;
        logger.warn('carrier callback refused: not authenticated', { reason, detail, requestId, sourceIp: http.sourceIp, userAgent: http.userAgent, bodyBytes: rawBody.length });
        return respond(401, { message: 'Unauthorized' });
      }

      const parsed = parseCarrierCallback(rawBody.toString('utf8'));
      if (!parsed.ok) {
        logger.warn('invalid carrier callback', { problem: parsed.problem });
        return respond(400, { message: `invalid callback: ${parsed.problem}` });
      }
      const { callback } = parsed;
      const log = logger.createChild({ persistentKeys: { shipmentId: callback.shipmentId, callbackId: callback.callbackId } });
      const orderId = await shipments.orderIdOf(callback.shipmentId);
      if (!orderId) {
        log.warn('callback for an unknown shipment');
        return respond(404, { message: `shipment ${callback.shipmentId} is unknown` });
      }
      const { outcome, shipment } = await shipments.recordCallback(orderId, callback, receivedAt);
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
      logger.error('carrier callback not processed; the carrier will retry', { error, requestId });
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
  usedSignatures: usedSignaturesFromEnv(tracer),
  secret: webhookSecretFromEnv(tracer),
  logger: createLogger('shipping'),
  tracer,
});
