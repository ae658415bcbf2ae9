import { readPackagedTemplate, STACKS, type CloudFormationTemplate } from '../../scripts/stacks';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/**
 * Actions AWS does not allow to scope to a resource: `Resource: '*'` is the only form they accept. X-Ray's, for
 * traced functions and state machines; and the CloudWatch Logs log-delivery actions a state machine's role needs
 * to deliver its logs, which AWS documents with `Resource: '*'`: CloudWatch Logs has no resource-level permissions
 * for them.
 */
const UNSCOPABLE_ACTIONS = new Set([
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);

const identityStatements = (template: CloudFormationTemplate): { role: string; statement: Statement }[] =>
  Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
    .flatMap(([role, resource]) =>
      ((resource.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((policy) =>
        policy.PolicyDocument.Statement.map((statement) => ({ role, statement })),
      ),
    );

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

describe.each(STACKS.map((stack) => [stack.name] as const))('least privilege in the %s stack', (stack) => {
  const template = readPackagedTemplate(stack);
  const statements = identityStatements(template);

  it('grants no wildcard action', () => {
    const wildcards = statements.filter(({ statement }) => asList(statement.Action).some((action) => action === '*' || action.endsWith(':*')));

    expect(wildcards).toEqual([]);
  });

  it('grants Resource "*" only for actions AWS cannot scope', () => {
    const unscoped = statements.filter(
      ({ statement }) =>
        asList(statement.Resource).includes('*') && asList(statement.Action).some((action) => !UNSCOPABLE_ACTIONS.has(action)),
    );

    expect(unscoped).toEqual([]);
  });

  it('lets a service publish only under its own source', () => {
    const putEvents = statements.filter(({ statement }) => asList(statement.Action).includes('events:PutEvents'));

    for (const { statement } of putEvents) {
      expect(statement.Condition?.StringEquals?.['events:source']).toBe(`ordering.${stack}`);
    }
  });

  it('gives every function a role of its own', () => {
    const roles = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::Lambda::Function')
      .map((resource) => JSON.stringify(resource.Properties?.Role));

    expect(new Set(roles).size).toBe(roles.length);
    expect(roles.filter((role) => role.includes('"IamRoleLambdaExecution"'))).toEqual([]);
  });
});
