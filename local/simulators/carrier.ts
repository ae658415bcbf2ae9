import { signCarrierCallback } from '../../services/shipping/src/domain/carrierSignature';
import { callbackPlanFor } from '../../services/shipping/src/domain/carrierSimulator';
import type { AcceptedEvent, EventBridgeService } from '../eventbridge/eventBridgeService';

export interface CarrierSimulatorOptions {
  eventBridge: EventBridgeService;
  /** Where the carrier posts its callbacks: the shipping service's webhook. */
  webhookUrl: string;
  /** The stage's webhook secret, shared with the carrier: it signs every attempt of every callback with it. */
  secret: string;
  dispatchAfterSeconds: number;
  deliveryAfterSeconds: number;
  log?: (line: string) => void;
}

interface Detail {
  data: { orderId: string; shipmentId?: string; shippingAddress?: { postalCode: string } };
}

/**
 * Plays the external carrier for the local cloud: it learns the address from OrderConfirmed, and when a
 * shipment is created it posts the callbacks the simulated carrier's rules plan (dispatched, delivered;
 * none for a lost parcel; swapped or repeated for the other scenarios) to the real webhook, retrying any
 * answer but 2xx as a carrier would. When a shipment is cancelled it withdraws the callbacks not sent yet;
 * one already on its way (being posted, or retried after a refusal) still arrives, late, as a real
 * carrier's would. It hears both from the bus, and a ShipmentCancelled that overtakes its ShipmentCreated
 * still stops every callback. Every attempt is signed afresh (`signCarrierCallback`), as the webhook accepts
 * each signature once.
 */
export const startCarrierSimulator = ({ eventBridge, webhookUrl, secret, dispatchAfterSeconds, deliveryAfterSeconds, log = () => undefined }: CarrierSimulatorOptions) => {
  const postalCodes = new Map<string, string>();
  const timers = new Set<NodeJS.Timeout>();
  /** Per shipment, the timers of its planned callbacks not sent yet: what a cancellation withdraws. */
  const planned = new Map<string, Set<NodeJS.Timeout>>();
  const cancelled = new Set<string>();
  /** Callbacks being posted: between a timer firing and the webhook's answer, no timer stands for them. */
  let posting = 0;
  let idleWaiters: (() => void)[] = [];
  let stopped = false;
  /**
   * Per body, the latest second an attempt of it is signed at. Signed timestamps are whole seconds, so two
   * attempts of one body in the same second would carry the same signature and the webhook would refuse the
   * second as a replay: an attempt takes the next free second, and waits for it.
   */
  const signedSeconds = new Map<string, number>();

  const idle = () => stopped || (timers.size === 0 && posting === 0);
  const notifyIfIdle = () => {
    if (!idle()) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const post = async (body: unknown, attempt = 1): Promise<void> => {
    if (stopped) return;
    posting++;
    try {
      await postOnce(body, attempt);
    } finally {
      posting--;
      notifyIfIdle();
    }
  };

  /** A signing time for an attempt of `text` in a second no earlier attempt of it was signed in. */
  const signingTime = async (text: string): Promise<Date> => {
    const current = Math.floor(Date.now() / 1000);
    for (const [signed, second] of signedSeconds) if (second < current) signedSeconds.delete(signed);
    // Taken before waiting, so that concurrent attempts of one body (an echo) each take a second of their own.
    const second = Math.max(current, (signedSeconds.get(text) ?? current - 1) + 1);
    signedSeconds.set(text, second);
    const wait = second * 1000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    return new Date(second * 1000);
  };

  const postOnce = async (body: unknown, attempt: number): Promise<void> => {
    const text = JSON.stringify(body);
    const signedAt = await signingTime(text);
    if (stopped) return;
    const headers = { 'content-type': 'application/json', ...signCarrierCallback({ secret, body: text, now: signedAt }) };
    const response = await fetch(webhookUrl, { method: 'POST', headers, body: text }).catch(() => undefined);
    if (response?.ok) return;
    if (attempt >= 5) {
      log(`carrier gave up on callback ${JSON.stringify(body)} (last status ${String(response?.status)})`);
      return;
    }
    schedule(() => post(body, attempt + 1), 200 * attempt);
  };

  const schedule = (task: () => Promise<void>, delayMs: number): NodeJS.Timeout => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      void task();
    }, delayMs);
    timers.add(timer);
    return timer;
  };

  const plan = (shipmentId: string, body: unknown, delayMs: number) => {
    const pending = planned.get(shipmentId) ?? new Set<NodeJS.Timeout>();
    planned.set(shipmentId, pending);
    const timer = schedule(() => {
      pending.delete(timer);
      return post(body);
    }, delayMs);
    pending.add(timer);
  };

  const cancel = (shipmentId: string) => {
    cancelled.add(shipmentId);
    const pending = planned.get(shipmentId) ?? new Set<NodeJS.Timeout>();
    planned.delete(shipmentId);
    for (const timer of pending) {
      clearTimeout(timer);
      timers.delete(timer);
    }
    if (pending.size > 0) log(`shipment ${shipmentId} cancelled: ${pending.size} planned callback(s) withdrawn`);
    notifyIfIdle();
  };

  const unsubscribe = eventBridge.onEvent(({ event }: AcceptedEvent) => {
    const detail = event.detail as unknown as Detail;
    if (event['detail-type'] === 'OrderConfirmed' && detail.data.shippingAddress) {
      postalCodes.set(detail.data.orderId, detail.data.shippingAddress.postalCode);
    }
    const { shipmentId } = detail.data;
    if (event['detail-type'] === 'ShipmentCreated' && shipmentId && !cancelled.has(shipmentId)) {
      const callbacks = callbackPlanFor(
        { shipmentId, postalCode: postalCodes.get(detail.data.orderId) ?? '', bookedAt: new Date() },
        { dispatchAfterSeconds, deliveryAfterSeconds },
      );
      for (const { afterSeconds, body } of callbacks) plan(shipmentId, body, afterSeconds * 1000);
    }
    if (event['detail-type'] === 'ShipmentCancelled' && shipmentId) cancel(shipmentId);
  });

  return {
    /** No callback scheduled, waiting to be retried or being posted; always true once stopped. */
    get idle() {
      return idle();
    },
    /** Resolves once {@link idle}: the carrier is a party outside the cloud, so the cloud's `whenIdle` cannot see it. */
    whenIdle(): Promise<void> {
      if (idle()) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    stop() {
      stopped = true;
      unsubscribe();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      notifyIfIdle();
    },
  };
};
