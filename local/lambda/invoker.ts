/**
 * How the rest of the local cloud runs a function: by name or ARN, with a JSON payload. Implemented by the
 * local Lambda runtime (`local/lambda/runtime.ts`); faked in unit tests.
 */
export interface LambdaInvoker {
  /**
   * Runs the function and resolves with its JSON result. A function error rejects with
   * {@link LambdaFunctionError}; a throttle or a timeout rejects with the error AWS would report.
   */
  invoke(functionNameOrArn: string, payload: unknown): Promise<unknown>;
}

/** The function itself threw: `name` is its `errorType` (e.g. `TransientError`), as Lambda reports it. */
export class LambdaFunctionError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly trace: string[] = [],
  ) {
    super(message);
  }
}
