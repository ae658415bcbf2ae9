export * from './consumeEvents';
export * from './deadLetters';
export * from './consumerDependencies';
export * from './startWorkflowOn';
