import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';

/** Step Functions' answers for a token that can no longer be resumed; matched by name (see workflows/index.ts). */
const CLOSED_TOKEN_ERRORS = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

export type ResumeResult = 'resumed' | 'already-closed';

export interface TaskResumer {
  succeed(taskToken: string, output: unknown): Promise<ResumeResult>;
  fail(taskToken: string, error: string, cause: string): Promise<ResumeResult>;
}

/**
 * Resumes a `.waitForTaskToken` task. A token is good for one answer: a second SendTaskSuccess (a duplicate
 * callback, or two consumers racing to resume the same wait) is refused by Step Functions, and that refusal
 * means "already resumed", not a failure.
 *
 * @example
 * ```ts
 * await createTaskResumer(new SFNClient({})).succeed(token, { payment: 'SUCCEEDED' });
 * ```
 */
export const createTaskResumer = (client: SFNClient): TaskResumer => {
  const absorbClosed = async (send: () => Promise<unknown>): Promise<ResumeResult> => {
    try {
      await send();
      return 'resumed';
    } catch (error) {
      if (error instanceof Error && CLOSED_TOKEN_ERRORS.has(error.name)) {
        return 'already-closed';
      }
      throw error;
    }
  };
  return {
    succeed: (taskToken, output) =>
      absorbClosed(() => client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }))),
    fail: (taskToken, error, cause) =>
      absorbClosed(() => client.send(new SendTaskFailureCommand({ taskToken, error, cause }))),
  };
};
