import { localExports, localResourceResolver, resolveLocally, type Template } from '../../local/cloudformation/localResources';

/** Who retries a function's invocation when Lambda fails it before it ran. */
export type Retrier = 'workflow-retry' | 'sqs-redelivery' | 'http-client';

export interface RetriedFunctions {
  /** Functions every caller of which retries, with who does. */
  safe: Map<string, Retrier[]>;
  /** Functions some caller would not retry (a Task without a Retry on Lambda's errors, a direct invoke), and why. */
  unsafe: Map<string, string>;
}

/** The errors the local Lambda runtime injects; a Task retries them if its Retry names them (or a catch-all). */
const INJECTED_ERRORS = ['Lambda.ServiceException', 'Lambda.TooManyRequestsException'];
const CATCH_ALL = ['States.ALL', 'States.TaskFailed'];

interface AslState {
  Type?: string;
  Resource?: string;
  Parameters?: { FunctionName?: unknown };
  Retry?: { ErrorEquals?: string[]; MaxAttempts?: number }[];
  Iterator?: { States?: Record<string, AslState> };
  ItemProcessor?: { States?: Record<string, AslState> };
  Branches?: { States?: Record<string, AslState> }[];
}

const functionNameOf = (reference: unknown): string | undefined => {
  if (typeof reference !== 'string') return undefined;
  // An ARN (…:function:<name>[:qualifier]) or a plain name.
  const match = /:function:([^:]+)/.exec(reference);
  return match ? match[1] : reference;
};

const retriesInjectedErrors = (state: AslState): boolean =>
  INJECTED_ERRORS.every((error) =>
    (state.Retry ?? []).some((retrier) => (retrier.MaxAttempts ?? 3) > 0 && (retrier.ErrorEquals ?? []).some((name) => name === error || CATCH_ALL.includes(name))),
  );

/** Every Task state that invokes a Lambda function, nested Map and Parallel states included. */
const lambdaTasks = (states: Record<string, AslState>): { functionName: string | undefined; state: AslState; stateName: string }[] =>
  Object.entries(states).flatMap(([stateName, state]) => {
    const nested = [state.Iterator?.States, state.ItemProcessor?.States, ...(state.Branches ?? []).map((branch) => branch.States)]
      .filter((inner): inner is Record<string, AslState> => inner !== undefined)
      .flatMap(lambdaTasks);
    if (state.Type !== 'Task' || !state.Resource) return nested;
    if (state.Resource.startsWith('arn:aws:states:::lambda:invoke')) return [{ functionName: functionNameOf(state.Parameters?.FunctionName), state, stateName }, ...nested];
    if (state.Resource.includes(':lambda:') && state.Resource.includes(':function:')) return [{ functionName: functionNameOf(state.Resource), state, stateName }, ...nested];
    return nested;
  });

/**
 * Reads the packaged templates for who invokes each function and whether that caller retries an invocation
 * that Lambda failed before the function ran — the only faults the local runtime injects. A function is safe
 * when every caller retries: a workflow Task whose Retry covers `Lambda.ServiceException` and
 * `Lambda.TooManyRequestsException`, an SQS event source mapping (the batch comes back after its visibility
 * timeout), or an HTTP route when `httpClientsRetry` says its clients resend on a 5xx. Anything else
 * (a function invoked directly, like `seedStock`) is never faulted.
 *
 * @example
 * ```ts
 * const { safe } = retriedFunctions(stacks.map(({ name }) => ({ stackName: name, template: readPackagedTemplate(name) })), { httpClientsRetry: true });
 * createSeededFaultPlan({ seed, retriedSafely: (fn) => safe.has(fn) });
 * ```
 */
export const retriedFunctions = (
  stacks: readonly { stackName: string; template: Template }[],
  { httpClientsRetry }: { httpClientsRetry: boolean },
): RetriedFunctions => {
  const callers = new Map<string, Set<Retrier>>();
  const unsafe = new Map<string, string>();
  const functions = new Set<string>();
  const calledBy = (functionName: string | undefined, retrier: Retrier) => {
    if (functionName) (callers.get(functionName) ?? callers.set(functionName, new Set()).get(functionName))?.add(retrier);
  };
  let exports: Record<string, string> = {};

  for (const { stackName, template } of stacks) {
    const resolver = localResourceResolver(template, stackName, { region: 'eu-west-1', accountId: '000000000000', endpoint: 'http://localhost', exports });
    /** A property that must resolve to a string (a name, an ARN, a definition); anything else names nothing. */
    const resolved = (value: unknown): string => {
      const result = resolveLocally(value, resolver);
      return typeof result === 'string' ? result : '';
    };
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      const properties = resource.Properties ?? {};
      switch (resource.Type) {
        case 'AWS::Lambda::Function':
          functions.add(resolved(properties.FunctionName));
          break;
        case 'AWS::Lambda::EventSourceMapping':
          if (resolved(properties.EventSourceArn).startsWith('arn:aws:sqs:')) calledBy(functionNameOf(resolved(properties.FunctionName)), 'sqs-redelivery');
          break;
        case 'AWS::ApiGatewayV2::Integration': {
          const functionName = functionNameOf(resolved(properties.IntegrationUri));
          if (httpClientsRetry) calledBy(functionName, 'http-client');
          else if (functionName) unsafe.set(functionName, `HTTP route integration ${logicalId}: its clients are not known to retry`);
          break;
        }
        case 'AWS::StepFunctions::StateMachine': {
          const definition = JSON.parse(resolved(properties.DefinitionString) || '{}') as { States?: Record<string, AslState> };
          for (const { functionName, state, stateName } of lambdaTasks(definition.States ?? {})) {
            if (!functionName) continue;
            if (retriesInjectedErrors(state)) calledBy(functionName, 'workflow-retry');
            else unsafe.set(functionName, `${stackName}/${logicalId} state ${stateName} does not retry ${INJECTED_ERRORS.join(' and ')}`);
          }
          break;
        }
      }
    }
    exports = { ...exports, ...localExports(template, resolver) };
  }

  for (const functionName of functions) {
    if (!callers.has(functionName) && !unsafe.has(functionName)) unsafe.set(functionName, 'invoked directly (no event source, route or workflow task retries it)');
  }
  const safe = new Map([...callers].filter(([functionName]) => !unsafe.has(functionName)).map(([functionName, retriers]) => [functionName, [...retriers]]));
  return { safe, unsafe };
};
