import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver answered. */
  status: number;
  receivedAt: number;
}

/**
 * An HTTP endpoint on 127.0.0.1 for tests: records every request and answers what `respond`
 * says (a status; 0 drops the connection without an answer).
 */
export class LoopbackReceiver {
  readonly requests: ReceivedRequest[] = [];
  respond: (request: { headers: IncomingHttpHeaders; body: string }) => number | Promise<number> = () => 204;
  private server: Server | null = null;
  private port = 0;

  async start(): Promise<this> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        void Promise.resolve(this.respond({ headers: request.headers, body })).then((status) => {
          this.requests.push({ headers: request.headers, body, status, receivedAt: Date.now() });
          if (status === 0) {
            request.socket.destroy();
            return;
          }
          response.writeHead(status).end();
        });
      });
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Requests answered with a 2xx, one per `webhook-id` (duplicates dropped, as a consumer does). */
  acceptedById(): Map<string, ReceivedRequest> {
    const byId = new Map<string, ReceivedRequest>();
    for (const request of this.requests) {
      if (request.status < 200 || request.status >= 300) continue;
      const id = String(request.headers['webhook-id']);
      if (!byId.has(id)) byId.set(id, request);
    }
    return byId;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
