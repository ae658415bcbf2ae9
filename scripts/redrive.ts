/**
 * `npm run redrive`: resumes the stage's unsuccessful workflow executions once what failed is fixed.
 *
 *   npm run redrive -- [--state-machine <name>] [--since <time>] [--stage dev] [--dry-run]
 *
 * Finds every FAILED, TIMED_OUT and ABORTED execution of the stage's state machines (or of one) that closed
 * since `--since` (default: 14 days ago, as far back as Step Functions redrives), redrives each from the state
 * that did not succeed, and prints a table of what it found and did. Talks to the local cloud unless
 * AWS_ENDPOINT_URL or AWS_PROFILE is set, like `npm run dlq`. Exit code 1 if a redrive failed, 2 for a bad
 * command line.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { formatRedriveReport, parseRedriveArgs, redriveExecutions, UsageError } from './redriveTools';
import { cliSdkConfig } from './sdkConfig';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const USAGE = `usage: npm run redrive -- [--state-machine <name>] [--since <time>] [--stage dev] [--dry-run]

  --state-machine <name>  only this state machine of the stage (default: all of them)
  --since <time>          executions closed since: 30m, 6h, 3d, 2026-11-26 or 2026-11-26T10:00:00Z (default: 14d)
  --stage <stage>         the stage whose state machines are searched (default: dev)
  --dry-run               report what would be redriven, redrive nothing
  --help                  this text`;

const main = async () => {
  const parsed = parseRedriveArgs(process.argv.slice(2), new Date());
  if (parsed.help) {
    console.log(USAGE);
    return;
  }
  const sfn = new SFNClient(cliSdkConfig());
  try {
    const rows = await redriveExecutions(sfn, parsed.options);
    console.log(formatRedriveReport(rows, parsed.options));
    process.exitCode = rows.some((row) => row.outcome.kind === 'failed') ? 1 : 0;
  } finally {
    sfn.destroy();
  }
};

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  if ((error as { code?: string }).code === 'ECONNREFUSED') console.error('is the local cloud running? (npm start)');
  process.exit(1);
});
