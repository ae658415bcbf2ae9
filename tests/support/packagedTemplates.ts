import type { CloudFormationTemplate } from '../../scripts/stacks';

/** Reading a packaged template the way CloudFormation wires it: by type, by `Ref` and `Fn::GetAtt`. */

export type TemplateResource = CloudFormationTemplate['Resources'][string];

export interface PolicyStatement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export const resourcesOfType = (template: CloudFormationTemplate, type: string): [string, TemplateResource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

/** The logical id a `{ Ref: id }` names, if the value is one. */
export const refTarget = (value: unknown): string | undefined => {
  const ref = (value as { Ref?: unknown } | null | undefined)?.Ref;
  return typeof ref === 'string' ? ref : undefined;
};

/** The logical id a `{ 'Fn::GetAtt': [id, attribute] }` names, if the value is one with that attribute. */
export const getAttTarget = (value: unknown, attribute: string): string | undefined => {
  const getAtt = (value as { 'Fn::GetAtt'?: unknown } | null | undefined)?.['Fn::GetAtt'];
  return Array.isArray(getAtt) && getAtt[1] === attribute && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
};

/** The identity-policy statements of the role an `Fn::GetAtt [Role, Arn]` names (empty if it names none of the stack's). */
export const roleStatements = (template: CloudFormationTemplate, roleArn: unknown): PolicyStatement[] => {
  const role = template.Resources[getAttTarget(roleArn, 'Arn') ?? ''];
  if (role?.Type !== 'AWS::IAM::Role') return [];
  return ((role.Properties?.Policies ?? []) as { PolicyDocument: { Statement: PolicyStatement[] } }[]).flatMap((policy) => policy.PolicyDocument.Statement);
};

/** Whether the statements allow every one of `actions` on `Resource: '*'`. */
export const allowsOnEveryResource = (statements: PolicyStatement[], actions: readonly string[]): boolean =>
  actions.every((action) =>
    statements.some((statement) => statement.Effect === 'Allow' && asList(statement.Action).includes(action) && asList(statement.Resource).includes('*')),
  );

/** A rule's targets, as declared. */
export interface RuleTarget {
  Id: string;
  Arn: unknown;
  DeadLetterConfig?: { Arn?: unknown };
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
}

export const ruleTargets = (rule: TemplateResource): RuleTarget[] => (rule.Properties?.Targets ?? []) as RuleTarget[];

/**
 * Every queue of the stack that something dead-letters into: a queue's redrive target, a rule target's DLQ,
 * a function's on-failure destination. Whatever is not one of these is a work queue.
 */
export const deadLetterQueueIds = (template: CloudFormationTemplate): Set<string> => {
  const references = [
    ...resourcesOfType(template, 'AWS::SQS::Queue').map(([, queue]) => (queue.Properties?.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined)?.deadLetterTargetArn),
    ...resourcesOfType(template, 'AWS::Events::Rule').flatMap(([, rule]) => ruleTargets(rule).map((target) => target.DeadLetterConfig?.Arn)),
    ...resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig').map(
      ([, config]) => (config.Properties?.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure?.Destination,
    ),
  ];
  return new Set(
    references
      .map((reference) => getAttTarget(reference, 'Arn'))
      .filter((id): id is string => id !== undefined && template.Resources[id]?.Type === 'AWS::SQS::Queue'),
  );
};
