// Imported first by tests that load handler modules: each module wires its production dependencies when
// loaded (once per cold start), and those read their configuration from the environment.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_TRACE_ENABLED = 'false';
process.env.AWS_REGION ??= 'eu-west-1';
process.env.STOCK_TABLE_NAME = 'ordering-inventory-dev-stock';
process.env.RESERVATIONS_TABLE_NAME = 'ordering-inventory-dev-reservations';
process.env.EVENT_BUS_NAME = 'ordering-dev';
process.env.DEAD_LETTER_QUEUE_NAME = 'ordering-inventory-dev-dlq';
process.env.MAX_RECEIVE_COUNT = '5';
process.env.STATE_MACHINE_NAME = 'ordering-inventory-dev-reserve';

export {};
