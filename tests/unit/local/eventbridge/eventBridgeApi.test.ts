import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
  CreateEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EventBridgeClient,
  EventBridgeServiceException,
  InvalidEventPatternException,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';

import { handleAwsJsonRequest, readBody } from '../../../../local/edge/awsJsonProtocol';
import { eventBridgeApi, EventBridgeService, type TargetDeliveryContext } from '../../../../local/eventbridge';

const ACCOUNT = '000000000000';
const REGION = 'eu-west-1';
const QUEUE = `arn:aws:sqs:${REGION}:${ACCOUNT}:payment`;

interface Delivered {
  arn: string;
  payload: string;
  context: TargetDeliveryContext;
}

describe('eventBridgeApi through @aws-sdk/client-eventbridge', () => {
  let server: Server;
  let service: EventBridgeService;
  let client: EventBridgeClient;
  const delivered: Delivered[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      void readBody(request).then((body) =>
        handleAwsJsonRequest([eventBridgeApi(service)], String(request.headers['x-amz-target']), body, response),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new EventBridgeClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: REGION,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
  });

  beforeEach(() => {
    delivered.length = 0;
    service = new EventBridgeService({
      accountId: ACCOUNT,
      region: REGION,
      dispatcher: {
        deliver: (target, payload, context) => {
          delivered.push({ arn: target.arn, payload, context });
          return Promise.resolve();
        },
      },
      logger: { warn: jest.fn(), error: jest.fn() },
    });
  });

  afterEach(() => service.stop());

  afterAll(async () => {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  const subscribe = async () => {
    await client.send(new CreateEventBusCommand({ Name: 'ordering-dev' }));
    const { RuleArn } = await client.send(
      new PutRuleCommand({ Name: 'payment-orders', EventBusName: 'ordering-dev', EventPattern: '{"source":["order"]}' }),
    );
    await client.send(
      new PutTargetsCommand({ Rule: 'payment-orders', EventBusName: 'ordering-dev', Targets: [{ Id: 'queue', Arn: QUEUE, InputPath: '$.detail' }] }),
    );
    return RuleArn;
  };

  it('publishes with PutEvents and delivers to the matching rule target', async () => {
    await subscribe();

    const response = await client.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: 'ordering-dev', Source: 'order', DetailType: 'OrderPlaced', Detail: '{"orderId":"o-1"}', Time: new Date('2026-05-01T12:00:00Z') }],
      }),
    );
    await service.whenIdle();

    expect(response.FailedEntryCount).toBe(0);
    expect(response.Entries?.[0]?.EventId).toEqual(expect.any(String));
    expect(delivered).toEqual([expect.objectContaining({ arn: QUEUE, payload: '{"orderId":"o-1"}' })]);
    expect(delivered[0]?.context.event.time).toBe('2026-05-01T12:00:00Z');
  });

  it('reports entry errors with HTTP 200 and FailedEntryCount, as the publisher expects', async () => {
    const response = await client.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'order', DetailType: 'OrderPlaced', Detail: '{}' },
          { Source: 'order', DetailType: 'OrderPlaced', Detail: 'not json' },
          { EventBusName: 'missing', Source: 'order', DetailType: 'OrderPlaced', Detail: '{}' },
        ],
      }),
    );

    expect(response.$metadata.httpStatusCode).toBe(200);
    expect(response.FailedEntryCount).toBe(2);
    expect(response.Entries?.map((entry) => entry.ErrorCode)).toEqual([undefined, 'InvalidArgument', 'ResourceNotFoundException']);
  });

  it('raises InvalidEventPatternException for an invalid pattern on PutRule', async () => {
    const error: unknown = await client.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{"source":[{"prefix":1}]}' })).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidEventPatternException);
    expect((error as Error).message).toContain('Event pattern is not valid. Reason:');
  });

  it('answers TestEventPattern true and false', async () => {
    const event = JSON.stringify({
      id: '1',
      account: ACCOUNT,
      source: 'order',
      time: '2026-01-01T00:00:00Z',
      region: REGION,
      resources: [],
      'detail-type': 'OrderPlaced',
      detail: { total: 20 },
    });

    const matching = await client.send(new TestEventPatternCommand({ EventPattern: '{"detail":{"total":[{"numeric":[">=",20]}]}}', Event: event }));
    const other = await client.send(new TestEventPatternCommand({ EventPattern: '{"source":["payment"]}', Event: event }));

    expect(matching.Result).toBe(true);
    expect(other.Result).toBe(false);
  });

  it('refuses TestEventPattern on an event without the mandatory fields as a ValidationException', async () => {
    const error: unknown = await client
      .send(new TestEventPatternCommand({ EventPattern: '{"source":["order"]}', Event: '{"source":"order"}' }))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EventBridgeServiceException);
    expect((error as Error).name).toBe('ValidationException');
  });

  it('lists and describes rules and event buses with SDK-parsed dates', async () => {
    const ruleArn = await subscribe();
    await client.send(new DisableRuleCommand({ Name: 'payment-orders', EventBusName: 'ordering-dev' }));

    const rules = await client.send(new ListRulesCommand({ EventBusName: 'ordering-dev', NamePrefix: 'payment' }));
    const rule = await client.send(new DescribeRuleCommand({ Name: 'payment-orders', EventBusName: 'ordering-dev' }));
    const buses = await client.send(new ListEventBusesCommand({}));
    const bus = await client.send(new DescribeEventBusCommand({ Name: 'ordering-dev' }));

    expect(rules.Rules).toEqual([expect.objectContaining({ Name: 'payment-orders', Arn: ruleArn, State: 'DISABLED', EventBusName: 'ordering-dev' })]);
    expect(rule).toMatchObject({ Arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/ordering-dev/payment-orders`, EventPattern: '{"source":["order"]}' });
    expect(buses.EventBuses?.map((entry) => entry.Name)).toEqual(['default', 'ordering-dev']);
    expect(bus.CreationTime).toBeInstanceOf(Date);
    expect(bus.Arn).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:event-bus/ordering-dev`);
  });

  it('raises the modelled exceptions for a duplicate bus and a missing rule', async () => {
    await client.send(new CreateEventBusCommand({ Name: 'ordering-dev' }));

    await expect(client.send(new CreateEventBusCommand({ Name: 'ordering-dev' }))).rejects.toBeInstanceOf(ResourceAlreadyExistsException);
    await expect(client.send(new DescribeRuleCommand({ Name: 'missing', EventBusName: 'ordering-dev' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('manages targets: PutTargets, ListTargetsByRule, RemoveTargets, then DeleteRule', async () => {
    await subscribe();
    const ref = { Rule: 'payment-orders', EventBusName: 'ordering-dev' };

    const put = await client.send(
      new PutTargetsCommand({
        ...ref,
        Targets: [
          {
            Id: 'audit',
            Arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:audit`,
            RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 60 },
            DeadLetterConfig: { Arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:dlq` },
          },
        ],
      }),
    );
    const listed = await client.send(new ListTargetsByRuleCommand(ref));
    const blocked: unknown = await client.send(new DeleteRuleCommand({ Name: ref.Rule, EventBusName: ref.EventBusName })).catch((e: unknown) => e);
    await client.send(new RemoveTargetsCommand({ ...ref, Ids: ['queue', 'audit'] }));
    await client.send(new DeleteRuleCommand({ Name: ref.Rule, EventBusName: ref.EventBusName }));
    const rules = await client.send(new ListRulesCommand({ EventBusName: 'ordering-dev' }));

    expect(put).toMatchObject({ FailedEntryCount: 0, FailedEntries: [] });
    expect(listed.Targets?.map((target) => target.Id)).toEqual(['queue', 'audit']);
    expect(listed.Targets?.[1]?.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 60 });
    expect((blocked as Error).name).toBe('ValidationException');
    expect(rules.Rules).toEqual([]);
  });

  it('refuses an unsupported target feature through the SDK, naming it', async () => {
    await subscribe();

    const error: unknown = await client
      .send(
        new PutTargetsCommand({
          Rule: 'payment-orders',
          EventBusName: 'ordering-dev',
          Targets: [{ Id: 'ecs', Arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/c`, EcsParameters: { TaskDefinitionArn: 'arn:aws:ecs:x' } }],
        }),
      )
      .catch((e: unknown) => e);

    expect((error as Error).name).toBe('ValidationException');
    expect((error as Error).message).toContain('EcsParameters is not supported by the local cloud');
  });

  it('answers a missing required member with a ValidationException', async () => {
    const error: unknown = await client.send(new PutRuleCommand({ Name: undefined })).catch((e: unknown) => e);

    expect((error as Error).name).toBe('ValidationException');
  });
});
