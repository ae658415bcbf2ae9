import { AsyncInvocations, eventInvokeConfigOf, type InvocationRecord } from '../../../../local/lambda/asyncInvocations';
import { LambdaFunctionError, type LambdaInvoker } from '../../../../local/lambda/invoker';

const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:000000000000:function:ordering-order-dev-reportIncompleteOrders';
const DLQ_ARN = 'arn:aws:sqs:eu-west-1:000000000000:ordering-order-dev-reportIncompleteOrders-dlq';
const EVENT = { 'detail-type': 'Scheduled Event' };

/** An invoker that answers each invocation with the next outcome: `ok`, or the name of the error it throws. */
const setup = (outcomes: string[], { now = () => 0 }: { now?: () => number } = {}) => {
  const invocations: unknown[] = [];
  const sent: { queueArn: string; record: InvocationRecord }[] = [];
  const logged: string[] = [];
  const invoker: LambdaInvoker = {
    invoke: (_arn, payload) => {
      invocations.push(payload);
      const outcome = outcomes.shift() ?? 'ok';
      return outcome === 'ok' ? Promise.resolve({}) : Promise.reject(new LambdaFunctionError(outcome, `${outcome} (test)`, ['at handler']));
    },
  };
  const async = new AsyncInvocations({
    invoker,
    sendToQueue: (queueArn, body) => sent.push({ queueArn, record: JSON.parse(body) as InvocationRecord }),
    log: (_source, line) => logged.push(line),
    retryDelayMs: () => 0,
    now,
  });
  return { async, invocations, sent, logged };
};

describe('AsyncInvocations', () => {
  it('invokes once and sends no record when the function succeeds', async () => {
    const { async, invocations, sent } = setup(['ok']);
    async.configure(FUNCTION_ARN, { maximumRetryAttempts: 2, onFailureQueueArn: DLQ_ARN });

    await async.invoke(FUNCTION_ARN, EVENT);

    expect(invocations).toEqual([EVENT]);
    expect(sent).toEqual([]);
  });

  it('succeeds on a retry when the function threw fewer times than it may be retried', async () => {
    const { async, invocations, sent } = setup(['TransientError', 'TransientError', 'ok']);
    async.configure(FUNCTION_ARN, { maximumRetryAttempts: 2, onFailureQueueArn: DLQ_ARN });

    await async.invoke(FUNCTION_ARN, EVENT);

    expect(invocations).toHaveLength(3);
    expect(sent).toEqual([]);
  });

  it('sends the invocation record to the on-failure queue and rejects when every attempt threw', async () => {
    const { async, invocations, sent } = setup(['TransientError', 'TransientError', 'Sandbox.Timedout']);
    async.configure(FUNCTION_ARN, { maximumRetryAttempts: 2, onFailureQueueArn: DLQ_ARN });

    await expect(async.invoke(FUNCTION_ARN, EVENT)).rejects.toThrow('Sandbox.Timedout (test)');

    expect(invocations).toHaveLength(3);
    expect(sent).toEqual([
      {
        queueArn: DLQ_ARN,
        record: {
          version: '1.0',
          timestamp: '1970-01-01T00:00:00.000Z',
          requestContext: { requestId: expect.any(String) as unknown, functionArn: `${FUNCTION_ARN}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: 3 },
          requestPayload: EVENT,
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          responsePayload: { errorType: 'Sandbox.Timedout', errorMessage: 'Sandbox.Timedout (test)', stackTrace: ['at handler'] },
        },
      },
    ]);
  });

  it('does not retry when MaximumRetryAttempts is 0', async () => {
    const { async, invocations, sent } = setup(['TransientError', 'ok']);
    async.configure(FUNCTION_ARN, { maximumRetryAttempts: 0, onFailureQueueArn: DLQ_ARN });

    await expect(async.invoke(FUNCTION_ARN, EVENT)).rejects.toThrow('TransientError');

    expect(invocations).toHaveLength(1);
    expect(sent.map(({ record }) => record.requestContext.condition)).toEqual(['RetriesExhausted']);
  });

  it('retries a throttle or a service error without using up a retry attempt', async () => {
    const { async, invocations } = setup(['Lambda.TooManyRequestsException', 'Lambda.ServiceException', 'TransientError', 'ok']);
    async.configure(FUNCTION_ARN, { maximumRetryAttempts: 1, onFailureQueueArn: DLQ_ARN });

    await async.invoke(FUNCTION_ARN, EVENT);

    expect(invocations).toHaveLength(4);
  });

  it('sends the record with EventAgeExceeded, and no response, when the function never ran before the event got too old', async () => {
    let clock = 0;
    const { async, sent } = setup(['Lambda.TooManyRequestsException', 'Lambda.TooManyRequestsException'], { now: () => (clock += 40_000) });
    async.configure(FUNCTION_ARN, { maximumEventAgeSeconds: 60, onFailureQueueArn: DLQ_ARN });

    await expect(async.invoke(FUNCTION_ARN, EVENT)).rejects.toThrow('Lambda.TooManyRequestsException');

    expect(sent).toHaveLength(1);
    expect(sent[0]?.record.requestContext).toMatchObject({ condition: 'EventAgeExceeded', approximateInvokeCount: 2 });
    expect(sent[0]?.record).not.toHaveProperty('responsePayload');
  });

  it("retries twice by Lambda's default and logs the failure when the function has no on-failure destination", async () => {
    const { async, invocations, sent, logged } = setup(['TransientError', 'TransientError', 'TransientError']);

    await expect(async.invoke(FUNCTION_ARN, EVENT)).rejects.toThrow('TransientError');

    expect(invocations).toHaveLength(3);
    expect(sent).toEqual([]);
    expect(logged).toEqual([`async invocation of ${FUNCTION_ARN} failed for good (RetriesExhausted), no on-failure destination: TransientError: TransientError (test)`]);
  });

  it('ends a pending retry, without a record, when stopped', async () => {
    const sent: string[] = [];
    const async = new AsyncInvocations({
      invoker: { invoke: () => Promise.reject(new LambdaFunctionError('TransientError', 'boom')) },
      sendToQueue: (_queueArn, body) => sent.push(body),
      log: () => undefined,
      retryDelayMs: () => 60_000,
    });
    async.configure(FUNCTION_ARN, { onFailureQueueArn: DLQ_ARN });
    const invocation = async.invoke(FUNCTION_ARN, EVENT);

    async.stop();

    await expect(invocation).rejects.toThrow('boom');
    expect(sent).toEqual([]);
  });

  it.each([
    [{ maximumRetryAttempts: 3 }, 'MaximumRetryAttempts 3 must be an integer from 0 to 2'],
    [{ maximumEventAgeSeconds: 59 }, 'MaximumEventAgeInSeconds 59 must be an integer from 60 to 21600'],
    [{ maximumEventAgeSeconds: 21_601 }, 'MaximumEventAgeInSeconds 21601 must be an integer from 60 to 21600'],
  ])('refuses the config, as Lambda does, when it is %j', (config, message) => {
    const { async } = setup([]);

    expect(() => async.configure(FUNCTION_ARN, config)).toThrow(message);
  });
});

describe('eventInvokeConfigOf', () => {
  const hasQueue = (arn: string) => arn === DLQ_ARN;

  it('reads the function, its retries, event age and on-failure queue', () => {
    const properties = { FunctionName: 'ordering-order-dev-reportIncompleteOrders', Qualifier: '$LATEST', MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 900, DestinationConfig: { OnFailure: { Destination: DLQ_ARN } } };

    expect(eventInvokeConfigOf(properties, { hasQueue })).toEqual({
      functionName: 'ordering-order-dev-reportIncompleteOrders',
      config: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 900, onFailureQueueArn: DLQ_ARN },
    });
  });

  it.each([
    ['a version qualifier', { Qualifier: '1' }, 'Qualifier 1 is not supported locally'],
    ['an on-success destination', { DestinationConfig: { OnSuccess: { Destination: DLQ_ARN } } }, 'only an OnFailure destination is supported locally'],
    ['a topic as on-failure destination', { DestinationConfig: { OnFailure: { Destination: 'arn:aws:sns:eu-west-1:000000000000:alarms' } } }, 'it must be an SQS queue of the templates'],
    ['a queue no template declares', { DestinationConfig: { OnFailure: { Destination: `${DLQ_ARN}-gone` } } }, 'it must be an SQS queue of the templates'],
    ['an unknown property', { Tags: [] }, 'event invoke config properties Tags are not supported locally'],
  ])('refuses the config when it has %s', (_case, overrides, message) => {
    expect(() => eventInvokeConfigOf({ FunctionName: 'fn', Qualifier: '$LATEST', ...overrides }, { hasQueue })).toThrow(message);
  });
});
