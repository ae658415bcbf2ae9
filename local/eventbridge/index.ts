export { CompiledPattern, InvalidEventPatternError, matchesEventPattern, parseEventPattern } from './eventPattern';
export { eventBridgeApi } from './eventBridgeApi';
export * from './eventBridgeService';
export {
  compileInputTransformer,
  compileTargetInput,
  evaluateJsonPath,
  parseJsonPath,
  TargetInputError,
  type EventEnvelope,
  type InputTransformerConfig,
  type JsonPath,
  type RenderContext,
  type TargetInputConfig,
  type TargetInputRenderer,
} from './inputTransformer';
