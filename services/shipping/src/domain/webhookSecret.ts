/**
 * The secret the carrier signs its callbacks with, one per stage. Only its value crosses this port: where it
 * is kept (Secrets Manager) and how long it is cached are the adapter's business.
 */
export interface WebhookSecret {
  value(): Promise<string>;
}
