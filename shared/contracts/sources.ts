/**
 * One EventBridge `source` per producing domain. Rules match on these, and each service's PutEvents
 * permission is conditioned on its own (`events:source`), so a service cannot speak for another.
 */
export const SOURCES = {
  order: 'ordering.order',
  payment: 'ordering.payment',
  inventory: 'ordering.inventory',
  shipping: 'ordering.shipping',
} as const;

export type Domain = keyof typeof SOURCES;
export type Source = (typeof SOURCES)[Domain];

export const DOMAINS = Object.keys(SOURCES) as Domain[];
