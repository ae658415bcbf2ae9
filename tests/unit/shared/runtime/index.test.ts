import type { Request } from '@middy/core';
import { PermanentError } from '#shared/errors';
import type * as Runtime from '#shared/runtime';
import { requireEnv } from '#shared/runtime';
import { lambdaContext } from '../../../support/lambdaContext';

const savedEnv = { ...process.env };

afterEach(() => {
  process.env = { ...savedEnv };
});

/** A fresh copy of the module, so the invocation captured by one test never leaks into another. */
const loadRuntime = async (): Promise<typeof Runtime> => {
  let runtime: typeof Runtime | undefined;
  await jest.isolateModulesAsync(async () => {
    runtime = await import('#shared/runtime');
  });
  if (!runtime) throw new Error('runtime module did not load');
  return runtime;
};

const request = (invokedFunctionArn: string): Request => ({
  event: {},
  context: { ...lambdaContext('ordering-payment-dev-onOrderPlaced'), invokedFunctionArn },
  response: null,
  error: null,
  internal: {},
});

const capture = (runtime: typeof Runtime, invokedFunctionArn: string): unknown => {
  const { before } = runtime.captureInvocation();
  if (!before) throw new Error('captureInvocation has no before hook');
  return before(request(invokedFunctionArn)) as unknown;
};

describe('requireEnv', () => {
  it('returns the value when the variable is set', () => {
    process.env.DEAD_LETTER_QUEUE_NAME = 'ordering-payment-dev-dlq';

    expect(requireEnv('DEAD_LETTER_QUEUE_NAME')).toBe('ordering-payment-dev-dlq');
  });

  it('throws a PermanentError naming the variable when it is not set', () => {
    delete process.env.MAX_RECEIVE_COUNT;

    expect(() => requireEnv('MAX_RECEIVE_COUNT')).toThrow(PermanentError);
    expect(() => requireEnv('MAX_RECEIVE_COUNT')).toThrow('environment variable MAX_RECEIVE_COUNT is not set');
  });

  it('throws a PermanentError when the variable is set to an empty string', () => {
    process.env.STATE_MACHINE_NAME = '';

    expect(() => requireEnv('STATE_MACHINE_NAME')).toThrow(PermanentError);
  });
});

describe('sameAccountArn', () => {
  it('uses the partition, region and account of the captured invocation ARN when an invocation was captured', async () => {
    process.env.AWS_REGION = 'eu-west-1';
    const runtime = await loadRuntime();

    capture(runtime, 'arn:aws-cn:lambda:cn-north-1:123456789012:function:ordering-payment-dev-onOrderPlaced');

    expect(runtime.sameAccountArn('states', 'stateMachine:ordering-payment-dev-charge')).toBe(
      'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:ordering-payment-dev-charge',
    );
  });

  it('ignores the alias qualifier when the invocation ARN carries one', async () => {
    const runtime = await loadRuntime();

    capture(runtime, 'arn:aws:lambda:eu-west-1:123456789012:function:ordering-payment-dev-onOrderPlaced:live');

    expect(runtime.sameAccountArn('sqs', 'ordering-payment-dev-dlq')).toBe(
      'arn:aws:sqs:eu-west-1:123456789012:ordering-payment-dev-dlq',
    );
  });

  it('uses the latest captured invocation when several were captured', async () => {
    const runtime = await loadRuntime();

    capture(runtime, 'arn:aws:lambda:eu-west-1:111111111111:function:f');
    capture(runtime, 'arn:aws:lambda:us-west-2:222222222222:function:f');

    expect(runtime.sameAccountArn('states', 'stateMachine:m')).toBe('arn:aws:states:us-west-2:222222222222:stateMachine:m');
  });

  it('falls back to the local account and AWS_REGION when no invocation was captured', async () => {
    process.env.AWS_REGION = 'eu-central-1';
    const runtime = await loadRuntime();

    expect(runtime.sameAccountArn('states', 'stateMachine:m')).toBe('arn:aws:states:eu-central-1:000000000000:stateMachine:m');
    expect(runtime.LOCAL_ACCOUNT_ID).toBe('000000000000');
  });

  it('falls back to us-east-1 when no invocation was captured and AWS_REGION is not set', async () => {
    delete process.env.AWS_REGION;
    const runtime = await loadRuntime();

    expect(runtime.sameAccountArn('states', 'stateMachine:m')).toBe('arn:aws:states:us-east-1:000000000000:stateMachine:m');
  });

  it('falls back to the local account and AWS_REGION when the captured context has no ARN, as under sls invoke local', async () => {
    process.env.AWS_REGION = 'eu-west-3';
    const runtime = await loadRuntime();

    capture(runtime, '');

    expect(runtime.sameAccountArn('states', 'stateMachine:m')).toBe('arn:aws:states:eu-west-3:000000000000:stateMachine:m');
  });

  it('reads AWS_REGION when called, not when the module loads, when no invocation was captured', async () => {
    process.env.AWS_REGION = 'eu-west-1';
    const runtime = await loadRuntime();
    process.env.AWS_REGION = 'ap-southeast-2';

    expect(runtime.sameAccountArn('states', 'stateMachine:m')).toBe('arn:aws:states:ap-southeast-2:000000000000:stateMachine:m');
  });
});

describe('captureInvocation', () => {
  it('returns nothing from its before hook, so middy goes on to the handler, when an invocation is captured', async () => {
    const runtime = await loadRuntime();

    const result = capture(runtime, 'arn:aws:lambda:eu-west-1:123456789012:function:f');

    expect(result).toBeUndefined();
  });
});
