import type { Context } from 'aws-lambda';

/** The context Lambda passes a function of this stack (the deprecated callback members left out). */
export const lambdaContext = (functionKey: string): Context =>
  ({
    callbackWaitsForEmptyEventLoop: true,
    functionName: `ordering-inventory-dev-${functionKey}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:ordering-inventory-dev-${functionKey}`,
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/ordering-inventory-dev-${functionKey}`,
    logStreamName: '2026/11/25/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 10_000,
  }) as Context;
