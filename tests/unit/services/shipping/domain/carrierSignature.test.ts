import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  authenticateCallback,
  REPLAY_WINDOW_SECONDS,
  signCarrierCallback,
  verifyCarrierSignature,
} from '../../../../../services/shipping/src/domain/carrierSignature';
import { InMemoryUsedSignatures } from '../support/fakes';

const SECRET = 'test-secret-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRST';
const OTHER_SECRET = 'another-stage-secret-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH';
const SIGNED_AT = new Date('2026-11-25T11:02:05.000Z');
const SIGNED_AT_SECONDS = SIGNED_AT.getTime() / 1000;
const BODY = '{"shipmentId":"shp_3f9c0e1a2b4d5e6f","status":"DELIVERED","occurredAt":"2026-11-25T11:02:00.000Z","callbackId":"cb_0001"}';

const bytes = (body: string) => Buffer.from(body, 'utf8');
const secondsLater = (seconds: number) => new Date(SIGNED_AT.getTime() + seconds * 1000);

const verify = ({
  headers = signCarrierCallback({ secret: SECRET, body: BODY, now: SIGNED_AT }),
  body = BODY,
  secret = SECRET,
  now = SIGNED_AT,
}: { headers?: Record<string, string | undefined>; body?: string; secret?: string; now?: Date } = {}) => verifyCarrierSignature({ headers, body: bytes(body), secret, now });

describe('signCarrierCallback', () => {
  it('signs "<timestamp>.<raw body>" with HMAC-SHA256 as lowercase hex under the v1 scheme', () => {
    const headers = signCarrierCallback({ secret: SECRET, body: BODY, now: SIGNED_AT });

    const expected = createHmac('sha256', SECRET).update(`${SIGNED_AT_SECONDS}.${BODY}`).digest('hex');
    expect(headers).toEqual({ 'x-carrier-timestamp': String(SIGNED_AT_SECONDS), 'x-carrier-signature': `v1=${expected}` });
  });

  it('signs the same body differently a second later, so a resend is never a replay of the first attempt', () => {
    const first = signCarrierCallback({ secret: SECRET, body: BODY, now: SIGNED_AT });
    const resend = signCarrierCallback({ secret: SECRET, body: BODY, now: secondsLater(1) });

    expect(resend['x-carrier-signature']).not.toBe(first['x-carrier-signature']);
  });
});

describe('verifyCarrierSignature', () => {
  it('accepts a callback signed with the secret, naming the signature and until when it is usable', () => {
    const result = verify();

    expect(result).toEqual({
      ok: true,
      signature: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
      signedAt: SIGNED_AT_SECONDS,
      usableUntil: SIGNED_AT_SECONDS + REPLAY_WINDOW_SECONDS,
    });
  });

  it('accepts header names in any case when a hand-written event does not lowercase them', () => {
    const signed = signCarrierCallback({ secret: SECRET, body: BODY, now: SIGNED_AT });
    const headers = { 'X-Carrier-Timestamp': signed['x-carrier-timestamp'], 'X-Carrier-Signature': signed['x-carrier-signature'] };

    expect(verify({ headers }).ok).toBe(true);
  });

  it.each([
    ['no header at all', {}, 'no x-carrier-timestamp and no x-carrier-signature header'],
    ['no timestamp', { 'x-carrier-signature': 'v1=' + 'a'.repeat(64) }, 'no x-carrier-timestamp header'],
    ['no signature', { 'x-carrier-timestamp': String(SIGNED_AT_SECONDS) }, 'no x-carrier-signature header'],
  ])('refuses a callback with %s as missing', (_case, headers: Record<string, string>, detail) => {
    expect(verify({ headers })).toEqual({ ok: false, reason: 'missing', detail });
  });

  it.each([
    ['a timestamp in milliseconds-with-a-fraction', { timestamp: `${SIGNED_AT_SECONDS}.5` }],
    ['a negative timestamp', { timestamp: `-${SIGNED_AT_SECONDS}` }],
    ['an ISO timestamp', { timestamp: SIGNED_AT.toISOString() }],
    ['an empty timestamp', { timestamp: '' }],
    ['another scheme', { signature: (hex: string) => `v2=${hex}` }],
    ['no scheme', { signature: (hex: string) => hex }],
    ['uppercase hex', { signature: (hex: string) => `v1=${hex.toUpperCase()}` }],
    ['a truncated MAC', { signature: (hex: string) => `v1=${hex.slice(0, 63)}` }],
    ['two signatures', { signature: (hex: string) => `v1=${hex},v1=${hex}` }],
  ])('refuses %s as malformed', (_case, { timestamp, signature }: { timestamp?: string; signature?: (hex: string) => string }) => {
    const signed = signCarrierCallback({ secret: SECRET, body: BODY, now: SIGNED_AT });
    const hex = signed['x-carrier-signature']?.slice('v1='.length) ?? '';
    const headers = {
      'x-carrier-timestamp': timestamp ?? signed['x-carrier-timestamp'],
      'x-carrier-signature': signature ? signature(hex) : signed['x-carrier-signature'],
    };

    expect(verify({ headers })).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('refuses a callback signed with another secret as a mismatch', () => {
    const headers = signCarrierCallback({ secret: OTHER_SECRET, body: BODY, now: SIGNED_AT });

    expect(verify({ headers })).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('refuses a body changed after signing (a forged DELIVERED) as a mismatch', () => {
    const signed = signCarrierCallback({ secret: SECRET, body: BODY.replace('DELIVERED', 'DISPATCHED'), now: SIGNED_AT });

    expect(verify({ headers: signed })).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('refuses a body that differs only in layout as a mismatch, since the raw bytes are what is signed', () => {
    const reformatted = JSON.stringify(JSON.parse(BODY), null, 2);

    expect(verify({ body: reformatted })).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('refuses a signature re-dated to a fresh timestamp as a mismatch', () => {
    const signed = signCarrierCallback({ secret: SECRET, body: BODY, now: SIGNED_AT });
    const headers = { ...signed, 'x-carrier-timestamp': String(SIGNED_AT_SECONDS + 600) };

    expect(verify({ headers, now: secondsLater(600) })).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('accepts a callback signed exactly five minutes before or after the webhook clock', () => {
    const late = verify({ now: secondsLater(REPLAY_WINDOW_SECONDS) });
    const early = verify({ now: secondsLater(-REPLAY_WINDOW_SECONDS) });

    expect({ late: late.ok, early: early.ok }).toEqual({ late: true, early: true });
  });

  it('refuses a callback signed more than five minutes ago as stale', () => {
    const result = verify({ now: secondsLater(REPLAY_WINDOW_SECONDS + 1) });

    expect(result).toEqual({ ok: false, reason: 'stale', detail: `signed ${REPLAY_WINDOW_SECONDS + 1} s ago, more than ${REPLAY_WINDOW_SECONDS} s` });
  });

  it('refuses a callback signed more than five minutes in the future', () => {
    const result = verify({ now: secondsLater(-(REPLAY_WINDOW_SECONDS + 1)) });

    expect(result).toMatchObject({ ok: false, reason: 'future' });
  });

  it('reports a forgery as a mismatch even when it is stale too', () => {
    const headers = signCarrierCallback({ secret: OTHER_SECRET, body: BODY, now: SIGNED_AT });

    expect(verify({ headers, now: secondsLater(3600) })).toMatchObject({ ok: false, reason: 'mismatch' });
  });
});

describe('authenticateCallback', () => {
  const request = (now = SIGNED_AT, requestId = 'request-1') => ({
    headers: signCarrierCallback({ secret: SECRET, body: BODY, now: SIGNED_AT }),
    body: bytes(BODY),
    secret: SECRET,
    now,
    requestId,
  });

  it('accepts a verified callback and claims its signature until it would be stale', async () => {
    const used = new InMemoryUsedSignatures();

    const result = await authenticateCallback(request(), used);

    expect(result).toEqual({ ok: true });
    expect([...used.claims.values()]).toEqual([{ usableUntil: SIGNED_AT_SECONDS + REPLAY_WINDOW_SECONDS, requestId: 'request-1' }]);
  });

  it('refuses the same signed request a second time as a replay', async () => {
    const used = new InMemoryUsedSignatures();
    await authenticateCallback(request(), used);

    const replay = await authenticateCallback(request(secondsLater(30), 'request-2'), used);

    expect(replay).toEqual({ ok: false, reason: 'replayed', detail: `the signature of ${SIGNED_AT_SECONDS} was accepted before` });
  });

  it('claims nothing for a callback whose signature does not verify', async () => {
    const used = new InMemoryUsedSignatures();

    const result = await authenticateCallback({ ...request(), secret: OTHER_SECRET }, used);

    expect(result).toMatchObject({ ok: false, reason: 'mismatch' });
    expect(used.claims.size).toBe(0);
  });
});

describe('the webhook sample events', () => {
  it.each(['recordCarrierCallback', 'recordCarrierCallback.delivered', 'recordCarrierCallback.invalid'])(
    'are signed as the carrier signs, at their own time, with the README example secret (%s)',
    (name) => {
      const sample = JSON.parse(readFileSync(join(__dirname, `../../../../../services/shipping/events/${name}.json`), 'utf8')) as {
        headers: Record<string, string>;
        body: string;
        requestContext: { timeEpoch: number };
      };

      const result = verifyCarrierSignature({ headers: sample.headers, body: bytes(sample.body), secret: 'example-webhook-secret', now: new Date(sample.requestContext.timeEpoch) });

      expect(result.ok).toBe(true);
    },
  );
});
