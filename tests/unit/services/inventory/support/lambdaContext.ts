import { lambdaContext as functionContext } from '../../../../support/lambdaContext';

/** The context Lambda passes a function of this stack. */
export const lambdaContext = (functionKey: string) =>
  functionContext(`ordering-inventory-dev-${functionKey}`, { accountId: '000000000000', remainingTimeMs: 10_000 });
