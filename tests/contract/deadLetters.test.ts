import { readPackagedTemplate, STACKS } from '../../scripts/stacks';
import {
  asList,
  deadLetterQueueIds,
  getAttTarget,
  refTarget,
  resourcesOfType,
  ruleTargets,
  type PolicyStatement,
} from '../support/packagedTemplates';

/** Services that invoke Lambda asynchronously (Lambda's own retries and destinations apply), by principal. */
const ASYNC_INVOKERS = new Set(['events.amazonaws.com', 'sns.amazonaws.com', 's3.amazonaws.com']);

// The identity stack (a user pool, its app client and a group) has no asynchronous path to alarm or give a DLQ:
// tests/unit/services/identity/serverless.test.ts checks that it declares nothing else.
const STACKS_WITH_FUNCTIONS = STACKS.filter((stack) => stack.name !== 'identity');

describe.each(STACKS_WITH_FUNCTIONS.map((stack) => [stack.name] as const))('dead-letter queues of the %s stack', (stack) => {
  const template = readPackagedTemplate(stack);
  const isQueue = (id: string | undefined) => id !== undefined && template.Resources[id]?.Type === 'AWS::SQS::Queue';
  const rules = resourcesOfType(template, 'AWS::Events::Rule');
  const deadLetterQueues = deadLetterQueueIds(template);

  it('gives every rule target a DLQ of this stack', () => {
    const targets = rules.flatMap(([rule, resource]) => ruleTargets(resource).map((target) => ({ rule, target })));

    const withoutDeadLetterQueue = targets.filter(({ target }) => !isQueue(getAttTarget(target.DeadLetterConfig?.Arn, 'Arn'))).map(({ rule, target }) => `${rule}/${target.Id}`);

    expect(targets.length).toBeGreaterThan(0);
    expect(withoutDeadLetterQueue).toEqual([]);
  });

  it('lets EventBridge send to each rule target DLQ, for that rule', () => {
    const policies = resourcesOfType(template, 'AWS::SQS::QueuePolicy').map(([, policy]) => ({
      queues: asList(policy.Properties?.Queues as unknown[]).map(refTarget),
      statements: (policy.Properties?.PolicyDocument as { Statement: PolicyStatement[] }).Statement,
    }));
    const sourceArnsAllowed = (queue: string): string[] =>
      policies
        .filter((policy) => policy.queues.includes(queue))
        .flatMap((policy) => policy.statements)
        .filter((statement) => statement.Effect === 'Allow' && JSON.stringify(statement.Principal) === '{"Service":"events.amazonaws.com"}' && asList(statement.Action).includes('sqs:SendMessage'))
        .flatMap((statement) => asList(statement.Condition?.ArnEquals?.['aws:SourceArn']))
        .map((arn) => JSON.stringify(arn));
    // A rule's ARN, as a policy can name it: its Fn::GetAtt, or a string or Fn::Sub ending in rule/<name>.
    const namesRule = (arn: string, rule: string) => {
      const name = template.Resources[rule]?.Properties?.Name;
      const escaped = typeof name === 'string' ? name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : undefined;
      return arn === JSON.stringify({ 'Fn::GetAtt': [rule, 'Arn'] }) || (escaped !== undefined && new RegExp(`rule/(?:[^/"]+/)?${escaped}"`).test(arn));
    };

    const refused = rules.flatMap(([rule, resource]) =>
      ruleTargets(resource)
        .map((target) => getAttTarget(target.DeadLetterConfig?.Arn, 'Arn'))
        .filter((queue): queue is string => queue !== undefined)
        .filter((queue) => !sourceArnsAllowed(queue).some((arn) => namesRule(arn, rule)))
        .map((queue) => `${rule} → ${queue}`),
    );

    expect(refused).toEqual([]);
  });

  it('gives every work queue a DLQ through a redrive policy', () => {
    const workQueues = resourcesOfType(template, 'AWS::SQS::Queue').filter(([id]) => !deadLetterQueues.has(id));

    const withoutRedrive = workQueues
      .filter(([, queue]) => {
        const redrive = queue.Properties?.RedrivePolicy as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown } | undefined;
        return typeof redrive?.maxReceiveCount !== 'number' || !isQueue(getAttTarget(redrive.deadLetterTargetArn, 'Arn'));
      })
      .map(([id]) => id);

    expect(withoutRedrive).toEqual([]);
  });

  it('gives every asynchronously invoked function an on-failure DLQ and a bounded number of retries', () => {
    const ruleTargetFunctions = rules.flatMap(([, rule]) => ruleTargets(rule).map((target) => getAttTarget(target.Arn, 'Arn')));
    const permittedFunctions = resourcesOfType(template, 'AWS::Lambda::Permission')
      .filter(([, permission]) => ASYNC_INVOKERS.has(String(permission.Properties?.Principal)))
      .map(([, permission]) => getAttTarget(permission.Properties?.FunctionName, 'Arn') ?? refTarget(permission.Properties?.FunctionName));
    const asyncFunctions = [...new Set([...ruleTargetFunctions, ...permittedFunctions])].filter(
      (id): id is string => id !== undefined && template.Resources[id]?.Type === 'AWS::Lambda::Function',
    );
    const invokeConfigs = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig').map(([, config]) => config.Properties ?? {});

    const found = asyncFunctions.map((id) => {
      const config = invokeConfigs.find((candidate) => refTarget(candidate.FunctionName) === id && candidate.Qualifier === '$LATEST');
      const onFailure = (config?.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure?.Destination;
      const retries = config?.MaximumRetryAttempts;
      return { id, onFailureQueue: isQueue(getAttTarget(onFailure, 'Arn')), boundedRetries: typeof retries === 'number' && retries <= 2 };
    });

    expect(found).toEqual(asyncFunctions.map((id) => ({ id, onFailureQueue: true, boundedRetries: true })));
  });
});
