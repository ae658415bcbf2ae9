import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { EventBridgeServiceException } from '@aws-sdk/client-eventbridge';
import { z } from 'zod';
import { PublishError } from '#shared/errors';
import { taskHandler } from '#shared/tasks';
import { lambdaContext } from '../../../support/lambdaContext';

const input = z.object({ orderId: z.string().startsWith('ord_') }).strict();

const taskThrowing = (error: Error) =>
  taskHandler({
    input,
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    tracer: new Tracer({ serviceName: 'test', enabled: false }),
    handle: () => Promise.reject(error),
  });

const invoke = (handler: ReturnType<typeof taskThrowing>, event: unknown = { orderId: 'ord_1' }) =>
  handler(event, lambdaContext('ordering-test-dev-task')).catch((error: unknown) => error);

describe('taskHandler', () => {
  it('throws a TransientError, which the workflow Retry matches, when an AWS call is throttled', async () => {
    const throttled = new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: { httpStatusCode: 400 } });

    const thrown = await invoke(taskThrowing(throttled));

    expect(thrown).toMatchObject({ name: 'TransientError', cause: throttled });
  });

  it('throws a PermanentError, which no Retry matches, when an AWS call is denied', async () => {
    const denied = new EventBridgeServiceException({
      name: 'AccessDeniedException',
      message: 'not authorized to perform events:PutEvents',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });

    const thrown = await invoke(taskThrowing(denied));

    expect(thrown).toMatchObject({ name: 'PermanentError', cause: denied });
  });

  it('lets our own typed errors through under their own name', async () => {
    const refused = new PublishError('EventBridge refused 1 event(s)', [{ detailType: 'OrderPlaced', errorCode: 'InternalFailure' }]);

    await expect(invoke(taskThrowing(refused))).resolves.toBe(refused);
  });

  it('throws InvalidTaskInputError, naming the field, when the input breaks its schema', async () => {
    const thrown = await invoke(taskThrowing(new Error('never reached')), { orderId: 'nope' });

    expect(thrown).toMatchObject({ name: 'InvalidTaskInputError', message: expect.stringContaining('orderId') as unknown });
  });
});
