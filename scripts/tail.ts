/**
 * `npm run tail`: prints every event on the bus as it flows, built the way a developer would attach a
 * subscription on AWS: it creates its own queue and a catch-all rule with the real SDK clients (against
 * the local cloud by default, or any endpoint/profile the SDK is given), reads the queue, and removes both
 * on Ctrl-C. Options: `--bus <name>` (default ordering-dev), `--pattern '<json>'` to filter.
 */
import { DeleteRuleCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteMessageBatchCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { cliSdkConfig } from './sdkConfig';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const option = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? (process.argv[index + 1] ?? fallback) : fallback;
};
const busName = option('bus', 'ordering-dev');
const pattern = option('pattern', JSON.stringify({ source: [{ prefix: '' }] }));
const config = cliSdkConfig();
const events = new EventBridgeClient(config);
const sqs = new SQSClient(config);
const name = `tail-${process.pid}`;

const main = async () => {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (!QueueUrl) throw new Error('CreateQueue returned no URL');
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await events.send(new PutRuleCommand({ Name: name, EventBusName: busName, EventPattern: pattern, Description: 'npm run tail' }));
  await events.send(new PutTargetsCommand({ Rule: name, EventBusName: busName, Targets: [{ Id: 'tail', Arn: Attributes?.QueueArn }] }));
  // On AWS the queue also needs a policy letting this rule send to it; the local cloud does not enforce one.
  console.error(`tailing ${busName} (rule ${name} → queue ${name}); Ctrl-C to stop`);

  const cleanUp = async () => {
    await events.send(new RemoveTargetsCommand({ Rule: name, EventBusName: busName, Ids: ['tail'] })).catch(() => undefined);
    await events.send(new DeleteRuleCommand({ Name: name, EventBusName: busName })).catch(() => undefined);
    await sqs.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', () => void cleanUp());
  process.once('SIGTERM', () => void cleanUp());

  // Runs until Ctrl-C: cleanUp exits the process.
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 }));
    for (const message of Messages) {
      const event = JSON.parse(message.Body ?? '{}') as { time: string; source: string; 'detail-type': string; detail: { metadata?: Record<string, string> } };
      const metadata = event.detail.metadata ?? {};
      console.log(`${metadata['occurred-at'] ?? event.time}  ${event.source.padEnd(20)} ${event['detail-type'].padEnd(24)} ${metadata['correlation-id'] ?? ''}  ${metadata['idempotency-key'] ?? ''}`);
    }
    if (Messages.length > 0) {
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
    }
  }
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
