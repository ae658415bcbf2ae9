/**
 * Where the local cloud can misbehave on purpose, the way AWS is allowed to: at-least-once and unordered
 * delivery, transient Lambda failures, visibility timeouts expiring mid-processing. Every component takes an
 * optional `FaultPlan`; `NO_FAULTS` is the default. The chaos runner supplies a seeded plan.
 */
export interface DeliveryContext {
  /** The rule and target an EventBridge delivery goes through. */
  ruleArn: string;
  targetArn: string;
  detailType: string;
}

export interface FaultPlan {
  /** How many copies of one EventBridge delivery reach the target (1 = exactly once). */
  deliveryCopies(context: DeliveryContext): number;
  /** Milliseconds to hold one copy back before delivering it (reorders deliveries). */
  deliveryDelayMs(context: DeliveryContext): number;
  /** Fail an invocation before the function runs, as Lambda's service errors and throttles do. */
  invocationFault(functionName: string): 'none' | 'transient-error' | 'throttle';
  /**
   * Seconds after which a received SQS message becomes visible again, overriding the queue's visibility
   * timeout (a value shorter than the processing time makes it be delivered again while in flight), or
   * undefined to keep the queue's setting.
   */
  visibilityTimeoutOverride(queueArn: string): number | undefined;
}

export const NO_FAULTS: FaultPlan = {
  deliveryCopies: () => 1,
  deliveryDelayMs: () => 0,
  invocationFault: () => 'none',
  visibilityTimeoutOverride: () => undefined,
};
