import type { LightMyRequestResponse } from 'fastify';
import { SignJWT } from 'jose';
import { startTestApp, type TestApp } from '../../../test/support/app';
import { ProbeController, ProbeModule } from './testing/probe.controller';

// Starting whole apps (and a child process) takes seconds on a busy machine.
jest.setTimeout(60_000);

const PARTNER = { tenantId: '6f1c1a52-3c5e-4b9a-9b0e-1f2d3c4b5a69', roles: ['admin-agent' as const], userId: 'alice' };
const VALID_ORDER = { customerId: 'c-1', billingCycle: 'monthly', lines: [{ sku: 'CFQ7TTC0LH18', quantity: 3 }] };

describe('HTTP edge: errors, auth, idempotency, observability', () => {
  let app: TestApp;
  let auth: { authorization: string };
  const logLines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    app = await startTestApp({
      imports: [ProbeModule],
      env: { LOG_LEVEL: 'info' },
      logDestination: { write: (line: string) => void logLines.push(JSON.parse(line)) },
    });
    auth = await app.authFor(PARTNER);
  });

  afterAll(async () => {
    await app?.close();
  });

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    app.http.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...auth, ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });

  function expectProblem(res: LightMyRequestResponse, status: number, code: string) {
    expect({ status: res.statusCode, type: res.headers['content-type'] }).toEqual({
      status,
      type: expect.stringMatching(/^application\/problem\+json/),
    });
    const body = res.json();
    expect(body).toMatchObject({ status, code, type: `urn:csp-commerce:problem:${code}`, title: expect.any(String), detail: expect.any(String) });
    return body;
  }

  const fieldsOf = (body: { errors: Array<{ field: string }> }) => body.errors.map((e) => e.field).sort();

  describe('bad input answers 400 and names every field', () => {
    it('malformed JSON -> 400 malformed-json', async () => {
      const body = expectProblem(await post('/v1/test-probe/orders', '{"customerId": "c-1",'), 400, 'malformed-json');
      expect(body.detail).toContain('not valid JSON');
    });

    it('missing fields -> 400 validation-failed naming each', async () => {
      const body = expectProblem(await post('/v1/test-probe/orders', {}), 400, 'validation-failed');
      expect(fieldsOf(body)).toEqual(['billingCycle', 'customerId', 'lines']);
      expect(body.errors.find((e: { field: string }) => e.field === 'customerId').messages).toEqual(['customerId must be a string']);
    });

    it('wrong types, also nested -> every field with its messages', async () => {
      const res = await post('/v1/test-probe/orders', { customerId: 42, billingCycle: 'weekly', lines: [{ sku: 'x', quantity: '3' }, { sku: '', quantity: 0 }] });
      const body = expectProblem(res, 400, 'validation-failed');
      expect(fieldsOf(body)).toEqual(['billingCycle', 'customerId', 'lines[0].quantity', 'lines[1].quantity', 'lines[1].sku']);
    });

    it('unknown fields, top-level and nested, are refused by name', async () => {
      const res = await post('/v1/test-probe/orders', { ...VALID_ORDER, isAdmin: true, lines: [{ sku: 'a', quantity: 1, price: 0 }] });
      const body = expectProblem(res, 400, 'validation-failed');
      expect(body.errors).toEqual([
        { field: 'isAdmin', messages: ['property isAdmin should not exist'] },
        { field: 'lines[0].price', messages: ['property price should not exist'] },
      ]);
    });

    it.each([
      ['an array', '[1,2,3]'],
      ['a string', '"hello"'],
      ['a number', '42'],
      ['null', 'null'],
      ['an empty body', ''],
      ['a nested array for an object list', '{"customerId":"c","billingCycle":"monthly","lines":[[1]]}'],
      ['a prototype-poisoning key', '{"__proto__":{"admin":true},"customerId":"c"}'],
      ['a constructor key', '{"constructor":{"prototype":{"x":1}}}'],
      ['a huge number', '{"customerId":"c","billingCycle":"monthly","lines":[{"sku":"a","quantity":1e400}]}'],
      ['deep nesting', `${'{"a":'.repeat(500)}1${'}'.repeat(500)}`],
      ['a bad unicode escape', '{"customerId":"\\ud800"}'],
    ])('%s never yields a 500', async (_name, payload) => {
      const res = await post('/v1/test-probe/orders', payload);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(['validation-failed', 'malformed-json']).toContain(res.json().code);
    });

    it('a body that is not an object is reported on the body', async () => {
      const body = expectProblem(await post('/v1/test-probe/orders', '[1]'), 400, 'validation-failed');
      expect(body.errors[0].field).toBe('body');
    });

    it('a wrong content type -> 415 unsupported-media-type', async () => {
      const res = await app.http.inject({ method: 'POST', url: '/v1/test-probe/orders', headers: { 'content-type': 'text/plain', ...auth }, payload: 'hi' });
      expectProblem(res, 415, 'unsupported-media-type');
    });

    it('JSON merge patch bodies are JSON too', async () => {
      const res = await app.http.inject({
        method: 'POST',
        url: '/v1/test-probe/orders',
        headers: { 'content-type': 'application/merge-patch+json', ...auth },
        payload: JSON.stringify(VALID_ORDER),
      });
      expect(res.statusCode).toBe(201);
    });

    it('a body over the limit -> 413 payload-too-large', async () => {
      const res = await post('/v1/test-probe/orders', { ...VALID_ORDER, note: 'x'.repeat(1024 * 1024 + 10) });
      expectProblem(res, 413, 'payload-too-large');
    });

    it('valid input passes and is transformed', async () => {
      const res = await post('/v1/test-probe/orders', VALID_ORDER);
      expect(res.statusCode).toBe(201);
      expect(res.json().received).toEqual(VALID_ORDER);
    });
  });

  describe('auth', () => {
    it('no token -> 401 unauthenticated', async () => {
      const res = await app.http.inject({ method: 'POST', url: '/v1/test-probe/orders', headers: { 'content-type': 'application/json' }, payload: '{}' });
      expectProblem(res, 401, 'unauthenticated');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    });

    it('bad signature -> 401', async () => {
      const forged = await new SignJWT({ tid: PARTNER.tenantId, roles: ['admin-agent'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('mallory')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('not-the-secret-not-the-secret-not-the-secret'));
      const body = expectProblem(await post('/v1/test-probe/orders', VALID_ORDER, { authorization: `Bearer ${forged}` }), 401, 'unauthenticated');
      expect(body.detail).toBe('the token signature is invalid');
    });

    it('a token claiming an unknown role -> 401', async () => {
      const token = await new SignJWT({ tid: PARTNER.tenantId, roles: ['superuser'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('u')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode((await import('../../../libs/config/src/app-config')).DEV_JWT_SECRET));
      expectProblem(await post('/v1/test-probe/orders', VALID_ORDER, { authorization: `Bearer ${token}` }), 401, 'unauthenticated');
    });

    it('R-ROLE-1: a role outside the route\'s roles -> 403 forbidden', async () => {
      const marketing = await app.authFor({ tenantId: PARTNER.tenantId, roles: ['marketing-content-admin'] });
      const body = expectProblem(await post('/v1/test-probe/orders', VALID_ORDER, marketing), 403, 'forbidden');
      expect(body.detail).toContain('admin-agent, sales-agent');
    });

    it('auth is checked before the body: a stranger learns nothing about validation', async () => {
      const res = await app.http.inject({ method: 'POST', url: '/v1/test-probe/orders', headers: { 'content-type': 'application/json' }, payload: '{bad' });
      // The body parser runs before the guard, so malformed JSON is still 400; valid JSON is 401.
      expect([400, 401]).toContain(res.statusCode);
    });

    it('public routes need no token', async () => {
      const res = await app.http.inject({ method: 'GET', url: '/v1/test-probe/public' });
      expect(res.statusCode).toBe(200);
    });
  });

  describe('errors of the application', () => {
    it('unknown route -> 404 not-found problem+json', async () => {
      const body = expectProblem(await app.http.inject({ method: 'GET', url: '/v1/no-such-thing?x=1', headers: auth }), 404, 'not-found');
      expect(body.instance).toBe('/v1/no-such-thing');
    });

    it('unknown route without a token is also 404', async () => {
      expectProblem(await app.http.inject({ method: 'DELETE', url: '/v1/nothing' }), 404, 'not-found');
    });

    it('a business rule -> 422 with its code and details', async () => {
      const body = expectProblem(await post('/v1/test-probe/outcomes', { outcome: 'rule' }), 422, 'cancellation-window-closed');
      expect(body.details).toEqual({ windowHours: 168 });
    });

    it('a state conflict -> 409 with its code', async () => {
      expectProblem(await post('/v1/test-probe/outcomes', { outcome: 'conflict' }), 409, 'already-cancelled');
    });

    it('a version conflict -> 409 version-conflict', async () => {
      expectProblem(await post('/v1/test-probe/outcomes', { outcome: 'version' }), 409, 'version-conflict');
    });

    it('an unexpected error -> 500 internal-error without its message, logged with the correlation id and the request id', async () => {
      const res = await post('/v1/test-probe/outcomes', { outcome: 'crash' }, { 'x-correlation-id': 'crash-corr-1' });
      const body = expectProblem(res, 500, 'internal-error');
      expect(res.body).not.toContain('secret internal detail');
      expect(body.correlationId).toBe('crash-corr-1');
      const logged = logLines.find((l) => l.msg === 'request failed' && l.correlationId === 'crash-corr-1');
      expect(logged).toBeDefined();
      expect(JSON.stringify(logged)).toContain('secret internal detail');
      // The error line and the request line name the same request.
      const answered = logLines.find((l) => l.msg === 'request errored' && l.correlationId === 'crash-corr-1');
      expect((logged?.req as { id?: string; url?: string }).url).toBe('/v1/test-probe/outcomes');
      expect((logged?.req as { id?: string }).id).toBe((answered?.req as { id?: string } | undefined)?.id);
    });
  });

  describe('correlation and request meta', () => {
    it('echoes the caller\'s x-correlation-id, and puts it in every log line of the request', async () => {
      const res = await post('/v1/test-probe/orders', VALID_ORDER, { 'x-correlation-id': 'corr-abc-123' });
      expect(res.headers['x-correlation-id']).toBe('corr-abc-123');
      const lines = logLines.filter((l) => (l.req as { url?: string } | undefined)?.url === '/v1/test-probe/orders' && l.correlationId === 'corr-abc-123');
      expect(lines.length).toBeGreaterThan(0);
      const requestIds = new Set(logLines.filter((l) => l.correlationId === 'corr-abc-123').map((l) => (l.req as { id: string }).id));
      expect(requestIds.size).toBe(1);
      const [requestId] = [...requestIds];
      expect(logLines.filter((l) => (l.req as { id?: string } | undefined)?.id === requestId).every((l) => l.correlationId === 'corr-abc-123')).toBe(true);
      expect(JSON.stringify(logLines)).not.toContain(auth.authorization.slice(7));
    });

    it('generates a correlation id when none (or an unusable one) is given', async () => {
      const res = await post('/v1/test-probe/orders', VALID_ORDER, { 'x-correlation-id': 'bad id with spaces\n' });
      expect(res.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('CommandContextFactory builds the context from the request and the clock', async () => {
      app.clock.set(new Date('2025-03-01T12:00:00.000Z'));
      const res = await post('/v1/test-probe/orders', VALID_ORDER, { 'x-correlation-id': 'ctx-1' });
      const { context } = res.json();
      expect(context).toEqual({
        actor: { userId: 'alice', tenantId: PARTNER.tenantId, roles: ['admin-agent'] },
        correlationId: 'ctx-1',
        causationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        now: '2025-03-01T12:00:00.000Z',
      });
    });
  });

  describe('Idempotency-Key', () => {
    const probe = () => app.http.get(ProbeController);

    it('the same key and body answers the first response again', async () => {
      const first = await post('/v1/test-probe/orders', VALID_ORDER, { 'idempotency-key': 'order-1' });
      const calls = probe().calls;
      const again = await post('/v1/test-probe/orders', VALID_ORDER, { 'idempotency-key': 'order-1' });
      expect(again.statusCode).toBe(first.statusCode);
      expect(again.json()).toEqual(first.json());
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(probe().calls).toBe(calls);
    });

    it('key order in the body does not matter', async () => {
      await post('/v1/test-probe/orders', VALID_ORDER, { 'idempotency-key': 'order-2' });
      const reordered = { lines: VALID_ORDER.lines, billingCycle: 'monthly', customerId: 'c-1' };
      const again = await post('/v1/test-probe/orders', reordered, { 'idempotency-key': 'order-2' });
      expect(again.statusCode).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
    });

    it('the same key with another body -> 422 idempotency-key-reused', async () => {
      await post('/v1/test-probe/orders', VALID_ORDER, { 'idempotency-key': 'order-3' });
      expectProblem(await post('/v1/test-probe/orders', { ...VALID_ORDER, customerId: 'c-2' }, { 'idempotency-key': 'order-3' }), 422, 'idempotency-key-reused');
      expectProblem(await post('/v1/test-probe/outcomes', { outcome: 'ok' }, { 'idempotency-key': 'order-3' }), 422, 'idempotency-key-reused');
    });

    it('keys are per tenant', async () => {
      await post('/v1/test-probe/orders', VALID_ORDER, { 'idempotency-key': 'shared-key' });
      const other = await app.authFor({ tenantId: 'another-tenant', roles: ['sales-agent'] });
      const res = await post('/v1/test-probe/orders', { ...VALID_ORDER, customerId: 'c-9' }, { ...other, 'idempotency-key': 'shared-key' });
      expect(res.statusCode).toBe(201);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
    });

    it('a 4xx answer is stored and replayed', async () => {
      const first = await post('/v1/test-probe/outcomes', { outcome: 'rule' }, { 'idempotency-key': 'rule-1' });
      const calls = probe().calls;
      const again = await post('/v1/test-probe/outcomes', { outcome: 'rule' }, { 'idempotency-key': 'rule-1' });
      expect(again.statusCode).toBe(422);
      expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(again.json()).toEqual(first.json());
      expect(probe().calls).toBe(calls);
    });

    it('a 5xx releases the key so a retry runs again', async () => {
      await post('/v1/test-probe/outcomes', { outcome: 'crash' }, { 'idempotency-key': 'crash-1' });
      const calls = probe().calls;
      const retry = await post('/v1/test-probe/outcomes', { outcome: 'crash' }, { 'idempotency-key': 'crash-1' });
      expect(retry.statusCode).toBe(500);
      expect(probe().calls).toBe(calls + 1);
    });

    it('a duplicate while the first is in flight -> 409 idempotency-key-in-progress', async () => {
      const first = post('/v1/test-probe/slow', { outcome: 'ok' }, { 'idempotency-key': 'slow-1' });
      // Wait until the first request holds the key (its row exists), without sleeping on time.
      for (let i = 0; i < 200; i++) {
        const row = await app.db.db.selectFrom('idempotency_keys').select('status').where('key', '=', 'slow-1').executeTakeFirst();
        if (row) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      expectProblem(await post('/v1/test-probe/slow', { outcome: 'ok' }, { 'idempotency-key': 'slow-1' }), 409, 'idempotency-key-in-progress');
      probe().releaseSlow();
      const done = await first;
      expect(done.statusCode).toBe(201);
      const replay = await post('/v1/test-probe/slow', { outcome: 'ok' }, { 'idempotency-key': 'slow-1' });
      expect(replay.json()).toEqual({ slow: 'ok' });
    });

    it('an unusable key -> 400 invalid-idempotency-key', async () => {
      expectProblem(await post('/v1/test-probe/orders', VALID_ORDER, { 'idempotency-key': 'x'.repeat(300) }), 400, 'invalid-idempotency-key');
    });

    it('records are kept 24 hours, then a new request may use the key', async () => {
      await post('/v1/test-probe/orders', VALID_ORDER, { 'idempotency-key': 'old-1' });
      await app.db.db
        .updateTable('idempotency_keys')
        .set({ created_at: new Date(Date.now() - 25 * 3600 * 1000) as never })
        .where('key', '=', 'old-1')
        .execute();
      const res = await post('/v1/test-probe/orders', { ...VALID_ORDER, customerId: 'c-new' }, { 'idempotency-key': 'old-1' });
      expect(res.statusCode).toBe(201);
      expect(res.json().received.customerId).toBe('c-new');
    });
  });

  describe('health, metrics, docs', () => {
    it('/health reports PostgreSQL, Redis and the event store', async () => {
      const res = await app.http.inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'ok', info: { postgres: { status: 'up' }, redis: { status: 'up' }, eventStore: { status: 'up' } } });
    });

    it('/metrics exposes default metrics and HTTP requests by route and status', async () => {
      await app.http.inject({ method: 'GET', url: '/health' });
      await post('/v1/test-probe/orders', {});
      await app.http.inject({ method: 'GET', url: '/no-such-route' });
      const res = await app.http.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/plain');
      expect(res.body).toContain('process_cpu_user_seconds_total');
      expect(res.body).toMatch(/http_requests_total\{method="GET",route="\/health",status_code="200"\} \d+/);
      expect(res.body).toMatch(/http_requests_total\{method="POST",route="\/v1\/test-probe\/orders",status_code="400"\} \d+/);
      expect(res.body).toMatch(/http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/health",status_code="200"\}/);
      expect(res.body).toMatch(/route="unmatched",status_code="404"/);
    });

    it('/docs-json is the OpenAPI document with the bearer scheme; /docs is the UI', async () => {
      const json = await app.http.inject({ method: 'GET', url: '/docs-json' });
      expect(json.statusCode).toBe(200);
      const doc = json.json();
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/v1/test-probe/orders']));
      expect(Object.keys(doc.paths)).not.toContain('/metrics');
      const ui = await app.http.inject({ method: 'GET', url: '/docs' });
      expect(ui.statusCode).toBe(200);
      expect(ui.headers['content-type']).toContain('text/html');
      const bundle = await app.http.inject({ method: 'GET', url: '/docs/swagger-ui-bundle.js' });
      expect(bundle.statusCode).toBe(200);
    });
  });
});
