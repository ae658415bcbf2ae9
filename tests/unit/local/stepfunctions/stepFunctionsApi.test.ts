import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionNotRedrivable,
  GetExecutionHistoryCommand,
  InvalidDefinition,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  RedriveExecutionCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { handleAwsJsonRequest, readBody } from '../../../../local/edge/awsJsonProtocol';
import type { LambdaInvoker } from '../../../../local/lambda/invoker';
import { stepFunctionsApi } from '../../../../local/stepfunctions/stepFunctionsApi';
import { StepFunctionsService } from '../../../../local/stepfunctions/stepFunctionsService';

const REGION = 'eu-west-1';
const ACCOUNT = '000000000000';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/ordering-order-dev-workflow`;
const ORDER = JSON.stringify({ orderId: 'ord_7Hq2Kx9mPz4Lw8Rt' });

/** Waits for the payment outcome through a task token, then records it: the order workflow's core. */
const definition = JSON.stringify({
  StartAt: 'AwaitPayment',
  States: {
    AwaitPayment: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'requestPayment', Payload: { 'token.$': '$$.Task.Token', 'orderId.$': '$.orderId' } },
      ResultPath: '$.payment',
      Next: 'RecordPayment',
    },
    RecordPayment: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'recordPayment', 'Payload.$': '$' },
      OutputPath: '$.Payload',
      End: true,
    },
  },
});

describe('stepFunctionsApi through @aws-sdk/client-sfn', () => {
  let server: Server;
  let service: StepFunctionsService;
  let sfn: SFNClient;
  let tokens: string[];
  let stateMachineArn: string;

  beforeEach(async () => {
    tokens = [];
    const invoker: LambdaInvoker = {
      invoke: (functionName, payload) => {
        if (functionName === 'requestPayment') tokens.push((payload as { token: string }).token);
        return Promise.resolve(functionName === 'recordPayment' ? { recorded: (payload as { payment: unknown }).payment } : null);
      },
    };
    service = new StepFunctionsService({ invoker, accountId: ACCOUNT, region: REGION });
    const services = [stepFunctionsApi(service)];
    server = createServer((request, response) => {
      void readBody(request).then((body) => handleAwsJsonRequest(services, String(request.headers['x-amz-target']), body, response));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    sfn = new SFNClient({ endpoint: `http://127.0.0.1:${port}`, region: REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    ({ stateMachineArn = '' } = await sfn.send(
      new CreateStateMachineCommand({ name: 'ordering-order-dev-order', definition, roleArn: ROLE_ARN, type: 'STANDARD' }),
    ));
  });

  afterEach(async () => {
    sfn.destroy();
    await service.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Resolves once the execution has invoked its callback function and handed out a token. */
  const nextToken = async (count: number): Promise<string> => {
    while (tokens.length < count) await new Promise((resolve) => setTimeout(resolve, 2));
    return tokens[count - 1] ?? '';
  };

  it('creates, describes and lists state machines with dates as Dates', async () => {
    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    const listed = await sfn.send(new ListStateMachinesCommand({}));

    expect(described).toMatchObject({ name: 'ordering-order-dev-order', definition, roleArn: ROLE_ARN, type: 'STANDARD', status: 'ACTIVE' });
    expect(described.creationDate).toBeInstanceOf(Date);
    expect(listed.stateMachines?.map((machine) => machine.stateMachineArn)).toEqual([stateMachineArn]);
  });

  it('runs an execution resumed by SendTaskSuccess and describes it', async () => {
    const { executionArn, startDate } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'order-ord_1', input: ORDER }));
    const running = await sfn.send(new DescribeExecutionCommand({ executionArn }));

    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: await nextToken(1) }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: await nextToken(1), output: '{"status":"PAID"}' }));
    await service.whenIdle();
    const done = await sfn.send(new DescribeExecutionCommand({ executionArn }));

    expect(startDate).toBeInstanceOf(Date);
    expect(Math.abs((startDate?.getTime() ?? 0) - Date.now())).toBeLessThan(5_000);
    expect(running.status).toBe('RUNNING');
    expect(done).toMatchObject({ executionArn, stateMachineArn, name: 'order-ord_1', status: 'SUCCEEDED', input: ORDER, startDate });
    expect(done.stopDate).toBeInstanceOf(Date);
    expect(JSON.parse(done.output ?? '')).toEqual({ recorded: { status: 'PAID' } });
  });

  it('raises the SDK exception classes AWS answers with', async () => {
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'order-ord_1', input: ORDER }));
    const taskToken = await nextToken(1);
    await sfn.send(new SendTaskFailureCommand({ taskToken, error: 'PaymentDeclined', cause: 'card expired' }));

    await expect(sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'order-ord_1', input: '{"orderId":"other"}' }))).rejects.toBeInstanceOf(
      ExecutionAlreadyExists,
    );
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }))).rejects.toBeInstanceOf(TaskTimedOut);
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:missing` })),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    const unsupported = await sfn
      .send(
        new CreateStateMachineCommand({
          name: 'ordering-order-dev-notify',
          roleArn: ROLE_ARN,
          definition: JSON.stringify({ StartAt: 'Notify', States: { Notify: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', End: true } } }),
        }),
      )
      .catch((error: unknown) => error);
    expect(unsupported).toBeInstanceOf(InvalidDefinition);
    expect((unsupported as InvalidDefinition).message).toMatch(/state machine ordering-order-dev-notify: state Notify: resource arn:aws:states:::sns:publish is not supported/);
  });

  it('returns the running execution for a duplicate start with the same name and input', async () => {
    const first = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'order-ord_1', input: ORDER }));
    const second = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'order-ord_1', input: ORDER }));

    expect(second.executionArn).toBe(first.executionArn);
    expect(second.startDate).toEqual(first.startDate);
  });

  it('lists executions newest first with their status, and stops one', async () => {
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'order-ord_1', input: ORDER }));
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'order-ord_2', input: ORDER }));

    const { stopDate } = await sfn.send(new StopExecutionCommand({ executionArn, error: 'OrderCancelled', cause: 'customer' }));
    const all = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    const running = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING' }));

    expect(stopDate).toBeInstanceOf(Date);
    expect(all.executions?.map(({ name, status }) => ({ name, status }))).toEqual([
      { name: 'order-ord_2', status: 'ABORTED' },
      { name: 'order-ord_1', status: 'RUNNING' },
    ]);
    expect(all.executions?.[0]?.startDate).toBeInstanceOf(Date);
    expect(running.executions?.map((execution) => execution.name)).toEqual(['order-ord_1']);
  });

  it('answers GetExecutionHistory with AWS-shaped events, a page at a time', async () => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'order-ord_1', input: ORDER }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: await nextToken(1), output: '{"status":"PAID"}' }));
    await service.whenIdle();

    const firstPage = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 5 }));
    const secondPage = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken: firstPage.nextToken }));
    const events = [...(firstPage.events ?? []), ...(secondPage.events ?? [])];

    expect(events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(secondPage.nextToken).toBeUndefined();
    expect(events[0]?.timestamp).toBeInstanceOf(Date);
    expect(events[0]?.executionStartedEventDetails).toMatchObject({ input: ORDER, roleArn: ROLE_ARN });
    expect(events[1]?.stateEnteredEventDetails?.name).toBe('AwaitPayment');
    expect(events[2]?.taskScheduledEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke.waitForTaskToken', region: REGION });
    expect(events[5]?.stateExitedEventDetails?.name).toBe('AwaitPayment');
    expect(JSON.parse(events[11]?.executionSucceededEventDetails?.output ?? '')).toEqual({ recorded: { status: 'PAID' } });
  });

  it('redrives a failed execution with RedriveExecution and reports the redrive where AWS does', async () => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'order-ord_1', input: ORDER }));
    await sfn.send(new SendTaskFailureCommand({ taskToken: await nextToken(1), error: 'PaymentProviderError', cause: 'provider down' }));
    await service.whenIdle();

    const { redriveDate } = await sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: 'after-provider-fix' }));
    const again = await sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: 'after-provider-fix' }));
    const running = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: await nextToken(2), output: '{"status":"PAID"}' }));
    await service.whenIdle();
    const done = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const redriven = await sfn.send(new ListExecutionsCommand({ stateMachineArn, redriveFilter: 'REDRIVEN' }));
    const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));

    expect(redriveDate).toBeInstanceOf(Date);
    expect(again.redriveDate).toEqual(redriveDate);
    expect(running).toMatchObject({ status: 'RUNNING', redriveCount: 1, redriveDate, redriveStatus: 'NOT_REDRIVABLE' });
    expect(running.redriveStatusReason).toBe('Execution is RUNNING and cannot be redriven');
    expect(done).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1, redriveDate });
    expect(JSON.parse(done.output ?? '')).toEqual({ recorded: { status: 'PAID' } });
    expect(redriven.executions?.map(({ name, redriveCount }) => ({ name, redriveCount }))).toEqual([{ name: 'order-ord_1', redriveCount: 1 }]);
    expect(redriven.executions?.[0]?.redriveDate).toEqual(redriveDate);
    const redrive = events.findIndex((event) => event.type === 'ExecutionRedriven');
    expect(events[redrive]?.executionRedrivenEventDetails).toEqual({ redriveCount: 1 });
    expect(events[redrive - 1]?.type).toBe('ExecutionFailed');
    expect(events[redrive + 1]?.stateEnteredEventDetails?.name).toBe('AwaitPayment');
  });

  it('raises ExecutionNotRedrivable for an execution that is still running', async () => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'order-ord_1', input: ORDER }));

    const refused = await sfn.send(new RedriveExecutionCommand({ executionArn })).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(ExecutionNotRedrivable);
    expect((refused as ExecutionNotRedrivable).message).toBe('Execution is RUNNING and cannot be redriven');
  });
});
