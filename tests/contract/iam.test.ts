import { readPackagedTemplate, STACKS, type CloudFormationTemplate } from '../../scripts/stacks';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Actions AWS does not allow to scope to a resource: `Resource: '*'` is the only form they accept. */
const UNSCOPABLE_ACTIONS = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);

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

describe.each(STACKS.filter((stack) => stack.name !== 'platform').map((stack) => [stack.name] as const))('queues of the %s stack', (stack) => {
  const resources = Object.entries(readPackagedTemplate(stack).Resources);
  const queues = resources.filter(([, resource]) => resource.Type === 'AWS::SQS::Queue');
  const alarmedQueues = new Set(
    resources
      .filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Alarm')
      .map(([, resource]) => JSON.stringify((resource.Properties?.Dimensions as { Value: unknown }[] | undefined)?.[0]?.Value)),
  );

  it('gives every work queue a DLQ through a redrive policy', () => {
    const workQueues = queues.filter(([id]) => !id.endsWith('DeadLetterQueue'));

    const withoutRedrive = workQueues
      .filter(([, queue]) => typeof (queue.Properties?.RedrivePolicy as { maxReceiveCount?: unknown } | undefined)?.maxReceiveCount !== 'number')
      .map(([id]) => id);

    expect(workQueues.length).toBeGreaterThan(0);
    expect(withoutRedrive).toEqual([]);
  });

  it('alarms on the depth of every DLQ', () => {
    const deadLetterQueues = queues.filter(([id]) => id.endsWith('DeadLetterQueue')).map(([id]) => id);

    const unalarmed = deadLetterQueues.filter((id) => !alarmedQueues.has(JSON.stringify({ 'Fn::GetAtt': [id, 'QueueName'] })));

    expect(deadLetterQueues.length).toBeGreaterThan(0);
    expect(unalarmed).toEqual([]);
  });
});
