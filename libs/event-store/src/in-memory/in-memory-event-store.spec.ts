import { eventStoreContract } from '../contract/event-store.contract';
import { InMemoryEventStore } from './in-memory-event-store';

eventStoreContract('InMemoryEventStore', async () => ({ store: new InMemoryEventStore() }), { emptyAtStart: true, streamVersions: true, appendToStreams: true });
