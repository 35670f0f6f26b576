import { eventStoreContract } from '../contract/event-store.contract';
import { EsdbEventStore } from './esdb-event-store';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

// No EventStoreDB server runs on the development machines: the suite is then registered as
// skipped, with one line saying why.
if (!connectionString) process.stdout.write('skipped: no EventStoreDB (EVENTSTORE_CONNECTION_STRING is not set)\n');

eventStoreContract('EsdbEventStore', async () => ({ store: new EsdbEventStore(connectionString!) }), {
  skip: !connectionString,
});
