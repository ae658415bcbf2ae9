import 'aws-sdk-client-mock-jest';
import {
  ExecutionAlreadyExists,
  InvalidExecutionInput,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { PermanentError } from '#shared/errors';
import { createWorkflowStarter, executionName, workflowStarterFromEnv } from '#shared/workflows';

const sfn = mockClient(SFNClient);

const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:ordering-payment-dev-charge';

const setup = (stateMachineArn: () => string = () => STATE_MACHINE_ARN) =>
  createWorkflowStarter({ client: new SFNClient({ region: 'eu-west-1' }), stateMachineArn });

const started = { executionArn: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:charge-1`, startDate: new Date() };

beforeEach(() => {
  sfn.reset();
});

describe('createWorkflowStarter', () => {
  it('starts an execution with the name, state machine ARN and JSON input and returns started when Step Functions accepts it', async () => {
    sfn.on(StartExecutionCommand).resolves(started);
    const workflows = setup();
    const input = { orderId: 'ord_7Hq2Kx9mPz4Lw8Rt', total: { amount: 5800, currency: 'EUR' } };

    const result = await workflows.start({ name: 'charge-ord_7Hq2Kx9mPz4Lw8Rt', input });

    expect(result).toBe('started');
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'charge-ord_7Hq2Kx9mPz4Lw8Rt',
      input: JSON.stringify(input),
    });
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '')).toEqual(input);
  });

  it('composes the state machine ARN on each start when the ARN source changes between starts', async () => {
    sfn.on(StartExecutionCommand).resolves(started);
    const arns = ['arn:aws:states:eu-west-1:111111111111:stateMachine:a', 'arn:aws:states:eu-west-1:222222222222:stateMachine:a'];
    const stateMachineArn = jest.fn(() => arns.shift() ?? '');
    const workflows = setup(stateMachineArn);
    expect(stateMachineArn).not.toHaveBeenCalled();

    await workflows.start({ name: 'one', input: {} });
    await workflows.start({ name: 'two', input: {} });

    expect(sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input.stateMachineArn)).toEqual([
      'arn:aws:states:eu-west-1:111111111111:stateMachine:a',
      'arn:aws:states:eu-west-1:222222222222:stateMachine:a',
    ]);
  });

  it('returns already-started when Step Functions answers ExecutionAlreadyExists', async () => {
    sfn.on(StartExecutionCommand).rejects(
      new ExecutionAlreadyExists({ message: 'Execution Already Exists: charge-ord_1', $metadata: { httpStatusCode: 400 } }),
    );
    const workflows = setup();

    const result = await workflows.start({ name: 'charge-ord_1', input: { orderId: 'ord_1' } });

    expect(result).toBe('already-started');
  });

  it('propagates the error when Step Functions answers another service error', async () => {
    const invalid = new InvalidExecutionInput({ message: 'Invalid State Machine Execution Input', $metadata: {} });
    sfn.on(StartExecutionCommand).rejects(invalid);
    const workflows = setup();

    await expect(workflows.start({ name: 'charge-ord_1', input: {} })).rejects.toBe(invalid);
  });

  it('propagates the error when the SDK call fails before reaching Step Functions', async () => {
    sfn.on(StartExecutionCommand).rejects(new Error('socket hang up'));
    const workflows = setup();

    await expect(workflows.start({ name: 'charge-ord_1', input: {} })).rejects.toThrow('socket hang up');
  });
});

describe('executionName', () => {
  it('joins the parts with dashes when they are already valid', () => {
    expect(executionName('charge', 'ord_7Hq2Kx9mPz4Lw8Rt')).toBe('charge-ord_7Hq2Kx9mPz4Lw8Rt');
  });

  it('replaces every character outside [A-Za-z0-9_-] with an underscore when the parts carry them', () => {
    expect(executionName('refund', 'ord:1/2 3.4', 'é*?[]{}')).toBe('refund-ord_1_2_3_4-_______');
  });

  it('truncates the name to 80 characters when the parts are longer', () => {
    const name = executionName('ship', 'x'.repeat(100));

    expect(name).toHaveLength(80);
    expect(name).toBe(`ship-${'x'.repeat(75)}`);
  });

  it('keeps the whole name when the parts are exactly 80 characters', () => {
    const exactly80 = 'y'.repeat(80);

    expect(executionName(exactly80)).toBe(exactly80);
  });

  it('returns only characters Step Functions accepts when given arbitrary input', () => {
    const name = executionName('charge', '🙂 ord\t\n"1"', 'a'.repeat(200));

    expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });
});

describe('workflowStarterFromEnv', () => {
  const saved = { ...process.env };

  afterEach(() => {
    process.env = { ...saved };
  });

  it('throws a PermanentError naming STATE_MACHINE_NAME when it is not set', () => {
    delete process.env.STATE_MACHINE_NAME;

    expect(() => workflowStarterFromEnv()).toThrow(PermanentError);
    expect(() => workflowStarterFromEnv()).toThrow('STATE_MACHINE_NAME');
  });

  it('starts the named state machine in this account and region and wraps the client with the tracer when configured', async () => {
    process.env.STATE_MACHINE_NAME = 'ordering-payment-dev-charge';
    process.env.AWS_REGION = 'eu-central-1';
    sfn.on(StartExecutionCommand).resolves(started);
    const wrapped: unknown[] = [];
    const tracer = {
      captureAWSv3Client<T>(client: T): T {
        wrapped.push(client);
        return client;
      },
    };

    const result = await workflowStarterFromEnv(tracer).start({ name: 'charge-1', input: { a: 1 } });

    expect(result).toBe('started');
    expect(wrapped).toHaveLength(1);
    expect(wrapped[0]).toBeInstanceOf(SFNClient);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, {
      stateMachineArn: 'arn:aws:states:eu-central-1:000000000000:stateMachine:ordering-payment-dev-charge',
      name: 'charge-1',
    });
  });
});
