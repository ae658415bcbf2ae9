// Imported first by tests that load a handler module: its production wiring reads these at import time.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_TRACE_ENABLED = 'false';
process.env.AWS_REGION ??= 'eu-west-1';
process.env.PAYMENTS_TABLE_NAME = 'ordering-payment-dev-payments';
process.env.PROVIDER_LEDGER_TABLE_NAME = 'ordering-payment-dev-provider-ledger';
process.env.EVENT_BUS_NAME = 'ordering-dev';
process.env.DEAD_LETTER_QUEUE_NAME = 'ordering-payment-dev-dlq';
process.env.MAX_RECEIVE_COUNT = '5';
process.env.STATE_MACHINE_NAME = 'ordering-payment-dev-charge';

export {};
