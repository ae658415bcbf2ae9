/**
 * Imported first by every shipping test: handler modules build their production dependencies when loaded,
 * and those read the environment. Quiet logs, no tracing, and names that point nowhere.
 */
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_TRACE_ENABLED = 'false';
process.env.AWS_REGION ??= 'eu-west-1';
process.env.SHIPMENTS_TABLE_NAME ??= 'ordering-shipping-test-shipments';
process.env.USED_SIGNATURES_TABLE_NAME ??= 'ordering-shipping-test-used-signatures';
process.env.CARRIER_WEBHOOK_SECRET_NAME ??= 'ordering-shipping-test-carrier-webhook';
process.env.STATE_MACHINE_NAME ??= 'ordering-shipping-test-shipment';
process.env.EVENT_BUS_NAME ??= 'ordering-test';
process.env.DEAD_LETTER_QUEUE_NAME ??= 'ordering-shipping-test-onOrderConfirmed-dlq';
process.env.MAX_RECEIVE_COUNT ??= '5';

export {};
