// Test-only: a local HTTP server standing in for the Hugging Face hub (HF_ENDPOINT points at it), serving
// /<owner>/<name>/resolve/<revision>/<path> from a handler. Used by the hostile-hub tests of transformer and the CLI. Never published.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface LocalHub {
  readonly endpoint: string;
  /** Every request path received, decoded. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1; `handle` answers (or deliberately does not answer) each request. */
export async function startLocalHub(handle: (path: string, req: IncomingMessage, res: ServerResponse) => void): Promise<LocalHub> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(req.url ?? '');
    requests.push(path);
    handle(path, req, res);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    endpoint,
    requests,
    close: async () => {
      // NOTE: the "never answers" handlers leave sockets open; close() would wait for them forever.
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
