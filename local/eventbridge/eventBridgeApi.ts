import { AwsServiceError, type JsonService } from '../edge/awsJsonProtocol';
import type { EventBridgeService, PutEventsEntry, RuleState, Tag, TargetInput } from './eventBridgeService';

/**
 * The EventBridge API (`X-Amz-Target: AWSEvents.<Operation>`, JSON 1.1) over an {@link EventBridgeService}, so
 * `@aws-sdk/client-eventbridge` works against the local cloud unchanged. Operations not listed here answer
 * `UnknownOperationException` from the edge, never a silent success.
 *
 * @example
 * ```ts
 * const services = [eventBridgeApi(events), sfnApi(stepFunctions)];
 * await handleAwsJsonRequest(services, request.headers['x-amz-target'], body, response);
 * ```
 */
export const eventBridgeApi = (service: EventBridgeService): JsonService => ({
  targetPrefix: 'AWSEvents',
  operations: {
    PutEvents: (input) => service.putEvents(list(input, 'Entries').map((entry) => entry as PutEventsEntry)),
    PutRule: (input) =>
      service.putRule({
        Name: required(input, 'Name'),
        ...optionals(input, ['EventBusName', 'EventPattern', 'ScheduleExpression', 'Description', 'RoleArn']),
        ...(input.State !== undefined && { State: string(input, 'State') as RuleState }),
        ...(input.Tags !== undefined && { Tags: list(input, 'Tags') as unknown as Tag[] }),
      }),
    DescribeRule: (input) => service.describeRule(ruleRef(input, 'Name')),
    ListRules: (input) => service.listRules({ ...optionals(input, ['NamePrefix', 'EventBusName', 'NextToken']), ...limit(input) }),
    EnableRule: (input) => {
      service.enableRule(ruleRef(input, 'Name'));
      return {};
    },
    DisableRule: (input) => {
      service.disableRule(ruleRef(input, 'Name'));
      return {};
    },
    DeleteRule: (input) => {
      service.deleteRule(ruleRef(input, 'Name'));
      return {};
    },
    PutTargets: (input) =>
      service.putTargets({
        Rule: required(input, 'Rule'),
        ...optionals(input, ['EventBusName']),
        Targets: list(input, 'Targets').map((target, index) => {
          required(target, 'Id', `targets.${index + 1}.member.id`);
          required(target, 'Arn', `targets.${index + 1}.member.arn`);
          return target as TargetInput;
        }),
      }),
    RemoveTargets: (input) =>
      service.removeTargets({
        Rule: required(input, 'Rule'),
        ...optionals(input, ['EventBusName']),
        Ids: strings(input, 'Ids'),
      }),
    ListTargetsByRule: (input) =>
      service.listTargetsByRule({ Rule: required(input, 'Rule'), ...optionals(input, ['EventBusName', 'NextToken']), ...limit(input) }),
    CreateEventBus: (input) => service.createEventBus({ ...input, Name: required(input, 'Name') }),
    DeleteEventBus: (input) => {
      service.deleteEventBus({ Name: required(input, 'Name') });
      return {};
    },
    DescribeEventBus: (input) => service.describeEventBus(optionals(input, ['Name'])),
    ListEventBuses: (input) => service.listEventBuses({ ...optionals(input, ['NamePrefix', 'NextToken']), ...limit(input) }),
    TestEventPattern: (input) =>
      service.testEventPattern({ EventPattern: required(input, 'EventPattern'), Event: required(input, 'Event') }),
  },
});

/** AWS's wording for a missing or mistyped member, with the member named the way its validator names it. */
const invalidMember = (member: string, value: unknown, constraint: string): AwsServiceError =>
  new AwsServiceError(
    'ValidationException',
    `1 validation error detected: Value ${value === undefined ? 'null' : JSON.stringify(value)} at '${member}' failed to satisfy constraint: ${constraint}`,
  );

const memberName = (field: string): string => field.charAt(0).toLowerCase() + field.slice(1);

function required(input: Record<string, unknown>, field: string, member = memberName(field)): string {
  const value = input[field];
  if (value === undefined || value === null) throw invalidMember(member, undefined, 'Member must not be null');
  if (typeof value !== 'string') throw invalidMember(member, value, 'Member must be a string');
  return value;
}

function string(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidMember(memberName(field), value, 'Member must be a string');
  return value;
}

/** The optional string members present in `input`, absent ones left out (not set to undefined). */
function optionals<K extends string>(input: Record<string, unknown>, fields: readonly K[]): Partial<Record<K, string>> {
  const present: Partial<Record<K, string>> = {};
  for (const field of fields) {
    const value = string(input, field);
    if (value !== undefined) present[field] = value;
  }
  return present;
}

function list(input: Record<string, unknown>, field: string): Record<string, unknown>[] {
  const value = input[field];
  if (value === undefined || value === null) throw invalidMember(memberName(field), undefined, 'Member must not be null');
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'object' || item === null || Array.isArray(item))) {
    throw invalidMember(memberName(field), value, 'Member must be a list of structures');
  }
  return value as Record<string, unknown>[];
}

function strings(input: Record<string, unknown>, field: string): string[] {
  const value = input[field];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw invalidMember(memberName(field), value, 'Member must be a list of strings');
  }
  return value as string[];
}

function limit(input: Record<string, unknown>): { Limit?: number } {
  const value = input.Limit;
  if (value === undefined || value === null) return {};
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 100) {
    throw invalidMember('limit', value, 'Member must have value between 1 and 100');
  }
  return { Limit: value };
}

function ruleRef(input: Record<string, unknown>, field: string): { Name: string; EventBusName?: string } {
  return { Name: required(input, field), ...optionals(input, ['EventBusName']) };
}
