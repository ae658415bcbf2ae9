import type { DeadLetterPort } from '#shared/middlewares';
import type { WorkflowStart, WorkflowStarter } from '#shared/workflows';
import { disabledTracer, silentLogger } from '../fakes';

/** Step Functions in memory: a second start with the same name is absorbed, as StartExecution does. */
export class FakeWorkflowStarter implements WorkflowStarter {
  readonly started: WorkflowStart[] = [];

  start(request: WorkflowStart) {
    if (this.started.some((start) => start.name === request.name)) return Promise.resolve('already-started' as const);
    this.started.push(request);
    return Promise.resolve('started' as const);
  }
}

export class FakeDeadLetters implements DeadLetterPort {
  readonly sent: Error[] = [];

  send(_record: unknown, error: Error) {
    this.sent.push(error);
    return Promise.resolve();
  }
}

export const consumerDependencies = () => ({
  workflows: new FakeWorkflowStarter(),
  deadLetters: new FakeDeadLetters(),
  logger: silentLogger(),
  tracer: disabledTracer(),
  maxReceiveCount: 5,
});
