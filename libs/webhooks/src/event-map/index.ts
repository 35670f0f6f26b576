import { CUSTOMERS_EVENT_MAP } from './customers.event-map';
import { EventMap, type FeatureEventMap } from './event-map';
import { SUBSCRIPTIONS_EVENT_MAP } from './subscriptions.event-map';
import { WEBHOOKS_EVENT_MAP } from './webhooks.event-map';
import { EA_TRANSFER_EVENT_MAP } from '../../../ea-transfer/src/ea-transfer.event-map';

export * from './event-map';

/** Every feature's table; add a feature with one line. */
export const FEATURE_EVENT_MAPS: readonly FeatureEventMap[] = [
  CUSTOMERS_EVENT_MAP,
  SUBSCRIPTIONS_EVENT_MAP,
  WEBHOOKS_EVENT_MAP,
  EA_TRANSFER_EVENT_MAP,
];

/** The application's event map (webhooks, audit visibility, redaction). */
export const EVENT_MAP = new EventMap(FEATURE_EVENT_MAPS);
