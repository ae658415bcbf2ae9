export * from './createPublisher';
export * from './fromEnv';
