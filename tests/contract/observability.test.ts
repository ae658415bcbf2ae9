import { readPackagedTemplate, STACKS } from '../../scripts/stacks';
import { allowsOnEveryResource, getAttTarget, resourcesOfType, roleStatements } from '../support/packagedTemplates';

/** What a function needs to send the segments of active tracing: without them the stack does not deploy. */
const LAMBDA_TRACING_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];

/** What Step Functions needs on the state machine's role to deliver its logs (vended logs), as AWS documents them. */
const LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
];

/** What Step Functions needs on the state machine's role to trace executions. */
const STATE_MACHINE_TRACING_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'];

interface LoggingConfiguration {
  Level?: string;
  IncludeExecutionData?: unknown;
  Destinations?: { CloudWatchLogsLogGroup?: { LogGroupArn?: unknown } }[];
}

describe.each(STACKS.map((stack) => [stack.name] as const))('observability of the %s stack', (stack) => {
  const template = readPackagedTemplate(stack);
  const functions = resourcesOfType(template, 'AWS::Lambda::Function');
  const stateMachines = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');

  it('grants the X-Ray actions to the role of every function with active tracing', () => {
    const traced = functions.filter(([, fn]) => (fn.Properties?.TracingConfig as { Mode?: string } | undefined)?.Mode === 'Active');

    const withoutActions = traced.filter(([, fn]) => !allowsOnEveryResource(roleStatements(template, fn.Properties?.Role), LAMBDA_TRACING_ACTIONS)).map(([id]) => id);

    expect(withoutActions).toEqual([]);
  });

  it('logs every state machine at ERROR or ALL, execution data decided, to a vended-logs group of its own with a retention', () => {
    const logGroupOf = (logging: LoggingConfiguration | undefined) => getAttTarget(logging?.Destinations?.[0]?.CloudWatchLogsLogGroup?.LogGroupArn, 'Arn');

    const found = stateMachines.map(([id, machine]) => {
      const logging = machine.Properties?.LoggingConfiguration as LoggingConfiguration | undefined;
      const logGroup = template.Resources[logGroupOf(logging) ?? ''];
      return {
        id,
        level: ['ERROR', 'ALL'].includes(logging?.Level ?? '') ? 'ERROR or ALL' : logging?.Level,
        includeExecutionData: typeof logging?.IncludeExecutionData,
        destinations: logging?.Destinations?.length,
        logGroup: logGroup?.Type,
        retention: typeof logGroup?.Properties?.RetentionInDays,
        // Outside this prefix each log group is added to the account's log resource policy, whose size is capped.
        vendedLogsPrefix: String(logGroup?.Properties?.LogGroupName).startsWith('/aws/vendedlogs/states/'),
      };
    });
    const logGroups = stateMachines.map(([, machine]) => logGroupOf(machine.Properties?.LoggingConfiguration as LoggingConfiguration | undefined));

    expect(found).toEqual(
      stateMachines.map(([id]) => ({ id, level: 'ERROR or ALL', includeExecutionData: 'boolean', destinations: 1, logGroup: 'AWS::Logs::LogGroup', retention: 'number', vendedLogsPrefix: true })),
    );
    expect(new Set(logGroups).size).toBe(logGroups.length);
  });

  it('traces every state machine', () => {
    const untraced = stateMachines.filter(([, machine]) => (machine.Properties?.TracingConfiguration as { Enabled?: unknown } | undefined)?.Enabled !== true).map(([id]) => id);

    expect(untraced).toEqual([]);
  });

  it('grants every state machine role the log-delivery and X-Ray actions its logging and tracing need', () => {
    const missing = stateMachines
      .map(([id, machine]) => {
        const statements = roleStatements(template, machine.Properties?.RoleArn);
        return { id, logDelivery: allowsOnEveryResource(statements, LOG_DELIVERY_ACTIONS), tracing: allowsOnEveryResource(statements, STATE_MACHINE_TRACING_ACTIONS) };
      })
      .filter(({ logDelivery, tracing }) => !logDelivery || !tracing);

    expect(missing).toEqual([]);
  });
});
