import type { Context } from 'aws-lambda';

export interface LambdaContextOptions {
  /** The account in the function's ARN; code that composes ARNs from the invocation reads it. */
  accountId?: string;
  remainingTimeMs?: number;
}

/**
 * The context Lambda passes the function named `functionName` (its full name, stack prefix included).
 * The deprecated callback members (done, fail, succeed) are left out: nothing here may use them.
 *
 * @example
 * ```ts
 * await handler(event, lambdaContext('ordering-payment-dev-onOrderPlaced'));
 * ```
 */
export const lambdaContext = (functionName: string, { accountId = '123456789012', remainingTimeMs = 30_000 }: LambdaContextOptions = {}): Context =>
  ({
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:${accountId}:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/25/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => remainingTimeMs,
  }) as Context;
