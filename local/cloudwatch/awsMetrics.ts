/**
 * The AWS metrics the local cloud publishes for what it runs, each with the one dimension set it publishes
 * them under. An alarm on anything else in an `AWS/` namespace would never see a value, so the local cloud
 * refuses it at start instead (see `alarmDefinition.ts`).
 */
export const AWS_METRICS = {
  /** On every execution's close (`StepFunctionsService.onExecutionClosed`), at its stop date. */
  'AWS/States': {
    dimensions: ['StateMachineArn'],
    metrics: ['ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'],
  },
  /**
   * Per invocation that reached the function: `Invocations` 1 and `Errors` 1 or 0 (it threw, timed out,
   * crashed or failed to initialise); per throttled invocation: `Throttles` 1. Lambda service errors, which
   * fail an invocation before the function runs, count in none of them, as on AWS.
   */
  'AWS/Lambda': {
    dimensions: ['FunctionName'],
    metrics: ['Invocations', 'Errors', 'Throttles'],
  },
  /** Gauges read from every queue before each alarm evaluation; the latest reading of a minute counts. */
  'AWS/SQS': {
    dimensions: ['QueueName'],
    metrics: ['ApproximateNumberOfMessagesVisible', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed', 'ApproximateAgeOfOldestMessage'],
  },
  /** Per request an HTTP API route answered: `Count` 1, `4xx` and `5xx` 1 or 0. */
  'AWS/ApiGateway': {
    dimensions: ['ApiId'],
    metrics: ['Count', '4xx', '5xx'],
  },
} as const satisfies Record<string, { dimensions: readonly string[]; metrics: readonly string[] }>;

export type AwsNamespace = keyof typeof AWS_METRICS;

export const isAwsNamespace = (namespace: string): namespace is AwsNamespace => Object.hasOwn(AWS_METRICS, namespace);

