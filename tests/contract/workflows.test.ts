import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TransientError } from '#shared/errors';
import { loadWorkflow } from '../support/workflows';
import { readPackagedTemplate, ROOT, type StackName } from '../../scripts/stacks';

// asl-validator ships no types: it takes a definition and lists what breaks the Amazon States Language spec.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require('asl-validator') as (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };

interface State {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Retry?: { ErrorEquals: string[] }[];
  Catch?: { ErrorEquals: string[] }[];
  Iterator?: { States: Record<string, State> };
  ItemProcessor?: { States: Record<string, State> };
  Branches?: { States: Record<string, State> }[];
  [key: string]: unknown;
}

/** Every error class exported by #shared/errors that is transient: Step Functions matches names exactly. */
const transientErrorNames = (): string[] => {
  const source = readFileSync(path.join(ROOT, 'shared/errors/index.ts'), 'utf8');
  const classes = [...source.matchAll(/export class (\w+) extends (\w+)/g)].map(([, name = '', parent = '']) => ({ name, parent }));
  const transient = new Set([TransientError.name]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const { name, parent } of classes) {
      if (transient.has(parent) && !transient.has(name)) {
        transient.add(name);
        grew = true;
      }
    }
  }
  return [...transient].sort();
};

/**
 * Lambda's errors that leave the request worth repeating: service faults, throttles, and timeouts, after
 * which the function may or may not have run (every task is idempotent, so running it again is safe).
 */
const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
  'Sandbox.Timedout',
];

const allStates = (states: Record<string, State>): [string, State][] =>
  Object.entries(states).flatMap(([name, state]) => [
    [name, state] as [string, State],
    ...[state.Iterator, state.ItemProcessor, ...(state.Branches ?? [])].flatMap((body) => (body ? allStates(body.States) : [])),
  ]);

const workflows = (['order', 'payment', 'inventory', 'shipping'] as const).flatMap((stack: Exclude<StackName, 'platform'>) =>
  Object.values(readPackagedTemplate(stack).Resources)
    .filter((resource) => resource.Type === 'AWS::StepFunctions::StateMachine')
    .map((resource) => {
      const name = String(resource.Properties?.StateMachineName).replace(`ordering-${stack}-dev-`, '');
      return [`${stack}/${name}`, stack, name] as const;
    }),
);

describe.each(workflows)('packaged workflow %s', (_label, stack, name) => {
  const { definition } = loadWorkflow(stack, name);
  const states = allStates(definition.States as Record<string, State>);

  it('is valid Amazon States Language', () => {
    const result = aslValidator(definition);

    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('uses JSONPath only and calls nothing but Lambda', () => {
    const text = JSON.stringify(definition);
    const resources = states.filter(([, state]) => state.Type === 'Task').map(([, state]) => state.Resource);

    expect(text).not.toMatch(/"QueryLanguage":"JSONata"|"Assign":|"Arguments":/);
    expect(resources.filter((resource) => !/^arn:aws:states:::lambda:invoke(\.waitForTaskToken)?$/.test(resource ?? ''))).toEqual([]);
  });

  it('bounds every task-token wait and catches its timeout', () => {
    const waits = states.filter(([, state]) => state.Resource?.endsWith('.waitForTaskToken'));

    for (const [stateName, state] of waits) {
      expect({ stateName, bounded: state.TimeoutSeconds !== undefined || state.TimeoutSecondsPath !== undefined }).toEqual({ stateName, bounded: true });
      expect({ stateName, catches: (state.Catch ?? []).some((c) => c.ErrorEquals.includes('States.Timeout')) }).toEqual({ stateName, catches: true });
    }
  });

  it('retries every transient error class, and Lambda\'s transient errors, where it retries TransientError', () => {
    const expected = [...transientErrorNames(), ...LAMBDA_TRANSIENT_ERRORS];
    const incomplete = states
      .flatMap(([stateName, state]) => (state.Retry ?? []).map((retry) => ({ stateName, errors: retry.ErrorEquals })))
      .filter(({ errors }) => errors.includes(TransientError.name))
      .filter(({ errors }) => expected.some((error) => !errors.includes(error)))
      .map(({ stateName }) => stateName);

    expect(incomplete).toEqual([]);
  });
});
