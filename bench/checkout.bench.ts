import { randomBytes, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signDevToken } from '../libs/auth/src/sign-token';
import { DEV_JWT_SECRET } from '../libs/config/src/app-config';
import { createRedisConnection, deleteKeysWithPrefix } from '../libs/jobs/src/connection';
import { createApp } from '../apps/api/src/bootstrap';
import { CONCURRENCY } from './baselines';
import { floorAnswers, HttpFloorModule } from './http-floor';
import { HttpLoadGenerator } from './http-load';
import type { BenchModule } from './support';

const PER_WORKER = 100;
/** Requests per worker before timing starts, so the server's code runs optimised, as it would in service. */
const WARMUP = 40;
const ROUNDS = 5;
/** Subscriptions each worker cycles its quantity changes over. */
const SUBSCRIPTIONS_PER_WORKER = 16;
const E3_ANNUAL = 'CFQ7TTC0LFLZ:0002:CFQ7TTC0JSWX';

/** The parts of the answers the bench reads. */
interface Answer {
  status: number;
  body: { id: string; orders: Array<{ lineItems: Array<{ subscriptionId: string }> }> };
}

/**
 * Checkout of a one-line cart and a quantity PATCH, each over HTTP (a real socket, keep-alive) at
 * concurrency 8 from a client in its own process (as real clients are) against the api process,
 * compared with the raw 8-connection insert rate measured in alternating rounds. Carts are
 * created before the timed rounds. Each is followed by its floor: the same HTTP stack answering a
 * body of the same size from a handler that does nothing (bench/http-floor.ts).
 */
export const checkoutBench: BenchModule = {
  name: 'checkout over HTTP',
  async run(context) {
    const database = await context.scratchDatabase({ poolSize: 16 });
    const redisPrefix = `bench-${process.pid}-${randomBytes(4).toString('hex')}`;
    const running = await createApp({
      env: {
        APP_ENV: 'development',
        DATABASE_URL: database.url,
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        REDIS_PREFIX: redisPrefix,
        EVENT_STORE_DRIVER: 'postgres',
        PROCESS_ROLES: 'api',
        LOG_LEVEL: 'silent',
      },
      database,
      imports: [HttpFloorModule],
    });
    const http = running.http;
    if (!http) throw new Error('the bench needs the api role');
    await http.listen({ port: 0, host: '127.0.0.1' });
    const port = (http.getHttpServer().address() as AddressInfo).port;
    // Setup requests go from this process; the timed rounds come from a child process.
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });
    const load = HttpLoadGenerator.start();

    const send = (method: string, path: string, token: string, body?: unknown): Promise<Answer> =>
      new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path,
            method,
            agent,
            headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
            });
          },
        );
        req.on('error', reject);
        if (payload) req.write(payload);
        req.end();
      });
    const expectStatus = async (answer: Promise<Answer>, status: number): Promise<Answer> => {
      const result = await answer;
      if (result.status !== status) throw new Error(`expected ${status}, got ${result.status}: ${JSON.stringify(result.body)}`);
      return result;
    };

    try {
      const operator = await signDevToken({ secret: DEV_JWT_SECRET, tenantId: 'operator', roles: ['operator'], userId: 'bench-operator' });
      const partner = await expectStatus(
        send('POST', '/v1/partners', operator, { name: 'Bench GmbH', kind: 'direct', partnerId: '9900001', country: 'DE', currency: 'EUR', email: 'bench@example.com' }),
        201,
      );
      // A global admin both creates customers (R-ROLE-4) and buys (R-ROLE-1).
      const agentToken = await signDevToken({ secret: DEV_JWT_SECRET, tenantId: partner.body.id, roles: ['global-admin'], userId: 'bench-agent' });
      const customers: string[] = [];
      for (let worker = 0; worker < CONCURRENCY; worker++) {
        const customer = await expectStatus(
          send('POST', '/v1/customers', agentToken, {
            companyName: `Bench customer ${worker}`,
            country: 'DE',
            domain: `bench-${randomUUID().slice(0, 8)}.onmicrosoft.com`,
            contact: { firstName: 'Bench', lastName: 'Customer', email: 'bench@example.com' },
          }),
          201,
        );
        await expectStatus(
          send('POST', `/v1/customers/${customer.body.id}/agreements`, agentToken, {
            type: 'MicrosoftCustomerAgreement',
            primaryContact: { firstName: 'Bench', lastName: 'Customer', email: 'bench@example.com' },
            dateAgreed: '2025-01-01',
          }),
          201,
        );
        customers.push(customer.body.id);
      }
      const oneLine = { lineItems: [{ catalogItemId: E3_ANNUAL, quantity: 10, termDuration: 'P1Y', billingCycle: 'annual' }] };

      // Carts for every checkout of the warm-up and the timed rounds, made beforehand.
      const carts = new Map<string, string>();
      await Promise.all(
        customers.map(async (customerId, worker) => {
          for (let round = -1; round < ROUNDS; round++) {
            const count = round < 0 ? WARMUP : PER_WORKER;
            for (let index = 0; index < count; index++) {
              const cart = await expectStatus(send('POST', `/v1/customers/${customerId}/carts`, agentToken, oneLine), 201);
              carts.set(`${round}/${worker}/${index}`, cart.body.id);
            }
          }
        }),
      );
      const headers = { authorization: `Bearer ${agentToken}` };
      const checkout = await context.compare(
        'raw8',
        { workers: CONCURRENCY, perWorker: PER_WORKER, warmup: WARMUP, rounds: ROUNDS },
        load.rounds(port, headers, (worker, index, round) => ({
          method: 'POST',
          path: `/v1/customers/${customers[worker]}/carts/${carts.get(`${round}/${worker}/${index}`)}/checkout`,
          status: 201,
        })),
      );

      const sampleCart = await expectStatus(send('POST', `/v1/customers/${customers[0]}/carts`, agentToken, oneLine), 201);
      floorAnswers.checkout = (await expectStatus(send('POST', `/v1/customers/${customers[0]}/carts/${sampleCart.body.id}/checkout`, agentToken), 201)).body;
      const checkoutFloor = await context.compare(
        'raw8',
        { workers: CONCURRENCY, perWorker: PER_WORKER, warmup: WARMUP, rounds: ROUNDS },
        load.rounds(port, headers, (worker, index) => ({ method: 'POST', path: `/bench/floor/${customers[worker]}/${index}/checkout`, status: 201 })),
      );

      // Subscriptions whose quantity the PATCH rounds raise by one seat each time.
      const subscriptions = await Promise.all(
        customers.map(async (customerId) => {
          const ids: string[] = [];
          for (let n = 0; n < SUBSCRIPTIONS_PER_WORKER; n++) {
            const cart = await expectStatus(send('POST', `/v1/customers/${customerId}/carts`, agentToken, oneLine), 201);
            const order = await expectStatus(send('POST', `/v1/customers/${customerId}/carts/${cart.body.id}/checkout`, agentToken), 201);
            ids.push(order.body.orders[0].lineItems[0].subscriptionId);
          }
          return ids;
        }),
      );
      const quantities = new Map<string, number>();
      const patch = await context.compare(
        'raw8',
        { workers: CONCURRENCY, perWorker: PER_WORKER, warmup: WARMUP, rounds: ROUNDS },
        load.rounds(port, headers, (worker, index) => {
          const subscriptionId = subscriptions[worker][index % SUBSCRIPTIONS_PER_WORKER];
          const quantity = (quantities.get(subscriptionId) ?? 10) + 1;
          quantities.set(subscriptionId, quantity);
          return { method: 'PATCH', path: `/v1/customers/${customers[worker]}/subscriptions/${subscriptionId}`, body: { quantity }, status: 200 };
        }),
      );

      // The subscription as the PATCH rounds left it: as large as the largest answer they got.
      floorAnswers.patch = (await expectStatus(send('GET', `/v1/customers/${customers[0]}/subscriptions/${subscriptions[0][0]}`, agentToken), 200)).body;
      const patchFloor = await context.compare(
        'raw8',
        { workers: CONCURRENCY, perWorker: PER_WORKER, warmup: WARMUP, rounds: ROUNDS },
        load.rounds(port, headers, (worker, index) => ({ method: 'PATCH', path: `/bench/floor/${customers[worker]}/${index}`, body: { quantity: index + 1 }, status: 200 })),
      );

      return [
        { label: `checkout of a one-line cart, ${CONCURRENCY} concurrent`, unit: 'checkouts', ...checkout, ratioTo: 'raw8', goal: 0.35 },
        { label: '  its floor: same HTTP stack, handler does nothing', unit: 'requests', ...checkoutFloor, ratioTo: 'raw8' },
        { label: `quantity PATCH, ${CONCURRENCY} concurrent`, unit: 'patches', ...patch, ratioTo: 'raw8', goal: 0.35 },
        { label: '  its floor: same HTTP stack and DTO, handler does nothing', unit: 'requests', ...patchFloor, ratioTo: 'raw8' },
      ];
    } finally {
      await load.close();
      agent.destroy();
      await running.close();
      const redis = createRedisConnection({ redisUrl: running.config.redis.url });
      await deleteKeysWithPrefix(redis, redisPrefix).finally(() => redis.quit());
    }
  },
};
