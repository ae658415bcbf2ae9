import type { SQSRecord } from 'aws-lambda';
import { TransientError } from '#shared/errors';
import type { DeadLetterPort } from '#shared/middlewares';
import type { StartResult, WorkflowStart, WorkflowStarter } from '#shared/workflows';

export class FakeDeadLetters implements DeadLetterPort {
  readonly sent: { messageId: string; error: Error }[] = [];

  send(record: SQSRecord, error: Error): Promise<void> {
    this.sent.push({ messageId: record.messageId, error });
    return Promise.resolve();
  }
}

/** Step Functions' naming rule in memory: a second start with a name already used is absorbed. */
export class FakeWorkflows implements WorkflowStarter {
  readonly started: WorkflowStart[] = [];
  failures = 0;

  start(request: WorkflowStart): Promise<StartResult> {
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(new TransientError('throttled'));
    }
    if (this.started.some((start) => start.name === request.name)) return Promise.resolve('already-started');
    this.started.push(request);
    return Promise.resolve('started');
  }
}
