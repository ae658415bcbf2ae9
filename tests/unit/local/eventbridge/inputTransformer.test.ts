import {
  compileInputTransformer,
  compileTargetInput,
  evaluateJsonPath,
  parseJsonPath,
  TargetInputError,
  type RenderContext,
} from '../../../../local/eventbridge';

// The example event and variables of the user guide's "Transforming target input" page.
const ec2Event = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-0123456789', state: 'RUNNING' },
};

const inputPathsMap = {
  timestamp: '$.time',
  instance: '$.detail.instance-id',
  state: '$.detail.state',
  resource: '$.resources[0]',
};

const context: RenderContext = {
  ruleArn: 'arn:aws:events:us-east-2:123456789012:rule/example',
  ruleName: 'example',
  ingestionTime: '2015-11-11T21:29:55Z',
};

const transform = (template: string, paths: Record<string, string> = inputPathsMap, event: object = ec2Event): string =>
  compileInputTransformer('target', { InputPathsMap: paths, InputTemplate: template })(event as Record<string, unknown>, context);

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('input transformer: the documented examples', () => {
  it('fills a simple string template with bare values, keeping its quotes', () => {
    expect(transform('"instance <instance> is in <state>"')).toBe('"instance i-0123456789 is in RUNNING"');
  });

  it('keeps escaped quotes around a variable in a string template', () => {
    expect(transform('"instance \\"<instance>\\" is in <state>"')).toBe('"instance \\"i-0123456789\\" is in RUNNING"');
  });

  it('quotes string values placed outside quotes in a JSON template', () => {
    const output = transform('{\n  "instance" : <instance>,\n  "state": <state>\n}');

    expect(JSON.parse(output)).toEqual({ instance: 'i-0123456789', state: 'RUNNING' });
  });

  it('inserts bare values inside the quoted strings of a JSON template', () => {
    const output = transform('{"instance" : <instance>, "state": "<state>", "instanceStatus": "instance \\"<instance>\\" is in <state>"}');

    expect(JSON.parse(output)).toEqual({
      instance: 'i-0123456789',
      state: 'RUNNING',
      instanceStatus: 'instance "i-0123456789" is in RUNNING',
    });
  });

  it('mixes variables with static JSON values and arrays', () => {
    const output = transform('{"instance" : <instance>, "state": [ 9, <state>, true ], "Transformed" : "Yes"}');

    expect(JSON.parse(output)).toEqual({ instance: 'i-0123456789', state: [9, 'RUNNING', true], Transformed: 'Yes' });
  });

  it('resolves the predefined variables in a JSON template', () => {
    const output = transform(
      '{"instance" : <instance>, "ruleArn" : <aws.events.rule-arn>, "ruleName" : <aws.events.rule-name>, "originalEvent" : <aws.events.event>}',
    );

    expect(JSON.parse(output)).toEqual({
      instance: 'i-0123456789',
      ruleArn: 'arn:aws:events:us-east-2:123456789012:rule/example',
      ruleName: 'example',
      originalEvent: {
        id: ec2Event.id,
        account: ec2Event.account,
        detailType: ec2Event['detail-type'],
        time: ec2Event.time,
        source: ec2Event.source,
        region: ec2Event.region,
        resources: ec2Event.resources,
        version: '0',
      },
    });
  });

  it('resolves the predefined variables in a string template', () => {
    expect(transform('"<aws.events.rule-name> triggered"')).toBe('"example triggered"');
  });

  it('embeds the whole event and the ingestion time', () => {
    const output = transform('{"event": <aws.events.event.json>, "at": <aws.events.event.ingestion-time>}', {});

    expect(JSON.parse(output)).toEqual({ event: ec2Event, at: '2015-11-11T21:29:55Z' });
  });

  it('takes an array element by index', () => {
    expect(JSON.parse(transform('{"resource": <resource>}'))).toEqual({ resource: ec2Event.resources[0] });
  });

  it('follows the API reference examples: an unquoted string template and quotes inside JSON strings', () => {
    const paths = { instance: '$.detail.instance-id', status: '$.detail.state' };

    expect(transform('<instance> is in state <status>', paths)).toBe('i-0123456789 is in state RUNNING');
    expect(JSON.parse(transform('{"myInstance": <instance>,"myStatus": "<instance> is in state \\"<status>\\""}', paths))).toEqual({
      myInstance: 'i-0123456789',
      myStatus: 'i-0123456789 is in state "RUNNING"',
    });
  });

  it('writes numbers, booleans and objects as JSON outside quotes and as text inside them', () => {
    const event = { ...ec2Event, detail: { count: 3, ok: true, nested: { a: 1 } } };
    const paths = { count: '$.detail.count', ok: '$.detail.ok', nested: '$.detail.nested' };

    expect(JSON.parse(transform('{"count": <count>, "ok": <ok>, "nested": <nested>, "text": "<count>/<ok>"}', paths, event))).toEqual({
      count: 3,
      ok: true,
      nested: { a: 1 },
      text: '3/true',
    });
  });

  it('substitutes an empty string for a variable whose path the event lacks', () => {
    const paths = { instance: '$.detail.instance-id', command: '$.detail.notinmessage' };

    expect(JSON.parse(transform('{"instance": <instance>, "command": <command>}', paths))).toEqual({ instance: 'i-0123456789', command: '' });
    expect(transform('"command <command>."', paths)).toBe('"command ."');
  });

  it('does not escape values it inserts into quoted strings, as EventBridge does not', () => {
    const event = { ...ec2Event, detail: { note: 'say "hi"' } };

    expect(transform('{"text": "<note>"}', { note: '$.detail.note' }, event)).toBe('{"text": "say "hi""}');
  });
});

describe('target input validation', () => {
  it('refuses a template placeholder that is neither defined nor predefined, with AWS wording', () => {
    const error = thrownBy(() =>
      compileInputTransformer('queue', { InputPathsMap: { a: '$.detail' }, InputTemplate: '"<a> and <notdefinedkey>"' }),
    );

    expect(error).toBeInstanceOf(TargetInputError);
    expect((error as Error).name).toBe('ValidationException');
    expect((error as Error).message).toBe('InputTemplate for target queue contains invalid placeholder notdefinedkey.');
  });

  it('refuses more than one of Input, InputPath and InputTransformer', () => {
    expect(() => compileTargetInput({ Id: 'queue', InputPath: '$.detail', InputTransformer: { InputTemplate: '"x"' } })).toThrow(
      'Only one of Input, InputPath, or InputTransformer must be provided for target queue.',
    );
  });

  it('refuses a variable named like a predefined one', () => {
    expect(() => compileInputTransformer('queue', { InputPathsMap: { 'aws.events.rule-arn': '$.id' }, InputTemplate: '"x"' })).toThrow(
      TargetInputError,
    );
  });

  it('refuses JSON path wildcards by name instead of evaluating them differently from AWS', () => {
    expect(() => compileTargetInput({ Id: 'queue', InputPath: '$.detail.lines[*].sku' })).toThrow(/wildcards.*not supported by the local cloud/);
  });

  it('refuses a constant Input that is not JSON', () => {
    expect(() => compileTargetInput({ Id: 'queue', Input: 'not json' })).toThrow('Input for target queue is not valid JSON.');
  });
});

describe('target input rendering', () => {
  it('sends the whole event when no input setting is given', () => {
    expect(JSON.parse(compileTargetInput({ Id: 't' })(ec2Event, context))).toEqual(ec2Event);
  });

  it('sends a constant Input as given', () => {
    expect(compileTargetInput({ Id: 't', Input: '{"fixed":true}' })(ec2Event, context)).toBe('{"fixed":true}');
  });

  it('sends the JSON an InputPath selects, a string included', () => {
    expect(JSON.parse(compileTargetInput({ Id: 't', InputPath: '$.detail' })(ec2Event, context))).toEqual(ec2Event.detail);
    expect(compileTargetInput({ Id: 't', InputPath: '$.detail.state' })(ec2Event, context)).toBe('"RUNNING"');
    expect(JSON.parse(compileTargetInput({ Id: 't', InputPath: '$' })(ec2Event, context))).toEqual(ec2Event);
  });
});

describe('JSON paths', () => {
  it('evaluates dot notation with dashes and array indices', () => {
    expect(evaluateJsonPath(parseJsonPath('$.detail.instance-id'), ec2Event)).toBe('i-0123456789');
    expect(evaluateJsonPath(parseJsonPath('$.resources[0]'), ec2Event)).toBe(ec2Event.resources[0]);
    expect(evaluateJsonPath(parseJsonPath('$.resources[1]'), ec2Event)).toBeUndefined();
    expect(evaluateJsonPath(parseJsonPath('$.detail.state.deeper'), ec2Event)).toBeUndefined();
  });

  it('refuses a path not starting at the root or using bracketed names', () => {
    expect(() => parseJsonPath('detail.state')).toThrow(TargetInputError);
    expect(() => parseJsonPath("$['detail']")).toThrow(/not supported by the local cloud/);
  });
});
