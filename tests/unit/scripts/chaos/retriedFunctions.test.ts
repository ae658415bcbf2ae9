import type { Template } from '../../../../local/cloudformation/localResources';
import { retriedFunctions } from '../../../../scripts/chaos/retriedFunctions';

const fn = (name: string) => ({ Type: 'AWS::Lambda::Function', Properties: { FunctionName: name, Handler: 'h.handler', Runtime: 'nodejs22.x' } });
const RETRY_LAMBDA_ERRORS = [{ ErrorEquals: ['TransientError', 'Lambda.ServiceException', 'Lambda.TooManyRequestsException'], MaxAttempts: 6 }];

/** A stack shaped like the packaged ones: functions referenced from a definition through Fn::Sub and GetAtt. */
const stack = (states: Record<string, unknown>): Template => ({
  Resources: {
    RetriedLambdaFunction: fn('svc-dev-retried'),
    NotRetriedLambdaFunction: fn('svc-dev-notRetried'),
    MappedLambdaFunction: fn('svc-dev-mapped'),
    ConsumerLambdaFunction: fn('svc-dev-consumer'),
    ApiLambdaFunction: fn('svc-dev-api'),
    SeedLambdaFunction: fn('svc-dev-seed'),
    Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'svc-dev-queue' } },
    Mapping: {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: { EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] }, FunctionName: { 'Fn::GetAtt': ['ConsumerLambdaFunction', 'Arn'] } },
    },
    Integration: { Type: 'AWS::ApiGatewayV2::Integration', Properties: { IntegrationUri: { 'Fn::GetAtt': ['ApiLambdaFunction', 'Arn'] }, PayloadFormatVersion: '2.0' } },
    Machine: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        StateMachineName: 'svc-dev-flow',
        DefinitionString: {
          'Fn::Sub': [
            JSON.stringify({ StartAt: 'A', States: states }),
            {
              retried: { 'Fn::GetAtt': ['RetriedLambdaFunction', 'Arn'] },
              notRetried: { 'Fn::GetAtt': ['NotRetriedLambdaFunction', 'Arn'] },
              mapped: { 'Fn::GetAtt': ['MappedLambdaFunction', 'Arn'] },
            },
          ],
        },
      },
    },
  },
});

const task = (functionRef: string, retry?: unknown) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: `\${${functionRef}}`, Payload: {} },
  ...(retry !== undefined && { Retry: retry }),
  End: true,
});

const STATES = {
  A: task('retried', RETRY_LAMBDA_ERRORS),
  B: task('notRetried', [{ ErrorEquals: ['TransientError'], MaxAttempts: 3 }]),
  Lines: { Type: 'Map', ItemProcessor: { StartAt: 'Line', States: { Line: task('mapped', [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2 }]) } }, End: true },
};

describe('retriedFunctions', () => {
  it('names who retries each function when every caller retries it', () => {
    // Act
    const { safe } = retriedFunctions([{ stackName: 'svc-dev', template: stack(STATES) }], { httpClientsRetry: true });

    // Assert
    expect(Object.fromEntries(safe)).toEqual({
      'svc-dev-retried': ['workflow-retry'],
      'svc-dev-mapped': ['workflow-retry'],
      'svc-dev-consumer': ['sqs-redelivery'],
      'svc-dev-api': ['http-client'],
    });
  });

  it("spares a function when a task calling it does not retry Lambda's errors", () => {
    const { safe, unsafe } = retriedFunctions([{ stackName: 'svc-dev', template: stack(STATES) }], { httpClientsRetry: true });
    expect(safe.has('svc-dev-notRetried')).toBe(false);
    expect(unsafe.get('svc-dev-notRetried')).toMatch(/state B does not retry Lambda.ServiceException/);
  });

  it('spares a function when one task retries it and another does not', () => {
    const states = { ...STATES, C: task('retried') };
    const { safe, unsafe } = retriedFunctions([{ stackName: 'svc-dev', template: stack(states) }], { httpClientsRetry: true });
    expect(safe.has('svc-dev-retried')).toBe(false);
    expect(unsafe.get('svc-dev-retried')).toMatch(/state C/);
  });

  it('spares an HTTP function when its clients are not known to retry', () => {
    const { safe, unsafe } = retriedFunctions([{ stackName: 'svc-dev', template: stack(STATES) }], { httpClientsRetry: false });
    expect(safe.has('svc-dev-api')).toBe(false);
    expect(unsafe.get('svc-dev-api')).toMatch(/clients are not known to retry/);
  });

  it('spares a function when nothing but a direct invoke calls it', () => {
    const { safe, unsafe } = retriedFunctions([{ stackName: 'svc-dev', template: stack(STATES) }], { httpClientsRetry: true });
    expect(safe.has('svc-dev-seed')).toBe(false);
    expect(unsafe.get('svc-dev-seed')).toMatch(/invoked directly/);
  });
});
