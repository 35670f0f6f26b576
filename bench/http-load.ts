import { fork, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import type { RoundRunner } from './support';

/** One request of a round and the status it must answer. */
export interface HttpCall {
  method: string;
  path: string;
  body?: unknown;
  status: number;
}

interface RoundMessage {
  port: number;
  headers: Record<string, string>;
  /** One list per concurrent worker, sent in order. */
  calls: HttpCall[][];
}

type RoundReply = { seconds: number } | { error: string };

/**
 * A load generator in a child process, as real clients are: one keep-alive connection per
 * concurrent worker. The server's process then does only the server's work, and the child times
 * each round itself. The child speaks HTTP/1.1 over plain sockets, as wrk does, because node:http
 * costs several times the CPU per request, which it would take from the server it measures.
 */
export class HttpLoadGenerator {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly child: ChildProcess) {}

  static start(): HttpLoadGenerator {
    return new HttpLoadGenerator(fork(__filename, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  /** Rounds of `workers` x `perWorker` calls, each planned when its round starts. */
  rounds(port: number, headers: Record<string, string>, plan: (worker: number, index: number, round: number) => HttpCall): RoundRunner {
    return {
      runRound: (workers, perWorker, round) =>
        this.run({
          port,
          headers,
          calls: Array.from({ length: workers }, (_, worker) => Array.from({ length: perWorker }, (_, index) => plan(worker, index, round))),
        }),
    };
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill();
    await exited;
  }

  private run(message: RoundMessage): Promise<number> {
    const next = this.queue.then(
      () =>
        new Promise<number>((resolve, reject) => {
          const onExit = (code: number | null) => reject(new Error(`the load generator exited with ${code}`));
          this.child.once('exit', onExit);
          this.child.once('message', (reply: RoundReply) => {
            this.child.off('exit', onExit);
            if ('error' in reply) reject(new Error(reply.error));
            else resolve(reply.seconds);
          });
          this.child.send(message);
        }),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }
}

// The child: HTTP/1.1 over one socket per worker, reading of each answer only its status and framing.

const HEADER_END = '\r\n\r\n';
const CRLF = '\r\n';
const EMPTY = Buffer.alloc(0);
/** Methods whose requests carry content, so a bodiless one still says `content-length: 0` (RFC 9110 §8.6). */
const METHODS_WITH_CONTENT = new Set(['POST', 'PUT', 'PATCH']);

interface Response {
  status: number;
  /** The body's bytes, kept only to explain an unexpected status. */
  body: Buffer[];
}

/** How the end of a response's body is found (RFC 9112 §6.3). */
type Framing = { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'close' };

interface Head {
  status: number;
  /** Where the body starts in the buffer. */
  bodyStart: number;
  framing: Framing;
  /** The server will close the connection after this response. */
  closes: boolean;
}

interface Pending {
  call: HttpCall;
  resolve: (response: Response) => void;
  reject: (error: Error) => void;
  /** Parsed once the header block is complete, so later data only extends the body. */
  head?: Head;
}

/**
 * One keep-alive connection to the server with at most one request in flight. It reconnects on
 * the next request when the server closed it.
 */
class Connection {
  private socket?: Socket;
  private buffer: Buffer = EMPTY;
  private pending?: Pending;

  constructor(private readonly port: number) {}

  send(call: HttpCall, request: string): Promise<Response> {
    if (this.pending) return Promise.reject(new Error(`${describe(call)}: the previous request on this connection is still open`));
    const socket = this.socket ?? this.open();
    return new Promise((resolve, reject) => {
      this.pending = { call, resolve, reject };
      socket.write(request);
    });
  }

  private open(): Socket {
    const socket = connect({ host: '127.0.0.1', port: this.port });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.fail(socket, `connection to 127.0.0.1:${this.port} failed: ${error.message}`));
    socket.on('close', () => this.closed(socket));
    this.socket = socket;
    this.buffer = EMPTY;
    return socket;
  }

  private receive(chunk: Buffer): void {
    // A response nearly always arrives in one chunk, so copying is the exception.
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const pending = this.pending;
    // Data nobody asked for (e.g. a 408 before the server hangs up) would pass for the next answer.
    if (!pending) {
      this.drop(this.socket);
      return;
    }
    try {
      pending.head ??= readHead(this.buffer);
      if (!pending.head) return;
      const end = bodyEnd(this.buffer, pending.head);
      if (end === undefined) return;
      this.complete(pending, pending.head, end);
    } catch (error) {
      this.fail(this.socket, error instanceof Error ? error.message : String(error));
    }
  }

  private complete(pending: Pending, head: Head, end: number): void {
    const body = pending.call.status === head.status ? [] : bodyBytes(this.buffer, head, end);
    this.buffer = end === this.buffer.length ? EMPTY : this.buffer.subarray(end);
    this.pending = undefined;
    // Dropped now, not on its close event, so the next request cannot be written to it.
    if (head.closes) this.drop(this.socket);
    pending.resolve({ status: head.status, body });
  }

  private closed(socket: Socket): void {
    if (socket !== this.socket) return;
    const pending = this.pending;
    // Without a length or chunks, the server ends the body by closing the connection.
    if (pending?.head?.framing.kind === 'close') this.complete(pending, { ...pending.head, closes: true }, this.buffer.length);
    else this.fail(socket, 'the server closed the connection before answering in full');
  }

  /** Drops the connection, failing the request in flight, if any, with `reason`. */
  private fail(socket: Socket | undefined, reason: string): void {
    if (socket !== this.socket) return;
    this.drop(socket);
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(new Error(`${describe(pending.call)}: ${reason}`));
  }

  private drop(socket: Socket | undefined): void {
    socket?.destroy();
    if (socket === this.socket) this.socket = undefined;
    this.buffer = EMPTY;
  }
}

/** The status line and the headers that frame the body, once the header block is complete. */
function readHead(buffer: Buffer): Head | undefined {
  let start = 0;
  for (;;) {
    const end = buffer.indexOf(HEADER_END, start, 'latin1');
    if (end < 0) return undefined;
    const lines = buffer.toString('latin1', start, end).split(CRLF);
    const status = statusOf(lines[0]);
    // Interim answers (100 Continue, 103 Early Hints) precede the real one.
    if (status >= 100 && status < 200) {
      start = end + HEADER_END.length;
      continue;
    }
    return { status, bodyStart: end + HEADER_END.length, ...framingOf(status, lines) };
  }
}

function statusOf(statusLine: string): number {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!match) throw new Error(`not an HTTP/1.1 status line: ${JSON.stringify(statusLine.slice(0, 80))}`);
  return Number(match[1]);
}

function framingOf(status: number, lines: string[]): { framing: Framing; closes: boolean } {
  let length: number | undefined;
  let chunked = false;
  let closes = false;
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index];
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name === 'content-length') length = contentLength(headerValue(line, colon));
    else if (name === 'transfer-encoding') chunked = hasToken(headerValue(line, colon), 'chunked');
    else if (name === 'connection') closes = hasToken(headerValue(line, colon), 'close');
  }
  // The bench never sends HEAD, so only these statuses answer without a body.
  if (status === 204 || status === 304) return { framing: { kind: 'length', length: 0 }, closes };
  // Chunked wins over a length when a server sends both (RFC 9112 §6.3).
  if (chunked) return { framing: { kind: 'chunked' }, closes };
  if (length !== undefined) return { framing: { kind: 'length', length }, closes };
  return { framing: { kind: 'close' }, closes: true };
}

function headerValue(line: string, colon: number): string {
  return line.slice(colon + 1).trim().toLowerCase();
}

/** Whether a comma-separated header value lists `token`. */
function hasToken(value: string, token: string): boolean {
  return value.split(',').some((item) => item.trim() === token);
}

function contentLength(value: string): number {
  // A repeated header folds into "n, n", which is valid only when every copy agrees.
  const copies = new Set(value.split(',').map((copy) => copy.trim()));
  const [only] = copies;
  if (copies.size !== 1 || !/^\d+$/.test(only)) throw new Error(`invalid content-length: ${value}`);
  return Number(only);
}

/** Where the response ends in the buffer, or undefined while more data is due. */
function bodyEnd(buffer: Buffer, head: Head): number | undefined {
  switch (head.framing.kind) {
    case 'length': {
      const end = head.bodyStart + head.framing.length;
      return buffer.length >= end ? end : undefined;
    }
    case 'chunked':
      return walkChunks(buffer, head.bodyStart)?.end;
    case 'close':
      return undefined;
  }
}

/**
 * Walks the chunks from `start` by their sizes, since the bytes "0\r\n\r\n" can occur inside a
 * chunk's data; answers where the last chunk and its trailers end, and each chunk's data.
 */
function walkChunks(buffer: Buffer, start: number): { end: number; data: Buffer[] } | undefined {
  const data: Buffer[] = [];
  let position = start;
  for (;;) {
    const lineEnd = buffer.indexOf(CRLF, position, 'latin1');
    if (lineEnd < 0) return undefined;
    const size = chunkSize(buffer.toString('latin1', position, lineEnd));
    if (size === 0) {
      // The last chunk is followed by optional trailer lines and an empty line.
      const trailersEnd = buffer.indexOf(HEADER_END, lineEnd, 'latin1');
      return trailersEnd < 0 ? undefined : { end: trailersEnd + HEADER_END.length, data };
    }
    const dataStart = lineEnd + CRLF.length;
    const dataEnd = dataStart + size;
    if (buffer.length < dataEnd + CRLF.length) return undefined;
    data.push(buffer.subarray(dataStart, dataEnd));
    position = dataEnd + CRLF.length;
  }
}

function chunkSize(line: string): number {
  // Chunk extensions (";name=value") follow the size and mean nothing here.
  const size = line.split(';')[0].trim();
  if (!/^[0-9a-fA-F]+$/.test(size)) throw new Error(`invalid chunk size line: ${JSON.stringify(line.slice(0, 80))}`);
  return parseInt(size, 16);
}

function bodyBytes(buffer: Buffer, head: Head, end: number): Buffer[] {
  if (head.framing.kind === 'chunked') return walkChunks(buffer, head.bodyStart)?.data ?? [];
  return [buffer.subarray(head.bodyStart, end)];
}

function describe(call: HttpCall): string {
  return `${call.method} ${call.path}`;
}

/** The request line aside, every request of a round shares these header lines. */
function commonHeaderLines(port: number, headers: Record<string, string>): string {
  const lines = [`host: 127.0.0.1:${port}`];
  for (const [name, value] of Object.entries(headers)) {
    // A line break in a header would split the request into another one.
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new Error(`header ${JSON.stringify(name)} contains a line break`);
    lines.push(`${name}: ${value}`);
  }
  lines.push('connection: keep-alive');
  return lines.join(CRLF) + CRLF;
}

function requestText(call: HttpCall, headerLines: string): string {
  const start = `${call.method} ${call.path} HTTP/1.1${CRLF}${headerLines}`;
  if (call.body === undefined) return METHODS_WITH_CONTENT.has(call.method) ? `${start}content-length: 0${CRLF}${CRLF}` : start + CRLF;
  const payload = JSON.stringify(call.body);
  return `${start}content-type: application/json${CRLF}content-length: ${Buffer.byteLength(payload)}${CRLF}${CRLF}${payload}`;
}

/** Kept across rounds, so only the warm-up round opens connections, as with a client's pool. */
const connectionsByPort = new Map<number, Connection[]>();

function connectionsFor(port: number, count: number): Connection[] {
  const connections = connectionsByPort.get(port) ?? [];
  while (connections.length < count) connections.push(new Connection(port));
  connectionsByPort.set(port, connections);
  return connections;
}

async function runRound({ port, headers, calls }: RoundMessage): Promise<number> {
  const connections = connectionsFor(port, calls.length);
  const headerLines = commonHeaderLines(port, headers);
  let failure: Error | undefined;
  const started = process.hrtime.bigint();
  await Promise.all(
    calls.map(async (list, worker) => {
      for (const call of list) {
        // After one failure the other workers stop, so no request outlives its round.
        if (failure) return;
        try {
          const response = await connections[worker].send(call, requestText(call, headerLines));
          if (response.status !== call.status) {
            throw new Error(`${describe(call)}: expected ${call.status}, got ${response.status}: ${Buffer.concat(response.body).toString('utf8')}`);
          }
        } catch (error) {
          failure ??= error instanceof Error ? error : new Error(String(error));
        }
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (failure) throw failure;
  return seconds;
}

if (require.main === module) {
  process.on('message', (message: RoundMessage) => {
    runRound(message).then(
      (seconds) => process.send?.({ seconds } satisfies RoundReply),
      (error: unknown) => process.send?.({ error: error instanceof Error ? error.message : String(error) } satisfies RoundReply),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
