import '../support/environment';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { TransientError } from '#shared/errors';
import { CALLBACKS_KEPT } from '../../../../../services/shipping/src/domain/shipment';
import type { ShipmentRepository } from '../../../../../services/shipping/src/domain/shipmentRepository';
import type { WebhookSecret } from '../../../../../services/shipping/src/domain/webhookSecret';
import { makeHandler } from '../../../../../services/shipping/src/handlers/recordCarrierCallback';
import { startDynamo, type LocalDynamo } from '../../../../support/dynalite';
import { RecordingResumer } from '../../../../support/recordingResumer';
import {
  callback,
  callbackRequest,
  carrierSigner,
  createdShipment,
  disabledTracer,
  fixedSecret,
  lambdaContext,
  newOrderId,
  shipmentsOn,
  signedCallbackRequest,
  silentLogger,
  usedSignaturesOn,
} from '../support/fakes';

const RECEIVED_AT = new Date('2026-11-25T11:02:05.000Z');
let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynamo(['shipping']);
});
afterAll(() => dynamo.stop());

const setup = async (shipments: ShipmentRepository = shipmentsOn(dynamo), { secret = fixedSecret() }: { secret?: WebhookSecret } = {}) => {
  const resumer = new RecordingResumer();
  const logger = silentLogger();
  const shipment = await shipmentsOn(dynamo).create(createdShipment(newOrderId()));
  const handler = makeHandler({ shipments, resumer, usedSignatures: usedSignaturesOn(dynamo), secret, logger, tracer: disabledTracer(), now: () => RECEIVED_AT });
  const send = async (request: APIGatewayProxyEventV2) => {
    const response = await handler(request, lambdaContext('recordCarrierCallback'));
    return { statusCode: response.statusCode, body: JSON.parse(String(response.body)) as Record<string, unknown> };
  };
  const sign = carrierSigner(RECEIVED_AT);
  /** The carrier posting a body, signed as it signs every attempt: afresh, with the stage's secret. */
  const post = (body: unknown) => send(sign(typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body)));
  return { post, send, resumer, logger, shipment, shipments: shipmentsOn(dynamo) };
};

describe('recordCarrierCallback', () => {
  describe('when the request is not authenticated', () => {
    /** A DELIVERED report for a shipment whose workflow waits for dispatch: what the attacker sent. */
    const forgeable = async () => {
      const context = await setup();
      await context.shipments.registerWait(context.shipment.orderId, 'DISPATCHED', 'token-1');
      const body = JSON.stringify(callback(context.shipment.shipmentId, 'DELIVERED'));
      return { ...context, body, before: await context.shipments.get(context.shipment.orderId) };
    };
    const secondsFromNow = (seconds: number) => new Date(RECEIVED_AT.getTime() + seconds * 1000);

    it.each([
      ['unsigned', 'missing', (body: string) => callbackRequest(body)],
      ['signed with another secret (forged)', 'mismatch', (body: string) => signedCallbackRequest(body, { signedAt: RECEIVED_AT, secret: 'a-guess' })],
      ['signed for another body (tampered)', 'mismatch', (body: string) => ({ ...signedCallbackRequest(body.replace('DELIVERED', 'DISPATCHED'), { signedAt: RECEIVED_AT }), body })],
      ['signed more than five minutes ago (stale)', 'stale', (body: string) => signedCallbackRequest(body, { signedAt: secondsFromNow(-301) })],
      ['signed more than five minutes ahead (future)', 'future', (body: string) => signedCallbackRequest(body, { signedAt: secondsFromNow(301) })],
      ['signed under another scheme (malformed)', 'malformed', (body: string) => signedCallbackRequest(body, { signedAt: RECEIVED_AT, overrides: { headers: { 'x-carrier-signature': 'sha256=deadbeef' } } })],
    ])('answers 401, logs why and changes nothing when the callback is %s', async (_case, reason, request) => {
      const { send, body, before, resumer, logger, shipments, shipment } = await forgeable();
      const warn = jest.spyOn(logger, 'warn');

      const response = await send(request(body));

      expect(response).toEqual({ statusCode: 401, body: { message: 'Unauthorized' } });
      await expect(shipments.get(shipment.orderId)).resolves.toEqual(before);
      expect(resumer.resumed).toEqual([]);
      expect(warn).toHaveBeenCalledWith('carrier callback refused: not authenticated', expect.objectContaining({ reason }));
    });

    it('answers 401 to a replay of an accepted callback, logs it and changes nothing more', async () => {
      const { send, body, resumer, logger, shipments, shipment } = await forgeable();
      const request = signedCallbackRequest(body, { signedAt: RECEIVED_AT });
      await send(request);
      const after = await shipments.get(shipment.orderId);
      const warn = jest.spyOn(logger, 'warn');

      const replay = await send({ ...request, requestContext: { ...request.requestContext, requestId: 'a-replaying-request' } });

      expect(replay).toEqual({ statusCode: 401, body: { message: 'Unauthorized' } });
      await expect(shipments.get(shipment.orderId)).resolves.toEqual(after);
      expect(resumer.resumed.map(({ token }) => token)).toEqual(['token-1']);
      expect(warn).toHaveBeenCalledWith('carrier callback refused: not authenticated', expect.objectContaining({ reason: 'replayed' }));
    });

    it('accepts the same report again when the carrier signs the resend afresh', async () => {
      const { post, body } = await forgeable();
      await post(body);

      const resend = await post(body);

      expect(resend).toEqual({ statusCode: 202, body: { outcome: 'duplicate', status: 'DELIVERED' } });
    });

    it('answers 503 and changes nothing when the secret cannot be read, so the carrier retries', async () => {
      const unreadable: WebhookSecret = { value: () => Promise.reject(new TransientError('Secrets Manager throttled')) };
      const { post, shipments, shipment, resumer } = await setup(shipmentsOn(dynamo), { secret: unreadable });

      const response = await post(callback(shipment.shipmentId, 'DISPATCHED'));

      expect(response).toEqual({ statusCode: 503, body: { message: 'callback not processed, retry later' } });
      await expect(shipments.get(shipment.orderId)).resolves.toEqual(shipment);
      expect(resumer.resumed).toEqual([]);
    });
  });

  describe('when the body is malformed', () => {
    it.each([
      ['shipmentId', { status: 'DISPATCHED', occurredAt: '2026-11-25T11:02:00.000Z', callbackId: 'cb_1' }],
      ['status', { shipmentId: 'shp_1', status: 'IN_TRANSIT', occurredAt: '2026-11-25T11:02:00.000Z', callbackId: 'cb_1' }],
      ['occurredAt', { shipmentId: 'shp_1', status: 'DELIVERED', occurredAt: '25/11/2026', callbackId: 'cb_1' }],
      ['callbackId', { shipmentId: 'shp_1', status: 'DELIVERED', occurredAt: '2026-11-25T11:02:00.000Z' }],
      ['body', '{"shipmentId": '],
      ['body', undefined],
    ])('answers 400 naming %s when the signature is valid', async (field, body) => {
      const { post, resumer } = await setup();

      const response = await post(body);

      expect(response.statusCode).toBe(400);
      expect(response.body.message).toMatch(new RegExp(`\\b${field}: `));
      expect(resumer.resumed).toEqual([]);
    });
  });

  it('answers 404 when no shipment has that id', async () => {
    const { post } = await setup();

    const response = await post(callback('shp_unknown', 'DISPATCHED'));

    expect(response).toEqual({ statusCode: 404, body: { message: 'shipment shp_unknown is unknown' } });
  });

  it('records the report and answers 202 when nothing waits for it yet', async () => {
    const { post, shipments, shipment, resumer } = await setup();

    const response = await post(callback(shipment.shipmentId, 'DISPATCHED'));

    expect(response).toEqual({ statusCode: 202, body: { outcome: 'recorded', status: 'DISPATCHED' } });
    await expect(shipments.get(shipment.orderId)).resolves.toMatchObject({ status: 'DISPATCHED', dispatchedAt: '2026-11-25T11:02:00.000Z' });
    expect(resumer.resumed).toEqual([]);
  });

  it('resumes the task waiting for the reported status', async () => {
    const { post, shipments, shipment, resumer } = await setup();
    await shipments.registerWait(shipment.orderId, 'DISPATCHED', 'token-1');

    await post(callback(shipment.shipmentId, 'DISPATCHED'));

    expect(resumer.resumed).toEqual([
      {
        token: 'token-1',
        output: {
          status: 'DISPATCHED',
          dispatchedAt: '2026-11-25T11:02:00.000Z',
          deliveredAt: null,
          failedAt: null,
          failureReason: null,
          cancelledAt: null,
          cancelledBy: null,
        },
      },
    ]);
  });

  it('answers 202 duplicate and records nothing new when the same callback comes again', async () => {
    const { post, shipments, shipment } = await setup();
    await post(callback(shipment.shipmentId, 'DISPATCHED'));
    const before = await shipments.get(shipment.orderId);

    const response = await post(callback(shipment.shipmentId, 'DISPATCHED', { occurredAt: '2026-11-25T12:00:00.000Z' }));

    expect(response).toEqual({ statusCode: 202, body: { outcome: 'duplicate', status: 'DISPATCHED' } });
    await expect(shipments.get(shipment.orderId)).resolves.toEqual(before);
  });

  it('resumes the wait again on a duplicate, for a first delivery whose resume failed', async () => {
    const { post, shipments, shipment, resumer } = await setup();
    await shipments.registerWait(shipment.orderId, 'DISPATCHED', 'token-1');
    resumer.failNext = new TransientError('Step Functions throttled');

    const failed = await post(callback(shipment.shipmentId, 'DISPATCHED'));
    const retried = await post(callback(shipment.shipmentId, 'DISPATCHED'));

    expect(failed.statusCode).toBe(503);
    expect(retried).toEqual({ statusCode: 202, body: { outcome: 'duplicate', status: 'DISPATCHED' } });
    expect(resumer.resumed.map(({ token }) => token)).toEqual(['token-1']);
  });

  it('moves the shipment to DELIVERED and resumes a wait for dispatch when delivery is reported before dispatch', async () => {
    const { post, shipments, shipment, resumer } = await setup();
    await shipments.registerWait(shipment.orderId, 'DISPATCHED', 'token-1');

    const delivered = await post(callback(shipment.shipmentId, 'DELIVERED'));
    const lateDispatch = await post(callback(shipment.shipmentId, 'DISPATCHED'));

    expect(delivered).toEqual({ statusCode: 202, body: { outcome: 'recorded', status: 'DELIVERED' } });
    expect(lateDispatch).toEqual({ statusCode: 202, body: { outcome: 'recorded', status: 'DELIVERED' } });
    expect(resumer.resumed).toEqual([{ token: 'token-1', output: expect.objectContaining({ status: 'DELIVERED' }) as unknown }]);
    await expect(shipments.get(shipment.orderId)).resolves.toMatchObject({
      status: 'DELIVERED',
      dispatchedAt: '2026-11-25T11:02:00.000Z',
      deliveredAt: '2026-11-26T14:45:00.000Z',
    });
  });

  it('records a report on a failed shipment and moves nothing', async () => {
    const { post, shipments, shipment } = await setup();
    await shipments.expireWait(shipment.orderId, 'DISPATCHED', RECEIVED_AT);

    const response = await post(callback(shipment.shipmentId, 'DELIVERED'));

    expect(response).toEqual({ statusCode: 202, body: { outcome: 'recorded', status: 'FAILED' } });
  });

  it('answers 202 late, keeps the report apart and resumes nothing when the shipment was cancelled', async () => {
    const { post, shipments, shipment, resumer } = await setup();
    await shipments.registerWait(shipment.orderId, 'DISPATCHED', 'token-1');
    await shipments.cancel(shipment.orderId, { causationId: `${shipment.orderId}:cancelled`, cancelledAt: RECEIVED_AT.toISOString() });

    const response = await post(callback(shipment.shipmentId, 'DISPATCHED'));

    expect(response).toEqual({ statusCode: 202, body: { outcome: 'late', status: 'CANCELLED' } });
    expect(resumer.resumed).toEqual([]);
    const after = await shipments.get(shipment.orderId);
    expect(after).toMatchObject({ status: 'CANCELLED', callbacks: {}, lateReports: [expect.objectContaining({ status: 'DISPATCHED' }) as unknown] });
    expect(after?.dispatchedAt).toBeUndefined();
  });

  it('resumes nothing when a report recorded before the cancellation is resent after it', async () => {
    const { post, shipments, shipment, resumer } = await setup();
    await post(callback(shipment.shipmentId, 'DISPATCHED'));
    await shipments.registerWait(shipment.orderId, 'DELIVERED', 'token-2');
    await shipments.cancel(shipment.orderId, { causationId: `${shipment.orderId}:cancelled`, cancelledAt: RECEIVED_AT.toISOString() });

    const response = await post(callback(shipment.shipmentId, 'DISPATCHED'));

    expect(response).toEqual({ statusCode: 202, body: { outcome: 'duplicate', status: 'CANCELLED' } });
    expect(resumer.resumed).toEqual([]);
  });

  it('reads a base64-encoded body as API Gateway delivers non-text content types, verifying the decoded bytes', async () => {
    const { send, shipment } = await setup();
    const body = JSON.stringify(callback(shipment.shipmentId, 'DISPATCHED'));
    const signed = signedCallbackRequest(body, { signedAt: RECEIVED_AT });

    const response = await send({ ...signed, body: Buffer.from(body).toString('base64'), isBase64Encoded: true });

    expect(response.statusCode).toBe(202);
  });

  it('answers 409, records nothing and resumes nothing when the shipment already keeps CALLBACKS_KEPT', async () => {
    const { post, shipments, shipment, resumer } = await setup();
    for (let i = 0; i < CALLBACKS_KEPT; i++) await shipments.recordCallback(shipment.orderId, callback(shipment.shipmentId, 'DISPATCHED', { callbackId: `cb_${i}` }), RECEIVED_AT);
    await shipments.registerWait(shipment.orderId, 'DELIVERED', 'token-2');
    const full = await shipments.get(shipment.orderId);

    const response = await post(callback(shipment.shipmentId, 'DELIVERED', { callbackId: 'cb_one_too_many' }));

    expect(response).toEqual({
      statusCode: 409,
      body: { message: `shipment ${shipment.shipmentId} already has ${CALLBACKS_KEPT} callbacks; this one is not recorded, and resending it will not help` },
    });
    await expect(shipments.get(shipment.orderId)).resolves.toEqual(full);
    expect(resumer.resumed).toEqual([]);
  });

  it('answers 503 so the carrier retries when the table cannot be reached', async () => {
    const unreachable: ShipmentRepository = {
      ...shipmentsOn(dynamo),
      orderIdOf: () => Promise.reject(new TransientError('throttled')),
    };
    const { post } = await setup(unreachable);

    await expect(post(callback('shp_1', 'DISPATCHED'))).resolves.toEqual({
      statusCode: 503,
      body: { message: 'callback not processed, retry later' },
    });
  });
});
