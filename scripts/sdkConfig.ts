/**
 * SDK client configuration for the command-line scripts (`npm run tail`, `dlq`, `report:incomplete`): with no
 * AWS_ENDPOINT_URL or AWS_PROFILE configured, talk to the local cloud; otherwise let the SDK resolve as usual.
 */
export const cliSdkConfig = () =>
  !process.env.AWS_ENDPOINT_URL && !process.env.AWS_PROFILE
    ? { endpoint: `http://localhost:${process.env.LOCAL_CLOUD_EDGE_PORT ?? '4566'}`, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : {};
