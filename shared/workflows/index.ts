import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { requireEnv, sameAccountArn } from '#shared/runtime';

export interface WorkflowStart {
  /**
   * Deterministic, derived from the fact that starts the workflow (e.g. `charge-<orderId>`): Step Functions
   * refuses a second execution with the same name, which is how a duplicate event is absorbed.
   */
  name: string;
  input: unknown;
}

export type StartResult = 'started' | 'already-started';

export interface WorkflowStarter {
  start(request: WorkflowStart): Promise<StartResult>;
}

/**
 * Starts Standard workflow executions idempotently. A duplicate with the same name and input while the
 * first still runs is answered as the original; once it has closed, or with different input, Step Functions
 * answers `ExecutionAlreadyExists`. Both mean the fact was already acted on.
 *
 * @example
 * ```ts
 * const workflows = createWorkflowStarter({ client: new SFNClient({}), stateMachineArn });
 * await workflows.start({ name: `charge-${orderId}`, input: { orderId, total } });
 * ```
 */
export const createWorkflowStarter = ({
  client,
  stateMachineArn,
}: {
  client: SFNClient;
  /** A function, because the ARN is composed at invocation time (`sameAccountArn`). */
  stateMachineArn: () => string;
}): WorkflowStarter => ({
  async start({ name, input }) {
    try {
      await client.send(
        new StartExecutionCommand({
          stateMachineArn: stateMachineArn(),
          name,
          input: JSON.stringify(input),
        }),
      );
      return 'started';
    } catch (error) {
      // By name, not instanceof: a second bundled copy of the SDK would defeat instanceof.
      if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return 'already-started';
      throw error;
    }
  },
});

/** Execution names allow 80 characters of `[A-Za-z0-9-_]`; ids are made to fit. @internal */
export const executionName = (...parts: string[]): string =>
  parts
    .join('-')
    .replace(/[^A-Za-z0-9_-]/g, '_')
    .slice(0, 80);

/**
 * The production starter for the state machine named in `STATE_MACHINE_NAME`.
 *
 * @example
 * ```ts
 * const workflows = workflowStarterFromEnv(tracer);
 * ```
 */
export const workflowStarterFromEnv = (tracer?: { captureAWSv3Client<T>(client: T): T }): WorkflowStarter => {
  const client = new SFNClient({});
  const name = requireEnv('STATE_MACHINE_NAME');
  return createWorkflowStarter({
    client: tracer ? tracer.captureAWSv3Client(client) : client,
    stateMachineArn: () => sameAccountArn('states', `stateMachine:${name}`),
  });
};

export * from './taskResumer';
