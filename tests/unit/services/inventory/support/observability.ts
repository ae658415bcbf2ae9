import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';

/** Quiet, offline logging and tracing for tests. */
export const silentLogger = (): Logger => new Logger({ serviceName: 'inventory', logLevel: 'SILENT' });
export const disabledTracer = (): Tracer => new Tracer({ serviceName: 'inventory', enabled: false });
