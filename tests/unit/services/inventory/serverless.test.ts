import { readPackagedTemplate } from '../../../../scripts/stacks';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}
interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}

const template = readPackagedTemplate('inventory') as unknown as { Resources: Record<string, Resource> };
const resources = Object.entries(template.Resources);
const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);

/** Function key → its environment and the statements of its own role. */
const functions = ofType('AWS::Lambda::Function').map(([logicalId, resource]) => {
  const key = String(resource.Properties.FunctionName).replace('ordering-inventory-dev-', '');
  const roleId = (resource.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const role = template.Resources[roleId];
  const statements = (role?.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
    (policy) => policy.PolicyDocument.Statement,
  );
  const environment = (resource.Properties.Environment as { Variables: Record<string, string> }).Variables;
  return { logicalId, key, statements, environment };
});
const actions = (statement: Statement) => [statement.Action].flat();
const tables: Record<string, string> = Object.fromEntries(
  ofType('AWS::DynamoDB::Table').map(([logicalId, resource]) => [String(resource.Properties.TableName), logicalId]),
);

describe('inventory serverless.yml, as packaged', () => {
  it('gives every function its own role', () => {
    expect(functions.map(({ key }) => key).sort()).toEqual([
      'beginReservation',
      'cancelReservation',
      'finishReservation',
      'onOrderCancelled',
      'onOrderPlaced',
      'publishStockEvent',
      'releaseLine',
      'reserveLine',
      'seedStock',
    ]);
    for (const { logicalId, statements } of functions) expect({ logicalId, statements: statements.length > 0 }).toEqual({ logicalId, statements: true });
  });

  it('grants no wildcard action or resource, X-Ray aside (it has no resource-level permissions)', () => {
    for (const { key, statements } of functions) {
      for (const statement of statements.filter((s) => !actions(s).every((action) => action.startsWith('xray:')))) {
        expect({ key, actions: actions(statement).filter((action) => action.includes('*')) }).toEqual({ key, actions: [] });
        expect({ key, resource: JSON.stringify(statement.Resource) }).not.toEqual({ key, resource: '"*"' });
      }
    }
  });

  it('lets a function touch exactly the tables named in its environment', () => {
    for (const { key, statements, environment } of functions) {
      const named = [environment.STOCK_TABLE_NAME, environment.RESERVATIONS_TABLE_NAME]
        .filter((name): name is string => name !== undefined)
        .map((name) => tables[name])
        .sort();
      const granted = [
        ...new Set(
          statements
            .filter((statement) => actions(statement).some((action) => action.startsWith('dynamodb:')))
            .map((statement) => (statement.Resource as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]),
        ),
      ].sort();

      expect({ key, granted }).toEqual({ key, granted: named });
    }
  });

  it('lets only publishStockEvent put events, on the bus and with the inventory source', () => {
    const publishers = functions.filter(({ statements }) => statements.some((statement) => actions(statement).includes('events:PutEvents')));

    expect(publishers.map(({ key }) => key)).toEqual(['publishStockEvent']);
    expect(publishers[0]?.statements.find((statement) => actions(statement).includes('events:PutEvents'))).toEqual({
      Effect: 'Allow',
      Action: ['events:PutEvents'],
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/ordering-dev' },
      Condition: { StringEquals: { 'events:source': 'ordering.inventory' } },
    });
  });

  it('declares the reserve and release state machines the consumers start by name', () => {
    const names = ofType('AWS::StepFunctions::StateMachine').map(([, resource]) => resource.Properties.StateMachineName);
    const started = functions.map(({ environment }) => environment.STATE_MACHINE_NAME).filter(Boolean);

    expect(names.sort()).toEqual(['ordering-inventory-dev-release', 'ordering-inventory-dev-reserve']);
    expect(started.sort()).toEqual(names.sort());
  });

  it('declares both tables on demand, keyed as the adapters expect', () => {
    expect(
      ofType('AWS::DynamoDB::Table').map(([, { Properties }]) => [Properties.TableName, Properties.BillingMode, Properties.KeySchema]),
    ).toEqual([
      ['ordering-inventory-dev-stock', 'PAY_PER_REQUEST', [{ AttributeName: 'sku', KeyType: 'HASH' }]],
      [
        'ordering-inventory-dev-reservations',
        'PAY_PER_REQUEST',
        [
          { AttributeName: 'orderId', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      ],
    ]);
  });
});
