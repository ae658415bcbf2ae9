import { UnsupportedIntrinsicError } from '../../../../local/cloudformation/intrinsics';
import {
  localExports,
  localResourceResolver,
  resolveLocally,
  type LocalEnvironment,
  type Template,
} from '../../../../local/cloudformation/localResources';

const STACK = 'ordering-payment-dev';
const ENV: LocalEnvironment = {
  region: 'eu-west-1',
  accountId: '000000000000',
  endpoint: 'http://localhost:4566',
  exports: { 'ordering-platform-dev-EventBusName': 'ordering-dev' },
};

const TEMPLATE: Template = {
  Resources: {
    ChargePaymentLambdaFunction: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'ordering-payment-dev-chargePayment' } },
    OnOrderPlacedQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'ordering-payment-dev-onOrderPlaced' } },
    // Names built with intrinsics are resolved too.
    PaymentsTable: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: { 'Fn::Sub': '${AWS::StackName}-payments' } } },
    ChargeStateMachine: { Type: 'AWS::StepFunctions::StateMachine', Properties: { StateMachineName: 'ordering-payment-dev-charge' } },
    EventBus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'ordering-dev' } },
    EventLogRule: { Type: 'AWS::Events::Rule', Properties: { Name: 'ordering-dev-event-log', EventBusName: { Ref: 'EventBus' } } },
    SubscriptionRule: {
      Type: 'AWS::Events::Rule',
      Properties: { Name: 'ordering-payment-dev-onOrderPlaced', EventBusName: { 'Fn::ImportValue': 'ordering-platform-dev-EventBusName' } },
    },
    ScheduleRule: { Type: 'AWS::Events::Rule', Properties: { Name: 'ordering-payment-dev-sweep' } },
    EventLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/events/ordering-dev' } },
    AlarmTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'ordering-dev-alarms' } },
    ServerlessDeploymentBucket: { Type: 'AWS::S3::Bucket' },
    ChargePaymentRole: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'ordering-payment-dev-chargePayment-role' } },
    UnnamedQueue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 30 } },
    DlqAlarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { AlarmName: 'dlq' } },
  },
  Outputs: {
    EventBusName: { Value: { Ref: 'EventBus' }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}-EventBusName' } } },
    EventBusArn: { Value: { 'Fn::GetAtt': ['EventBus', 'Arn'] }, Export: { Name: 'ordering-payment-dev-EventBusArn' } },
    ChargeStateMachineArn: { Value: { Ref: 'ChargeStateMachine' } },
  },
};

const setup = (template: Template = TEMPLATE, env: LocalEnvironment = ENV) => localResourceResolver(template, STACK, env);

const thrownBy = (action: () => unknown): unknown => {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('localResourceResolver', () => {
  it('carries the environment region and account and the stack name as pseudo parameters when created', () => {
    expect(setup().params).toEqual({ region: 'eu-west-1', accountId: '000000000000', partition: 'aws', stackName: STACK });
  });

  it.each([
    ['a Lambda function', 'ChargePaymentLambdaFunction', 'ordering-payment-dev-chargePayment', { Arn: 'arn:aws:lambda:eu-west-1:000000000000:function:ordering-payment-dev-chargePayment' }],
    [
      'an SQS queue',
      'OnOrderPlacedQueue',
      'http://localhost:4566/000000000000/ordering-payment-dev-onOrderPlaced',
      {
        Arn: 'arn:aws:sqs:eu-west-1:000000000000:ordering-payment-dev-onOrderPlaced',
        QueueName: 'ordering-payment-dev-onOrderPlaced',
        QueueUrl: 'http://localhost:4566/000000000000/ordering-payment-dev-onOrderPlaced',
      },
    ],
    [
      'a DynamoDB table named with an intrinsic',
      'PaymentsTable',
      'ordering-payment-dev-payments',
      {
        Arn: 'arn:aws:dynamodb:eu-west-1:000000000000:table/ordering-payment-dev-payments',
        StreamArn: 'arn:aws:dynamodb:eu-west-1:000000000000:table/ordering-payment-dev-payments/stream/local',
      },
    ],
    [
      'a state machine',
      'ChargeStateMachine',
      'arn:aws:states:eu-west-1:000000000000:stateMachine:ordering-payment-dev-charge',
      { Name: 'ordering-payment-dev-charge', Arn: 'arn:aws:states:eu-west-1:000000000000:stateMachine:ordering-payment-dev-charge' },
    ],
    ['an event bus', 'EventBus', 'ordering-dev', { Name: 'ordering-dev', Arn: 'arn:aws:events:eu-west-1:000000000000:event-bus/ordering-dev' }],
    ['a rule on the default bus', 'ScheduleRule', 'ordering-payment-dev-sweep', { Arn: 'arn:aws:events:eu-west-1:000000000000:rule/ordering-payment-dev-sweep' }],
    ['a log group', 'EventLogGroup', '/aws/events/ordering-dev', { Arn: 'arn:aws:logs:eu-west-1:000000000000:log-group:/aws/events/ordering-dev:*' }],
    [
      'an SNS topic',
      'AlarmTopic',
      'arn:aws:sns:eu-west-1:000000000000:ordering-dev-alarms',
      { TopicName: 'ordering-dev-alarms', TopicArn: 'arn:aws:sns:eu-west-1:000000000000:ordering-dev-alarms' },
    ],
    ['an IAM role', 'ChargePaymentRole', 'ordering-payment-dev-chargePayment-role', { Arn: 'arn:aws:iam::000000000000:role/ordering-payment-dev-chargePayment-role' }],
  ])('answers Ref and GetAtt the way AWS does when the resource is %s', (_kind, logicalId, ref, attributes) => {
    const resolver = setup();

    const resolvedAttributes = Object.fromEntries(Object.keys(attributes).map((attribute) => [attribute, resolver.getAtt(logicalId, attribute)]));

    expect(resolver.ref(logicalId)).toBe(ref);
    expect(resolvedAttributes).toEqual(attributes);
  });

  it('builds the queue URL from the endpoint and account of the environment when they differ', () => {
    const resolver = setup(TEMPLATE, { ...ENV, endpoint: 'http://127.0.0.1:4599', accountId: '111111111111', region: 'us-east-2' });

    expect(resolver.ref('OnOrderPlacedQueue')).toBe('http://127.0.0.1:4599/111111111111/ordering-payment-dev-onOrderPlaced');
    expect(resolver.getAtt('OnOrderPlacedQueue', 'Arn')).toBe('arn:aws:sqs:us-east-2:111111111111:ordering-payment-dev-onOrderPlaced');
  });

  it('puts the bus name in the rule ARN and bus|rule in its Ref when the rule is on a custom bus', () => {
    const resolver = setup();

    expect(resolver.getAtt('EventLogRule', 'Arn')).toBe('arn:aws:events:eu-west-1:000000000000:rule/ordering-dev/ordering-dev-event-log');
    expect(resolver.ref('EventLogRule')).toBe('ordering-dev|ordering-dev-event-log');
  });

  it('resolves the bus of a rule through the imported export when its EventBusName is an ImportValue', () => {
    expect(setup().getAtt('SubscriptionRule', 'Arn')).toBe(
      'arn:aws:events:eu-west-1:000000000000:rule/ordering-dev/ordering-payment-dev-onOrderPlaced',
    );
  });

  it('names an S3 bucket after the stack and logical id in lower case when the bucket has no name', () => {
    const resolver = setup();

    expect(resolver.ref('ServerlessDeploymentBucket')).toBe('ordering-payment-dev-serverlessdeploymentbucket');
    expect(resolver.getAtt('ServerlessDeploymentBucket', 'Arn')).toBe('arn:aws:s3:::ordering-payment-dev-serverlessdeploymentbucket');
  });

  it('resolves a whole template fragment with the local names when given to resolveLocally', () => {
    const resolver = setup();

    const environment = resolveLocally(
      {
        QUEUE_URL: { Ref: 'OnOrderPlacedQueue' },
        TABLE: { Ref: 'PaymentsTable' },
        BUS_ARN: { 'Fn::GetAtt': ['EventBus', 'Arn'] },
        STATE_MACHINE: { 'Fn::Sub': '${ChargeStateMachine.Name} in ${AWS::Region}' },
      },
      resolver,
    );

    expect(environment).toEqual({
      QUEUE_URL: 'http://localhost:4566/000000000000/ordering-payment-dev-onOrderPlaced',
      TABLE: 'ordering-payment-dev-payments',
      BUS_ARN: 'arn:aws:events:eu-west-1:000000000000:event-bus/ordering-dev',
      STATE_MACHINE: 'ordering-payment-dev-charge in eu-west-1',
    });
  });

  describe('importValue', () => {
    it('returns the value another stack exported when the export exists', () => {
      expect(setup().importValue('ordering-platform-dev-EventBusName')).toBe('ordering-dev');
    });

    it('throws UnsupportedIntrinsicError naming the export when no stack exports it', () => {
      const error = thrownBy(() => setup().importValue('ordering-platform-dev-AlarmTopicArn'));

      expect(error).toBeInstanceOf(UnsupportedIntrinsicError);
      expect((error as Error).message).toContain('ordering-platform-dev-AlarmTopicArn');
    });
  });

  describe('errors', () => {
    it('throws UnsupportedIntrinsicError naming the resource and its missing name property when a resource has no name', () => {
      const error = thrownBy(() => setup().ref('UnnamedQueue'));

      expect(error).toBeInstanceOf(UnsupportedIntrinsicError);
      expect((error as Error).message).toContain('UnnamedQueue');
      expect((error as Error).message).toContain('QueueName');
    });

    it('throws UnsupportedIntrinsicError naming the type and logical id when the resource type is unknown locally', () => {
      const error = thrownBy(() => setup().ref('DlqAlarm'));

      expect(error).toBeInstanceOf(UnsupportedIntrinsicError);
      expect((error as Error).message).toContain('AWS::CloudWatch::Alarm');
      expect((error as Error).message).toContain('DlqAlarm');
    });

    it('throws UnsupportedIntrinsicError naming the logical id when the template has no such resource', () => {
      const error = thrownBy(() => setup().getAtt('MissingQueue', 'Arn'));

      expect(error).toBeInstanceOf(UnsupportedIntrinsicError);
      expect((error as Error).message).toContain('MissingQueue');
    });

    it('throws UnsupportedIntrinsicError naming the attribute when the resource type lacks it', () => {
      const error = thrownBy(() => setup().getAtt('OnOrderPlacedQueue', 'DeadLetterArn'));

      expect(error).toBeInstanceOf(UnsupportedIntrinsicError);
      expect((error as Error).message).toContain('OnOrderPlacedQueue.DeadLetterArn');
    });

    it('throws UnsupportedIntrinsicError naming the resource when its name property resolves to something other than a string', () => {
      const template: Template = { Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: ['a', 'b'] } } } };

      const error = thrownBy(() => setup(template).ref('Topic'));

      expect(error).toBeInstanceOf(UnsupportedIntrinsicError);
      expect((error as Error).message).toContain('Topic.TopicName');
    });
  });
});

describe('localExports', () => {
  it('maps each exported name to its resolved value and leaves out outputs without Export when the template has Outputs', () => {
    const resolver = setup();

    expect(localExports(TEMPLATE, resolver)).toEqual({
      'ordering-payment-dev-EventBusName': 'ordering-dev',
      'ordering-payment-dev-EventBusArn': 'arn:aws:events:eu-west-1:000000000000:event-bus/ordering-dev',
    });
  });

  it('returns no exports when the template has no Outputs', () => {
    const template: Template = { Resources: TEMPLATE.Resources };

    expect(localExports(template, setup(template))).toEqual({});
  });
});
