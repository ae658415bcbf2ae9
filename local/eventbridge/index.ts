export { CompiledPattern, InvalidEventPatternError, matchesEventPattern, parseEventPattern } from './eventPattern';
