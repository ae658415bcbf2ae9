import type { Server } from 'node:net';

/**
 * Starts `server` listening and resolves once it does. A port already in use rejects the promise: with
 * `listen`'s callback alone the error is an `'error'` event nobody handles, which kills the process instead
 * of failing the start-up that asked for the port.
 */
export const listening = (server: Server, port: number, host = '127.0.0.1'): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
