import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { outcomeContracts } from '../../../../services/order/src/domain/outcomes';
import { loadWorkflow } from '../../../support/workflows';
import { readPackagedTemplate } from '../../../../scripts/stacks';
import { SERVICE_EVENTS } from './support/events';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

const template = readPackagedTemplate('order');
const resources = Object.entries(template.Resources);
const functions = resources.filter(([, resource]) => resource.Type === 'AWS::Lambda::Function');
const functionKeys = ['placeOrder', 'getOrder', 'advanceOrder', 'awaitOutcomes', 'onOrderOutcome'];

const statementsOf = (roleId: string): Statement[] => {
  const policies = (template.Resources[roleId]?.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
};

describe('the packaged order stack', () => {
  it('subscribes to exactly the facts the outcome consumer accepts', () => {
    const pattern = template.Resources.OnOrderOutcomeRule?.Properties?.EventPattern as Record<string, string[]>;

    expect([...(pattern.source ?? [])].sort()).toEqual([...new Set(outcomeContracts.map((c) => c.source))].sort());
    expect([...(pattern['detail-type'] ?? [])].sort()).toEqual(outcomeContracts.map((c) => c.detailType).sort());
  });

  it('lets only advanceOrder publish, and only as ordering.order on the ordering bus', () => {
    const publishers = resources
      .filter(([, resource]) => resource.Type === 'AWS::IAM::Role')
      .flatMap(([id]) => statementsOf(id).filter((s) => [s.Action].flat().includes('events:PutEvents')).map((s) => ({ id, s })));

    expect(publishers.map(({ id }) => id)).toEqual(['AdvanceOrderIamRoleLambdaExecution']);
    expect(publishers[0]?.s).toMatchObject({
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/ordering-dev' },
      Condition: { StringEquals: { 'events:source': 'ordering.order' } },
    });
  });

  it('passes every function the orders table by name', () => {
    const tableName = template.Resources.OrdersTable?.Properties?.TableName;

    expect(tableName).toBe('ordering-order-dev-orders');
    for (const [, fn] of functions) {
      expect((fn.Properties?.Environment as { Variables: Record<string, string> }).Variables.ORDERS_TABLE_NAME).toBe(tableName);
    }
  });

  it('indexes orders by status and deadline, and cancelled orders by compensation due time, for the incomplete-orders report', () => {
    expect(template.Resources.OrdersTable?.Properties?.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'byStatus',
        KeySchema: [
          { AttributeName: 'status', KeyType: 'HASH' },
          { AttributeName: 'deadline', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: 'byCompensationDue',
        KeySchema: [
          { AttributeName: 'status', KeyType: 'HASH' },
          { AttributeName: 'compensationDueBy', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ]);
  });

  it('bounds every task-token wait by a timeout from the input and catches it', () => {
    const { definition } = loadWorkflow('order', 'order');
    const waits = Object.entries(definition.States).filter(
      ([, state]) => 'Resource' in state && state.Resource.endsWith('.waitForTaskToken'),
    );

    expect(waits.map(([name]) => name)).toEqual(['AwaitPaymentAndStock', 'AwaitShipment']);
    for (const [, state] of waits) {
      expect(state).toMatchObject({
        TimeoutSecondsPath: expect.stringMatching(/^\$\.timeouts\./) as unknown,
        Parameters: { Payload: { 'token.$': '$$.Task.Token' } },
        Catch: [expect.objectContaining({ ErrorEquals: ['States.Timeout'] })],
      });
    }
  });

  it.each(functionKeys)('has a sample event for %s', (key) => {
    expect(existsSync(join(SERVICE_EVENTS, `${key}.json`))).toBe(true);
  });
});
