import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '../../../event-store/src/postgres/postgres-event-store';
import { createTestDatabase } from '../../../persistence/src/testing/test-database';
import { CatalogCommands } from '../application/catalog.commands.service';
import { CatalogService } from '../application/catalog.service';
import { STARTER_PRODUCTS, STARTER_PRICE_LISTS } from '../application/starter-catalog';
it('times', async () => {
  const db = await createTestDatabase();
  const store = new PostgresEventStore(db.pool);
  const ctx = { actor: { userId: 'u', tenantId: 'operator', roles: [] }, correlationId: 'c', causationId: 'c', now: new Date('2025-01-15T00:00:00Z') };
  const c = new CatalogCommands(store, new CatalogService(store));
  for (const p of STARTER_PRODUCTS) await c.publishProduct(p, ctx, { checkReferences: false });
  const l = STARTER_PRICE_LISTS[0];
  let t = Date.now();
  const data = { items: l.items.map((i) => ({ ...i, unitPrice: { minor: 100, currency: 'USD' } })) };
  for (let k = 0; k < 5; k++) {
    const id = randomUUID();
    await store.appendToStream(`probe-${k}`, -1, [{ eventId: id, type: 'Probe', data, metadata: { eventId: id, correlationId: 'c', causationId: 'c', actor: ctx.actor, occurredAt: 'x' } }]);
  }
  console.log('5 big appends ms', Date.now() - t);
  t = Date.now();
  for (let k = 0; k < 5; k++) {
    const id = randomUUID();
    await store.appendToStream(`probe2-${k}`, -1, [{ eventId: id, type: 'Probe', data: {}, metadata: { eventId: id, correlationId: 'c', causationId: 'c', actor: ctx.actor, occurredAt: 'x' } }]);
  }
  console.log('5 small appends ms', Date.now() - t);
  t = Date.now();
  for (let k = 0; k < 5; k++) await store.readStream(`probe-${k}`);
  console.log('5 big reads ms', Date.now() - t);
  await db.drop();
});
