import type middy from '@middy/core';
import { PermanentError } from '#shared/errors';

/** A missing setting is a deployment bug: fail loudly rather than run half-configured. */
export const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new PermanentError(`environment variable ${name} is not set`);
  return value;
};

/** The account id the local cloud uses, as LocalStack and moto do. */
export const LOCAL_ACCOUNT_ID = '000000000000';

let invokedFunctionArn: string | undefined;

/**
 * Remembers the invocation's own ARN, the one place Lambda states the account id. Configuration carries
 * names only (docs/adr/0004-configuration-carries-names.md), so ARNs are composed from it.
 */
export const captureInvocation = (): middy.MiddlewareObj => ({
  before: (request) => {
    invokedFunctionArn = request.context.invokedFunctionArn;
  },
});

/**
 * The ARN of a resource in this function's own account, partition and region. Outside Lambda
 * (`sls invoke local`, whose context has no ARN) the local cloud's account is used.
 *
 * @example
 * ```ts
 * sameAccountArn('states', 'stateMachine:ordering-payment-dev-charge');
 * ```
 */
export const sameAccountArn = (service: string, resource: string): string => {
  const [, partition = 'aws', , region = process.env.AWS_REGION ?? 'us-east-1', account = LOCAL_ACCOUNT_ID] =
    invokedFunctionArn?.split(':') ?? [];
  return `arn:${partition}:${service}:${region}:${account}:${resource}`;
};
