/**
 * Imported first by every order test: handler modules build their production dependencies when loaded, and
 * those read the environment. Quiet logs, no tracing, and names that point nowhere.
 */
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_TRACE_ENABLED = 'false';
process.env.AWS_REGION ??= 'eu-west-1';
process.env.ORDERS_TABLE_NAME ??= 'ordering-order-test-orders';
process.env.IDEMPOTENCY_KEYS_TABLE_NAME ??= 'ordering-order-test-idempotency-keys';
process.env.STATE_MACHINE_NAME ??= 'ordering-order-test-order';
process.env.EVENT_BUS_NAME ??= 'ordering-test';
process.env.DEAD_LETTER_QUEUE_NAME ??= 'ordering-order-test-onOrderOutcome-dlq';
process.env.MAX_RECEIVE_COUNT ??= '5';
process.env.STAGE ??= 'test';

export {};
