import 'aws-sdk-client-mock-jest';
import {
  InvalidOutput,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { createTaskResumer } from '#shared/workflows';

const sfn = mockClient(SFNClient);

const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAaCIx2nEKs1ZqGXG0Md9Lxs6';

const setup = () => createTaskResumer(new SFNClient({ region: 'eu-west-1' }));

const named = (name: string) => Object.assign(new Error('x'), { name });
const metadata = { $metadata: { httpStatusCode: 400 } };

const closedTokenErrors: [string, Error][] = [
  ['a plain error named TaskTimedOut', named('TaskTimedOut')],
  ['a plain error named InvalidToken', named('InvalidToken')],
  ['a plain error named TaskDoesNotExist', named('TaskDoesNotExist')],
  ['the SDK TaskTimedOut exception', new TaskTimedOut({ message: 'Task Timed Out', ...metadata })],
  ['the SDK InvalidToken exception', new InvalidToken({ message: 'Invalid token', ...metadata })],
  ['the SDK TaskDoesNotExist exception', new TaskDoesNotExist({ message: 'Task does not exist', ...metadata })],
];

beforeEach(() => {
  sfn.reset();
});

describe('createTaskResumer', () => {
  describe('succeed', () => {
    it('sends SendTaskSuccess with the token and the JSON output and returns resumed when Step Functions accepts it', async () => {
      sfn.on(SendTaskSuccessCommand).resolves({});
      const output = { payment: 'CHARGED', chargeId: 'ch_1', amount: 5800 };

      const result = await setup().succeed(TOKEN, output);

      expect(result).toBe('resumed');
      expect(sfn).toHaveReceivedCommandTimes(SendTaskSuccessCommand, 1);
      expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: TOKEN, output: JSON.stringify(output) });
      expect(JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output ?? '')).toEqual(output);
    });

    it.each(closedTokenErrors)('returns already-closed when Step Functions answers %s', async (_label, error) => {
      sfn.on(SendTaskSuccessCommand).rejects(error);

      await expect(setup().succeed(TOKEN, { payment: 'CHARGED' })).resolves.toBe('already-closed');
    });

    it.each([
      ['another SDK exception', new InvalidOutput({ message: 'Invalid output', ...metadata })],
      ['a network error', new Error('socket hang up')],
      ['a throttling error', named('ThrottlingException')],
    ])('propagates the error when Step Functions answers %s', async (_label, error) => {
      sfn.on(SendTaskSuccessCommand).rejects(error);

      await expect(setup().succeed(TOKEN, {})).rejects.toBe(error);
    });
  });

  describe('fail', () => {
    it('sends SendTaskFailure with the token, error and cause and returns resumed when Step Functions accepts it', async () => {
      sfn.on(SendTaskFailureCommand).resolves({});

      const result = await setup().fail(TOKEN, 'PaymentDeclined', 'card declined');

      expect(result).toBe('resumed');
      expect(sfn).toHaveReceivedCommandTimes(SendTaskFailureCommand, 1);
      expect(sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input).toEqual({
        taskToken: TOKEN,
        error: 'PaymentDeclined',
        cause: 'card declined',
      });
      expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    });

    it.each(closedTokenErrors)('returns already-closed when Step Functions answers %s', async (_label, error) => {
      sfn.on(SendTaskFailureCommand).rejects(error);

      await expect(setup().fail(TOKEN, 'PaymentDeclined', 'card declined')).resolves.toBe('already-closed');
    });

    it('propagates the error when Step Functions answers an error other than a closed token', async () => {
      const error = named('ServiceUnavailable');
      sfn.on(SendTaskFailureCommand).rejects(error);

      await expect(setup().fail(TOKEN, 'PaymentDeclined', 'card declined')).rejects.toBe(error);
    });
  });
});
