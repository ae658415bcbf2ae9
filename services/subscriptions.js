// @ts-check
/**
 * Consumer-owned subscriptions, storage first. For each entry of `custom.subscriptions` in a service's
 * serverless.yml (`<consumerFunction>: { pattern }`), this emits the CloudFormation a subscription needs:
 *
 *   bus rule ──▶ SQS queue ──▶ consumer Lambda (partial batch responses)
 *      │            └─ redrive after maxReceiveCount ─▶ <Consumer>DeadLetterQueue (alarmed)
 *      └─ delivery failures ─▶ DeliveryDeadLetterQueue (alarmed)
 *
 * Generated rather than written out per consumer so every subscription gets the same DLQs, policies and
 * alarms; the packaged template is what the contract tests and the local cloud read (docs/adr/0005).
 */

const { deadLetterAlarm } = require('./alarms');

const upperFirst = (/** @type {string} */ name) => name.charAt(0).toUpperCase() + name.slice(1);

/** Resource names a service uses to reference its own subscriptions (e.g. `!GetAtt OnOrderPlacedQueue.Arn`). */
const logicalIds = (/** @type {string} */ consumer) => {
  const base = upperFirst(consumer);
  return {
    queue: `${base}Queue`,
    deadLetterQueue: `${base}DeadLetterQueue`,
    rule: `${base}Rule`,
    queuePolicy: `${base}QueuePolicy`,
    alarm: `${base}DeadLetterAlarm`,
  };
};

/**
 * @param {{ resolveVariable: (v: string) => Promise<any> }} context
 */
module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  /** @type {Record<string, { pattern: Record<string, unknown> }>} */
  const subscriptions = await resolveVariable('self:custom.subscriptions');
  const maxReceiveCount = await resolveVariable('self:custom.maxReceiveCount');
  const consumerTimeout = await resolveVariable('self:provider.timeout');
  const importFromPlatform = (/** @type {string} */ output) => ({
    'Fn::ImportValue': `ordering-platform-${stage}-${output}`,
  });
  const alarmOn = (/** @type {string} */ queueLogicalId, /** @type {string} */ description) =>
    deadLetterAlarm({ stage, queueLogicalId, description });
  // Fourteen days, the SQS maximum: a dead letter waits for a fix and a redrive, not for expiry.
  const deadLetterRetention = 1_209_600;

  /** @type {Record<string, unknown>} */
  const resources = {
    DeliveryDeadLetterQueue: {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: `${service}-${stage}-delivery-dlq`,
        MessageRetentionPeriod: deadLetterRetention,
        SqsManagedSseEnabled: true,
      },
    },
    DeliveryDeadLetterAlarm: alarmOn(
      'DeliveryDeadLetterQueue',
      `${service}: EventBridge could not deliver events to a subscription queue`,
    ),
  };
  const deliveryPolicyRules = [];

  for (const [consumer, { pattern }] of Object.entries(subscriptions)) {
    const id = logicalIds(consumer);
    const ruleArn = { 'Fn::GetAtt': [id.rule, 'Arn'] };
    resources[id.deadLetterQueue] = {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: `${service}-${stage}-${consumer}-dlq`,
        MessageRetentionPeriod: deadLetterRetention,
        SqsManagedSseEnabled: true,
      },
    };
    resources[id.queue] = {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: `${service}-${stage}-${consumer}`,
        // AWS's guidance for Lambda consumers: six times the function timeout, so a slow batch is not
        // redelivered while it is still being processed.
        VisibilityTimeout: 6 * Number(consumerTimeout),
        SqsManagedSseEnabled: true,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [id.deadLetterQueue, 'Arn'] },
          maxReceiveCount,
        },
      },
    };
    resources[id.rule] = {
      Type: 'AWS::Events::Rule',
      Properties: {
        Name: `${service}-${stage}-${consumer}`,
        Description: `${service} subscribes ${consumer}`,
        EventBusName: importFromPlatform('EventBusName'),
        EventPattern: pattern,
        Targets: [
          {
            Id: 'queue',
            Arn: { 'Fn::GetAtt': [id.queue, 'Arn'] },
            RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DeliveryDeadLetterQueue', 'Arn'] } },
          },
        ],
      },
    };
    // Only this rule may send to this queue.
    resources[id.queuePolicy] = {
      Type: 'AWS::SQS::QueuePolicy',
      Properties: {
        Queues: [{ Ref: id.queue }],
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: { 'Fn::GetAtt': [id.queue, 'Arn'] },
              Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
            },
          ],
        },
      },
    };
    resources[id.alarm] = alarmOn(id.deadLetterQueue, `${service}: ${consumer} dead-lettered a message`);
    deliveryPolicyRules.push(ruleArn);
  }

  resources.DeliveryDeadLetterQueuePolicy = {
    Type: 'AWS::SQS::QueuePolicy',
    Properties: {
      Queues: [{ Ref: 'DeliveryDeadLetterQueue' }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: { 'Fn::GetAtt': ['DeliveryDeadLetterQueue', 'Arn'] },
            Condition: { ArnEquals: { 'aws:SourceArn': deliveryPolicyRules } },
          },
        ],
      },
    },
  };
  return resources;
};

module.exports.logicalIds = logicalIds;
