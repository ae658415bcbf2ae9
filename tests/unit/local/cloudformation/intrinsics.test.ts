import {
  resolveIntrinsics,
  UnsupportedIntrinsicError,
  type PseudoParameters,
  type ResourceResolver,
} from '../../../../local/cloudformation/intrinsics';

const PARAMS: PseudoParameters = { region: 'eu-west-1', accountId: '000000000000', partition: 'aws', stackName: 'ordering-payment-dev' };

/** A resolver over a fixed table: an unknown id or attribute fails the test instead of yielding a guess. */
const fakeResolver = (): ResourceResolver & { calls: string[] } => {
  const refs: Record<string, string> = {
    OrdersQueue: 'http://localhost:4566/000000000000/ordering-payment-dev-orders',
    EventBus: 'ordering-dev',
    ChargeFunction: 'ordering-payment-dev-chargePayment',
  };
  const attributes: Record<string, string> = {
    'OrdersQueue.Arn': 'arn:aws:sqs:eu-west-1:000000000000:ordering-payment-dev-orders',
    'OrdersQueue.QueueName': 'ordering-payment-dev-orders',
    'EventBus.Arn': 'arn:aws:events:eu-west-1:000000000000:event-bus/ordering-dev',
    'Database.Endpoint.Address': 'db.local',
  };
  const exports: Record<string, string> = { 'ordering-platform-dev-EventBusName': 'ordering-dev' };
  const calls: string[] = [];
  const lookup = (table: Record<string, string>, key: string, call: string): string => {
    calls.push(call);
    const value = table[key];
    if (value === undefined) throw new Error(`unexpected ${call}`);
    return value;
  };
  return {
    calls,
    ref: (logicalId) => lookup(refs, logicalId, `ref ${logicalId}`),
    getAtt: (logicalId, attribute) => lookup(attributes, `${logicalId}.${attribute}`, `getAtt ${logicalId} ${attribute}`),
    importValue: (name) => lookup(exports, name, `import ${name}`),
  };
};

const resolve = (value: unknown, resolver = fakeResolver()) => resolveIntrinsics(value, resolver, PARAMS);

const thrownBy = (action: () => unknown): unknown => {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('resolveIntrinsics', () => {
  describe('Ref', () => {
    it('asks the resolver for the logical id when Ref names a resource', () => {
      const resolver = fakeResolver();

      const value = resolve({ Ref: 'OrdersQueue' }, resolver);

      expect(value).toBe('http://localhost:4566/000000000000/ordering-payment-dev-orders');
      expect(resolver.calls).toEqual(['ref OrdersQueue']);
    });

    it.each([
      ['AWS::Region', 'eu-west-1'],
      ['AWS::AccountId', '000000000000'],
      ['AWS::Partition', 'aws'],
      ['AWS::StackName', 'ordering-payment-dev'],
      ['AWS::URLSuffix', 'amazonaws.com'],
    ])('returns the local value of %s without asking the resolver when Ref names that pseudo parameter', (name, expected) => {
      const resolver = fakeResolver();

      expect(resolve({ Ref: name }, resolver)).toBe(expected);
      expect(resolver.calls).toEqual([]);
    });

    it.each(['AWS::NoValue', 'AWS::NotificationARNs'])('throws UnsupportedIntrinsicError naming %s when Ref names a pseudo parameter the local cloud lacks', (name) => {
      const error = thrownBy(() => resolve({ Ref: name }));

      expect(error).toBeInstanceOf(UnsupportedIntrinsicError);
      expect((error as Error).message).toContain(name);
    });
  });

  describe('Fn::GetAtt', () => {
    it('asks the resolver for the attribute when given the array form', () => {
      const resolver = fakeResolver();

      const value = resolve({ 'Fn::GetAtt': ['OrdersQueue', 'Arn'] }, resolver);

      expect(value).toBe('arn:aws:sqs:eu-west-1:000000000000:ordering-payment-dev-orders');
      expect(resolver.calls).toEqual(['getAtt OrdersQueue Arn']);
    });

    it('splits the logical id from the attribute at the first dot when given the dotted string form', () => {
      const resolver = fakeResolver();

      expect(resolve({ 'Fn::GetAtt': 'OrdersQueue.QueueName' }, resolver)).toBe('ordering-payment-dev-orders');
      expect(resolve({ 'Fn::GetAtt': 'Database.Endpoint.Address' }, resolver)).toBe('db.local');
      expect(resolver.calls).toEqual(['getAtt OrdersQueue QueueName', 'getAtt Database Endpoint.Address']);
    });

    it('throws UnsupportedIntrinsicError when the dotted form has no attribute', () => {
      expect(() => resolve({ 'Fn::GetAtt': 'OrdersQueue' })).toThrow(UnsupportedIntrinsicError);
    });
  });

  describe('Fn::Sub', () => {
    it('substitutes resource attributes, pseudo parameters and references when given the string form', () => {
      const value = resolve({ 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/${EventBus}/x|${OrdersQueue.QueueName}' });

      expect(value).toBe('arn:aws:events:eu-west-1:000000000000:rule/ordering-dev/x|ordering-payment-dev-orders');
    });

    it('writes ${!Literal} as the literal ${Literal} without resolving it', () => {
      const resolver = fakeResolver();

      const value = resolve({ 'Fn::Sub': 'echo ${!Literal} in ${AWS::Region} and ${!OrdersQueue.Arn}' }, resolver);

      expect(value).toBe('echo ${Literal} in eu-west-1 and ${OrdersQueue.Arn}');
      expect(resolver.calls).toEqual([]);
    });

    it('uses the given variables, resolved, before resources when given the list form', () => {
      const resolver = fakeResolver();

      const value = resolve(
        {
          'Fn::Sub': [
            '${QueueArn} on ${Bus} in ${AWS::Region}, stage ${Stage}, function ${ChargeFunction}',
            { QueueArn: { 'Fn::GetAtt': ['OrdersQueue', 'Arn'] }, Bus: { Ref: 'EventBus' }, Stage: 'dev', ChargeFunction: 'overridden' },
          ],
        },
        resolver,
      );

      expect(value).toBe('arn:aws:sqs:eu-west-1:000000000000:ordering-payment-dev-orders on ordering-dev in eu-west-1, stage dev, function overridden');
      expect(resolver.calls).not.toContain('ref ChargeFunction');
    });

    it('throws UnsupportedIntrinsicError naming the variable when a variable resolves to something other than a string', () => {
      const error = thrownBy(() => resolve({ 'Fn::Sub': ['${Items}', { Items: ['a', 'b'] }] }));

      expect(error).toBeInstanceOf(UnsupportedIntrinsicError);
      expect((error as Error).message).toContain('Items');
    });
  });

  describe('Fn::Join, Fn::Select, Fn::Split', () => {
    it('joins resolved parts with the delimiter when given Fn::Join', () => {
      const value = resolve({ 'Fn::Join': [':', ['arn', { Ref: 'AWS::Partition' }, 'sqs', { Ref: 'AWS::Region' }, { 'Fn::GetAtt': ['OrdersQueue', 'QueueName'] }]] });

      expect(value).toBe('arn:aws:sqs:eu-west-1:ordering-payment-dev-orders');
    });

    it('joins the list another intrinsic returns when Fn::Join is given Fn::Split', () => {
      expect(resolve({ 'Fn::Join': ['-', { 'Fn::Split': ['/', 'a/b/c'] }] })).toBe('a-b-c');
    });

    it('selects the item at the index when given Fn::Select', () => {
      expect(resolve({ 'Fn::Select': [1, ['zero', { Ref: 'EventBus' }, 'two']] })).toBe('ordering-dev');
      expect(resolve({ 'Fn::Select': ['0', ['zero', 'one']] })).toBe('zero');
    });

    it('throws UnsupportedIntrinsicError when the Fn::Select index is out of bounds, as CloudFormation fails the stack', () => {
      const error = thrownBy(() => resolve({ 'Fn::Select': [3, ['zero', 'one']] }));

      expect(error).toBeInstanceOf(UnsupportedIntrinsicError);
      expect((error as Error).message).toContain('3');
    });

    it('splits the resolved string on the delimiter when given Fn::Split', () => {
      expect(resolve({ 'Fn::Split': [':', { 'Fn::GetAtt': ['EventBus', 'Arn'] }] })).toEqual([
        'arn',
        'aws',
        'events',
        'eu-west-1',
        '000000000000',
        'event-bus/ordering-dev',
      ]);
    });

    it('selects a part of a split ARN when the intrinsics are nested', () => {
      const value = resolve({ 'Fn::Select': [5, { 'Fn::Split': [':', { 'Fn::GetAtt': ['OrdersQueue', 'Arn'] }] }] });

      expect(value).toBe('ordering-payment-dev-orders');
    });
  });

  describe('Fn::ImportValue', () => {
    it('asks the resolver for the export when given a name', () => {
      const resolver = fakeResolver();

      expect(resolve({ 'Fn::ImportValue': 'ordering-platform-dev-EventBusName' }, resolver)).toBe('ordering-dev');
      expect(resolver.calls).toEqual(['import ordering-platform-dev-EventBusName']);
    });

    it('resolves the export name first when the name is itself an intrinsic', () => {
      const value = resolve({ 'Fn::ImportValue': { 'Fn::Sub': ['ordering-platform-${Stage}-EventBusName', { Stage: 'dev' }] } });

      expect(value).toBe('ordering-dev');
    });
  });

  describe('walking values', () => {
    it('resolves intrinsics at any depth and keeps other keys and values when given objects and arrays', () => {
      const properties = {
        Name: 'ordering-payment-dev-onOrderPlaced',
        Enabled: true,
        MaximumRetryAttempts: 185,
        Description: null,
        EventBusName: { 'Fn::ImportValue': 'ordering-platform-dev-EventBusName' },
        Targets: [{ Id: 'queue', Arn: { 'Fn::GetAtt': ['OrdersQueue', 'Arn'] }, Tags: [{ Ref: 'AWS::Region' }, 'literal'] }],
      };

      expect(resolve(properties)).toEqual({
        Name: 'ordering-payment-dev-onOrderPlaced',
        Enabled: true,
        MaximumRetryAttempts: 185,
        Description: null,
        EventBusName: 'ordering-dev',
        Targets: [{ Id: 'queue', Arn: 'arn:aws:sqs:eu-west-1:000000000000:ordering-payment-dev-orders', Tags: ['eu-west-1', 'literal'] }],
      });
    });

    it('returns primitives unchanged when there is nothing to resolve', () => {
      expect(resolve('plain')).toBe('plain');
      expect(resolve(42)).toBe(42);
      expect(resolve(false)).toBe(false);
      expect(resolve(null)).toBeNull();
    });

    it('does not change the value it was given when it resolves a copy', () => {
      const template = { Arn: { 'Fn::GetAtt': ['OrdersQueue', 'Arn'] } };

      resolve(template);

      expect(template).toEqual({ Arn: { 'Fn::GetAtt': ['OrdersQueue', 'Arn'] } });
    });
  });

  describe('unsupported functions', () => {
    it.each([
      ['Fn::If', { 'Fn::If': ['IsProd', 'a', 'b'] }],
      ['Fn::GetAZs', { 'Fn::GetAZs': '' }],
      ['Fn::Base64', { 'Fn::Base64': 'text' }],
      ['Fn::FindInMap', { Nested: [{ 'Fn::FindInMap': ['Map', 'Key', 'Value'] }] }],
    ])('throws UnsupportedIntrinsicError naming %s when the value uses it', (name, value) => {
      const error = thrownBy(() => resolve(value));

      expect(error).toBeInstanceOf(UnsupportedIntrinsicError);
      expect(error).toMatchObject({ name: 'UnsupportedIntrinsicError' });
      expect((error as Error).message).toContain(name);
    });
  });
});
