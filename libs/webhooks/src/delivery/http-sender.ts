import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface SendResult {
  /** The HTTP status, null when no answer came (timeout, connection refused...). */
  statusCode: number | null;
  /** Why the attempt failed (no answer, or a non-2xx answer); null when delivered. */
  error: string | null;
}

/** Bytes of the consumer's answer read (and thrown away) before the connection is reused. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs webhook bodies over keep-alive connections. Redirects are not followed (a redirect could
 * lead past the URL checks); only a 2xx answer counts as delivered.
 */
export class HttpSender {
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256 });

  constructor(private readonly timeoutMs: number) {}

  send(url: URL, headers: Record<string, string>, body: string): Promise<SendResult> {
    const payload = Buffer.from(body, 'utf8');
    const secure = url.protocol === 'https:';
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const finish = (result: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const request = (secure ? httpsRequest : httpRequest)(
        url,
        {
          method: 'POST',
          agent: secure ? this.httpsAgent : this.httpAgent,
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': String(payload.length),
            'user-agent': 'csp-commerce-webhooks/1',
          },
        },
        (response: IncomingMessage) => {
          const statusCode = response.statusCode ?? 0;
          let read = 0;
          response.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_RESPONSE_BYTES) response.destroy();
          });
          const done = () =>
            finish({ statusCode, error: statusCode >= 200 && statusCode < 300 ? null : `the endpoint answered ${statusCode}` });
          response.on('end', done);
          response.on('close', done);
          response.on('error', done);
        },
      );
      const timer = setTimeout(() => {
        request.destroy(new Error(`no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      request.on('error', (error: Error) => finish({ statusCode: null, error: error.message || 'request failed' }));
      request.end(payload);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
