import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { ITEMS, line, World, type Partner } from '../../../../apps/api/src/subscriptions/testing/world';
import { ALL_PROJECTIONS } from '../../../../apps/api/src/projections';
import { eventsExportCommand } from '../../../../apps/cli/commands/events-export';
import { projectionsVerifyCommand } from '../../../../apps/cli/commands/projections-verify';
import { subscriptionAsOfCommand } from '../../../../apps/cli/commands/subscription-as-of';
import { PostgresEventStore } from '../../../event-store/src/postgres/postgres-event-store';
import { instantiateProjections } from '../../../event-store/src/projections/projection-runner';
import { startTestApp, type TestApp } from '../../../../test/support/app';
import { exportEvents } from '../export/events-export';
import { tablesOfReset, verifyProjections } from './projections-verify';

/** Runs a CLI command against the test database and collects what it prints. */
async function runCli(command: { run(args: string[]): Promise<number | void> }, args: string[], env: Record<string, string>) {
  const saved = { ...process.env };
  const out: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void out.push(parts.join(' ')));
  const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  Object.assign(process.env, env);
  try {
    const code = (await command.run(args)) ?? 0;
    return { code, out: out.join('\n') };
  } finally {
    process.env = saved;
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
  }
}

describe('projections:verify, events:export and subscription:as-of', () => {
  let app: TestApp;
  let world: World;
  let env: Record<string, string>;
  let firstSubscription: { customerId: string; subscriptionId: string };
  const dir = mkdtempSync(join(tmpdir(), 'csp-export-'));

  /** A long scenario through the API: partners, customers, relationships, webhooks, purchases, changes. */
  async function scenario(): Promise<void> {
    world.setClock('2025-01-15T10:00:00.000Z');
    const partners: Partner[] = [];
    for (let i = 0; i < 3; i++) partners.push(await world.onboard('direct'));
    for (const [index, partner] of partners.entries()) {
      const hook = await world.call('POST', '/v1/webhooks', world.as(partner, 'global-admin'), {
        url: `https://hooks-${index}.example.com/csp`,
        eventTypes: ['subscription.purchased', 'subscription.updated', 'customer.relationship-accepted'],
      });
      expect(hook.status).toBe(201);
      for (let c = 0; c < 2; c++) {
        const customerId = await world.customer(partner);
        const other = partners[(index + 1) % partners.length];
        const request = await world.call('POST', '/v1/relationship-requests', world.as(other, 'global-admin'), { customerId });
        expect(request.status).toBe(201);
        expect((await world.call('POST', `/v1/relationship-requests/${encodeURIComponent(request.body.token)}/accept`, world.adminOf(customerId))).status).toBe(200);
        const subscriptions = [await world.buy(partner, customerId), await world.buy(partner, customerId, line(ITEMS.e3P1M, { quantity: 3, termDuration: 'P1M', billingCycle: 'monthly' }))];
        firstSubscription ??= { customerId, subscriptionId: subscriptions[0] };
        world.setClock(`2025-01-${String(16 + index).padStart(2, '0')}T0${c}:30:00.000Z`);
        const url = world.subscriptionUrl(customerId, subscriptions[0]);
        expect((await world.call('PATCH', url, world.as(partner), { quantity: 12 + c })).status).toBe(200);
        expect((await world.call('PATCH', url, world.as(partner), { friendlyName: `Office ${index}-${c}` })).status).toBe(200);
        expect((await world.call('PUT', `${url}/scheduled-changes`, world.as(partner), { quantity: 20 })).status).toBe(200);
        if (c === 1) expect((await world.call('DELETE', `${url}/scheduled-changes`, world.as(partner))).status).toBe(200);
        expect((await world.call('PATCH', url, world.as(partner), { autoRenewEnabled: false })).status).toBe(200);
        expect((await world.call('POST', world.subscriptionUrl(customerId, subscriptions[1], '/cancel'), world.as(partner))).status).toBe(200);
        if (c === 0) {
          // Monthly terms that renew, and one that expires and is disabled, when time moves on.
          const monthly = line(ITEMS.e3P1M, { quantity: 1, termDuration: 'P1M', billingCycle: 'monthly' });
          await world.buy(partner, customerId, monthly);
          const expiring = await world.buy(partner, customerId, monthly);
          expect((await world.call('PATCH', world.subscriptionUrl(customerId, expiring), world.as(partner), { autoRenewEnabled: false })).status).toBe(200);
        }
        world.setClock('2025-01-15T10:00:00.000Z');
      }
    }
    const moved = await world.call('POST', '/v1/test/clock/advance', { tenantId: 'operator', roles: ['operator'] }, { days: 70 });
    expect(moved.status).toBe(200);
    const types = new Set((await sql<{ type: string }>`select distinct type from events`.execute(app.db.db)).rows.map((row) => row.type));
    for (const type of ['SubscriptionRenewed', 'SubscriptionExpired', 'SubscriptionDisabled', 'SubscriptionCancelled', 'WebhookRegistered']) expect(types).toContain(type);
  }

  beforeAll(async () => {
    app = await startTestApp();
    world = new World(app);
    await scenario();
    await world.catchUp();
    env = { DATABASE_URL: app.db.url, APP_ENV: 'test', EVENT_STORE_DRIVER: 'postgres', LOG_LEVEL: 'silent' };
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds each read model\'s tables from its reset', async () => {
    const projections = instantiateProjections(ALL_PROJECTIONS);
    const byName = Object.fromEntries(await Promise.all(projections.map(async (p) => [p.name, await tablesOfReset(app.db, p)])));
    expect(byName.customers_v1).toEqual(['customer_partner_relationships', 'customers']);
    expect(byName.webhooks_v1).toEqual(['webhook_deliveries', 'webhook_registrations']);
    expect(byName.audit_access_v1).toEqual(['audit_event_access']);
    expect(await world.eventCount()).toBeGreaterThan(100);
  });

  it('R-AUDIT-1: every read model rebuilt from the events alone is identical to the live one, while the runner keeps going', async () => {
    const store = new PostgresEventStore(app.db.pool);
    const projections = instantiateProjections(ALL_PROJECTIONS);
    const partner = await world.onboard('direct');
    // Writes keep coming while it runs: each read model is compared at its own live checkpoint.
    const [results] = await Promise.all([
      verifyProjections(app.db, store, projections, { batchSize: 50 }),
      (async () => {
        for (let i = 0; i < 3; i++) await world.customer(partner);
      })(),
    ]);
    expect(results.map((r) => r.projection).sort()).toEqual(projections.map((p) => p.name).sort());
    for (const result of results) {
      expect({ projection: result.projection, identical: result.identical }).toEqual({ projection: result.projection, identical: true });
      expect(result.liveDigest).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(results.find((r) => r.projection === 'webhooks_v1')?.rows).toBeGreaterThan(10);
    expect(results.find((r) => r.projection === 'customers_v1')?.rows).toBeGreaterThan(6);
    // Nothing of the scratch schema is left behind.
    const schemas = await sql<{ n: string }>`select count(*) as n from information_schema.schemata where schema_name like 'verify_%'`.execute(app.db.db);
    expect(schemas.rows[0].n).toBe('0');
  });

  it('R-AUDIT-1: a changed live row shows as a different digest for its read model only; the CLI exits 1', async () => {
    const [row] = await app.db.db.selectFrom('customers').select(['customer_id', 'company_name']).limit(1).execute();
    await app.db.db.updateTable('customers').set({ company_name: 'Tampered' }).where('customer_id', '=', row.customer_id).execute();
    try {
      const report = await runCli(projectionsVerifyCommand, [], env);
      expect(report.code).toBe(1);
      expect(report.out).toMatch(/customers_v1 .* DIFFERENT/);
      expect(report.out).toMatch(/webhooks_v1 .* identical/);
      expect(report.out).toContain('1 of');
    } finally {
      await app.db.db.updateTable('customers').set({ company_name: row.company_name }).where('customer_id', '=', row.customer_id).execute();
    }
    const again = await runCli(projectionsVerifyCommand, [], env);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/all \d+ read models identical/);
  });

  it('R-AUDIT-1: events:export writes every event once, in log order, secrets redacted', async () => {
    const file = join(dir, 'events.jsonl');
    const report = await runCli(eventsExportCommand, ['--out', file], env);
    expect(report.code).toBe(0);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(await world.eventCount());
    const events = lines.map((text) => JSON.parse(text));
    const positions = events.map((event) => event.position);
    expect([...positions].sort()).toEqual(positions);
    expect(events[0]).toEqual(expect.objectContaining({ eventId: expect.any(String), type: expect.any(String), metadata: expect.objectContaining({ actor: expect.any(Object) }) }));
    expect(readFileSync(file, 'utf8')).not.toContain('scrypt$');
    expect(events.filter((event) => event.type === 'CustomerAdminCredentialsIssued').every((event) => event.data.passwordHash === '[redacted]')).toBe(true);

    // Resumable from a position, with small pages.
    const chunks: string[] = [];
    const sink = { write: (chunk: string) => (chunks.push(chunk), true) } as unknown as NodeJS.WritableStream;
    const rest = await exportEvents(new PostgresEventStore(app.db.pool), sink as never, { after: positions[9], batchSize: 7 });
    expect(rest.exported).toBe(lines.length - 10);
    expect(chunks.join('').trimEnd().split('\n')).toEqual(lines.slice(10));
    expect((await runCli(eventsExportCommand, [], env)).code).toBe(2);
  });

  it('R-AUDIT-1: subscription:as-of prints the state a subscription had at an instant', async () => {
    const { customerId, subscriptionId } = firstSubscription;
    const before = await runCli(subscriptionAsOfCommand, [subscriptionId, '2025-01-15T12:00:00Z'], env);
    expect(before.code).toBe(0);
    expect(JSON.parse(before.out)).toMatchObject({ id: subscriptionId, customerId, quantity: 10, friendlyName: 'Microsoft 365 E3 (no Teams)', autoRenewEnabled: true, version: 0 });
    const after = await runCli(subscriptionAsOfCommand, [subscriptionId, '2025-01-20T00:00:00Z'], env);
    expect(JSON.parse(after.out)).toMatchObject({ quantity: 12, friendlyName: 'Office 0-0', autoRenewEnabled: false });
    expect((await runCli(subscriptionAsOfCommand, [subscriptionId, '2024-12-31T00:00:00Z'], env)).code).toBe(1);
    expect((await runCli(subscriptionAsOfCommand, [subscriptionId, 'not-a-date'], env)).code).toBe(2);
  });
});
