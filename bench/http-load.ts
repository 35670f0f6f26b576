import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
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
 * A load generator in a child process, as real clients are: plain node:http with keep-alive, one
 * connection per concurrent worker. The server's process then does only the server's work, and
 * the child times each round itself.
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

/** Kept across rounds, so only the warm-up round opens connections, as with a client's pool. */
const agents = new Map<string, Agent>();

async function runRound({ port, headers, calls }: RoundMessage): Promise<number> {
  const key = `${port}/${calls.length}`;
  const agent = agents.get(key) ?? new Agent({ keepAlive: true, maxSockets: calls.length });
  agents.set(key, agent);
  const send = (call: HttpCall): Promise<void> =>
    new Promise((resolve, reject) => {
      const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: call.path,
          method: call.method,
          agent,
          headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            if (res.statusCode === call.status) resolve();
            else reject(new Error(`${call.method} ${call.path}: expected ${call.status}, got ${res.statusCode}: ${Buffer.concat(chunks).toString('utf8')}`));
          });
        },
      );
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  const started = process.hrtime.bigint();
  await Promise.all(
    calls.map(async (list) => {
      for (const call of list) await send(call);
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
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
