import { AwsServiceError, type JsonService } from '../edge/awsJsonProtocol';
import { UnsupportedStateMachineFeatureError } from './runExecution';
import type { StateMachineType, StepFunctionsService } from './stepFunctionsService';

/**
 * The Step Functions JSON API (`X-Amz-Target: AWSStepFunctions.<Operation>`) over a
 * {@link StepFunctionsService}, so `@aws-sdk/client-sfn` works unchanged against the local cloud. Dates go
 * out as epoch seconds (fractional), which the SDK turns into `Date`s. Operations not listed here answer
 * `UnknownOperationException` from the edge.
 *
 * @example
 * ```ts
 * const services = [stepFunctionsApi(new StepFunctionsService({ invoker, accountId, region }))];
 * await handleAwsJsonRequest(services, request.headers['x-amz-target'], body, response);
 * ```
 */
export const stepFunctionsApi = (service: StepFunctionsService): JsonService => ({
  targetPrefix: 'AWSStepFunctions',
  operations: {
    CreateStateMachine: (input) => {
      if (input.publish === true) unsupported('publish (state machine versions)');
      // loggingConfiguration, tracingConfiguration, tags and encryptionConfiguration change nothing an
      // execution does; they are accepted and not kept.
      let stateMachineArn: string;
      try {
        stateMachineArn = service.createStateMachine({
          name: requiredString(input, 'name'),
          definition: requiredString(input, 'definition'),
          roleArn: requiredString(input, 'roleArn'),
          type: (optionalString(input, 'type') ?? 'STANDARD') as StateMachineType,
        });
      } catch (error) {
        if (error instanceof UnsupportedStateMachineFeatureError) throw new AwsServiceError('InvalidDefinition', error.message);
        throw error;
      }
      return toWire({ stateMachineArn, creationDate: service.describeStateMachine(stateMachineArn).creationDate });
    },
    DescribeStateMachine: (input) => toWire(service.describeStateMachine(requiredString(input, 'stateMachineArn'))),
    ListStateMachines: (input) =>
      toWire(service.listStateMachines({ maxResults: optionalNumber(input, 'maxResults'), nextToken: optionalString(input, 'nextToken') })),
    StartExecution: (input) => {
      if (optionalString(input, 'traceHeader') !== undefined) unsupported('traceHeader (X-Ray tracing)');
      return toWire(
        service.startExecution({
          stateMachineArn: requiredString(input, 'stateMachineArn'),
          name: optionalString(input, 'name'),
          input: optionalString(input, 'input'),
        }),
      );
    },
    DescribeExecution: (input) => toWire(service.describeExecution(requiredString(input, 'executionArn'))),
    StopExecution: (input) =>
      toWire(
        service.stopExecution({
          executionArn: requiredString(input, 'executionArn'),
          error: optionalString(input, 'error'),
          cause: optionalString(input, 'cause'),
        }),
      ),
    ListExecutions: (input) => {
      if (input.mapRunArn !== undefined) unsupported('mapRunArn (distributed Map runs)');
      return toWire(
        service.listExecutions({
          stateMachineArn: requiredString(input, 'stateMachineArn'),
          statusFilter: optionalString(input, 'statusFilter'),
          redriveFilter: optionalString(input, 'redriveFilter'),
          maxResults: optionalNumber(input, 'maxResults'),
          nextToken: optionalString(input, 'nextToken'),
        }),
      );
    },
    RedriveExecution: (input) =>
      toWire(service.redriveExecution({ executionArn: requiredString(input, 'executionArn'), clientToken: optionalString(input, 'clientToken') })),
    GetExecutionHistory: (input) =>
      toWire(
        service.getExecutionHistory({
          executionArn: requiredString(input, 'executionArn'),
          maxResults: optionalNumber(input, 'maxResults'),
          nextToken: optionalString(input, 'nextToken'),
          reverseOrder: optionalBoolean(input, 'reverseOrder'),
          includeExecutionData: optionalBoolean(input, 'includeExecutionData'),
        }),
      ),
    SendTaskSuccess: (input) => {
      service.sendTaskSuccess({ taskToken: requiredString(input, 'taskToken'), output: requiredString(input, 'output') });
      return {};
    },
    SendTaskFailure: (input) => {
      service.sendTaskFailure({
        taskToken: requiredString(input, 'taskToken'),
        error: optionalString(input, 'error'),
        cause: optionalString(input, 'cause'),
      });
      return {};
    },
    SendTaskHeartbeat: (input) => {
      service.sendTaskHeartbeat({ taskToken: requiredString(input, 'taskToken') });
      return {};
    },
  },
});

/** AWS JSON carries timestamps as epoch seconds; the SDK reads fractions as milliseconds. */
const toWire = (value: unknown): unknown => {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, child]) => child !== undefined)
        .map(([key, child]) => [key, toWire(child)]),
    );
  }
  return value;
};

const unsupported = (feature: string): never => {
  throw new AwsServiceError('ValidationException', `${feature} is not supported by the local cloud`);
};

const invalid = (key: string, value: unknown, constraint: string): AwsServiceError =>
  new AwsServiceError(
    'ValidationException',
    `1 validation error detected: Value ${value === undefined || value === null ? 'null' : `'${JSON.stringify(value)}'`} at '${key}' failed to satisfy constraint: ${constraint}`,
  );

const requiredString = (input: Record<string, unknown>, key: string): string => {
  const value = input[key];
  if (typeof value !== 'string') throw invalid(key, value, 'Member must not be null');
  return value;
};

const optionalString = (input: Record<string, unknown>, key: string): string | undefined => {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(key, value, 'Member must be a string');
  return value;
};

const optionalNumber = (input: Record<string, unknown>, key: string): number | undefined => {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw invalid(key, value, 'Member must be a number');
  return value;
};

const optionalBoolean = (input: Record<string, unknown>, key: string): boolean | undefined => {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalid(key, value, 'Member must be a boolean');
  return value;
};
