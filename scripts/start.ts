/**
 * `npm start`: the whole system on this machine. Packages the stacks whose templates are stale, starts the
 * local cloud on what the templates declare, seeds the inventory, and prints every URL it serves.
 * Ports: LOCAL_CLOUD_EDGE_PORT (4566), LOCAL_CLOUD_HTTP_PORT (3000).
 */
import { CARRIER_PACE, ensurePackaged, STAGE, startProjectCloud } from './localCloud';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const main = async () => {
  ensurePackaged();
  const cloud = await startProjectCloud({
    edgePort: Number(process.env.LOCAL_CLOUD_EDGE_PORT ?? 4566),
    httpPort: Number(process.env.LOCAL_CLOUD_HTTP_PORT ?? 3000),
  });

  console.log(`
Local cloud running (stage ${STAGE}), from the packaged templates:
  AWS endpoint (EventBridge, SQS, Step Functions, DynamoDB): ${cloud.edgeUrl}
    e.g. AWS_ENDPOINT_URL=${cloud.edgeUrl} AWS_REGION=eu-west-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local
  HTTP API: ${cloud.httpUrl}
${cloud.http.listRoutes().map((route) => `    ${route}`).join('\n')}
  OpenAPI documents: ${cloud.http.listDocuments().map((document) => `${cloud.httpUrl}${document}`).join(', ')}
  Identity (local issuer): ${cloud.identity.issuerUrl}, audience ${cloud.identity.audience}
    a customer's token: TOKEN=$(npm run -s token -- --customer cus_42); an operator's: --groups operators
  Simulated carrier: dispatches ${CARRIER_PACE.dispatchAfterSeconds} s and delivers ${CARRIER_PACE.deliveryAfterSeconds} s after a shipment is created
    (postal codes LOST…, STUCK…, SWAP…, ECHO…, REJECT…, FLAKY… choose other behaviours)
  Functions: ${cloud.lambda.definitions().length}, state machines: ${cloud.stepFunctions.listStateMachines().stateMachines.length}, queues: ${cloud.sqs.listQueues().length}
Not emulated (declared, deliberately ignored):
${cloud.notEmulated.map((line) => `  - ${line}`).join('\n')}
Ctrl-C to stop.`);

  const shutdown = () => {
    void cloud.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
};

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
