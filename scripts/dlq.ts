/**
 * `npm run dlq`: what sits in the dead-letter queues, and sending it back for another try.
 *
 *   npm run dlq -- list [--queue <dlq name>] [--stage dev] [--max 100] [--json]
 *   npm run dlq -- redrive --queue <dlq name> [--to <queue name>] [--max N]
 *
 * `list` shows every DLQ of the stage with its depth and, per message, why it failed (our consumers' `failure-*`
 * attributes or EventBridge's `ERROR_*`), which event and which order; it looks without consuming. `redrive`
 * moves messages back to the queue they failed on (or `--to`). Talks to the local cloud unless
 * AWS_ENDPOINT_URL or AWS_PROFILE is set, like `npm run tail`.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { listDeadLetters, redriveDeadLetters, type DeadLetter, type DeadLetterListing } from './dlqTools';
import { cliSdkConfig } from './sdkConfig';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const USAGE = `usage:
  npm run dlq -- list [--queue <dlq name>] [--stage dev] [--max 100] [--json]
  npm run dlq -- redrive --queue <dlq name> [--to <queue name>] [--max N]`;

const option = (name: string): string | undefined => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
};
const numberOption = (name: string): number | undefined => {
  const text = option(name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number of at least 1, got ${text}`);
  return value;
};

const sqs = new SQSClient(cliSdkConfig());

const why = (message: DeadLetter): string => {
  const { failure, delivery } = message;
  if (failure.reason !== undefined) {
    const from = failure.sourceQueue?.split(':').pop();
    return `${failure.errorName ?? 'Error'}: ${failure.reason}  (at ${failure.at ?? '?'} on ${from ?? '?'}, receive ${failure.receiveCount ?? '?'})`;
  }
  if (delivery.errorCode !== undefined) {
    return `EventBridge ${delivery.errorCode}: ${delivery.errorMessage ?? ''}  (rule ${delivery.ruleArn ?? '?'} → ${delivery.targetArn ?? '?'})`;
  }
  return 'no reason recorded (SQS moved it after maxReceiveCount: a crash or a timeout)';
};

const printListing = (queues: DeadLetterListing[]) => {
  if (queues.length === 0) console.log('no dead-letter queues found');
  for (const queue of queues) {
    console.log(`${queue.name}  depth ${queue.depth}${queue.inFlight > 0 ? ` (+${queue.inFlight} in flight)` : ''}`);
    for (const message of queue.messages) {
      const event = [message.detailType ?? '(not an event)', message.correlationId].filter(Boolean).join(' ');
      console.log(`  ${message.messageId}  receives ${message.receiveCount}  ${message.sentAt ?? ''}  ${event}${message.redrivenBy ? `  redriven by ${message.redrivenBy}` : ''}`);
      console.log(`    ${why(message)}`);
    }
  }
};

const main = async () => {
  const command = process.argv[2];
  const queue = option('queue');
  const max = numberOption('max');
  if (command === 'list') {
    const queues = await listDeadLetters(sqs, { stage: option('stage') ?? 'dev', ...(queue !== undefined && { queue }), ...(max !== undefined && { max }) });
    if (process.argv.includes('--json')) console.log(JSON.stringify(queues, null, 2));
    else printListing(queues);
    return;
  }
  if (command === 'redrive') {
    if (queue === undefined) throw new Error(`redrive needs --queue <dlq name>\n${USAGE}`);
    const to = option('to');
    const result = await redriveDeadLetters(sqs, { queue, ...(to !== undefined && { to }), ...(max !== undefined && { max }) });
    console.log(`moved ${result.moved} from ${result.queue}${Object.entries(result.byDestination).map(([name, count]) => `\n  ${count} → ${name}`).join('')}`);
    for (const { messageId, reason } of result.skipped) console.log(`skipped ${messageId}: ${reason}`);
    for (const { messageId, error } of result.failed) console.log(`FAILED ${messageId}: ${error}`);
    process.exitCode = result.failed.length > 0 ? 1 : 0;
    return;
  }
  throw new Error(USAGE);
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : error);
  if ((error as { code?: string }).code === 'ECONNREFUSED') console.error('is the local cloud running? (npm start)');
  process.exit(1);
});
