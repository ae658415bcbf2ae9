import { STACKS, readPackagedTemplate, type StackName } from './stacks';

export interface Subscription {
  stack: StackName;
  /** The rule's logical id, e.g. `OnOrderPlacedRule`. */
  rule: string;
  /** The consumer function key, e.g. `onOrderPlaced` (rule logical id minus `Rule`, first letter lowered). */
  consumer: string;
  pattern: Record<string, unknown>;
}

/** Every event-pattern rule of every packaged service stack: the subscriptions as they would be deployed. */
export const packagedSubscriptions = (): Subscription[] =>
  STACKS.filter((stack) => stack.name !== 'platform').flatMap(({ name }) =>
    Object.entries(readPackagedTemplate(name).Resources)
      // A scheduled rule (ScheduleExpression, no pattern) fires on time and subscribes to no event.
      .filter(([, resource]) => resource.Type === 'AWS::Events::Rule' && resource.Properties?.EventPattern !== undefined)
      .map(([logicalId, resource]) => {
        const base = logicalId.replace(/Rule$/, '');
        return {
          stack: name,
          rule: logicalId,
          consumer: base.charAt(0).toLowerCase() + base.slice(1),
          pattern: resource.Properties?.EventPattern as Record<string, unknown>,
        };
      }),
  );
