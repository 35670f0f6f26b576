import { foldAsOf, parseAsOf } from '../../../libs/audit/src/as-of';
import { subscriptionStream } from '../../../libs/subscriptions/src/application/streams';
import { subscriptionViewAt } from '../../../libs/subscriptions/src/application/views';
import { subscriptionDecider } from '../../../libs/subscriptions/src/domain/subscription.decider';
import { withResources } from './cli-support';
import type { CliCommand } from './command';

export const subscriptionAsOfCommand: CliCommand = {
  usage: '<subscriptionId> <instant>',
  description: 'print a subscription as it was at an instant (ISO-8601), folded from its events',
  async run(args) {
    const [subscriptionId, instantText] = args;
    if (!subscriptionId || !instantText) {
      console.error('usage: subscription:as-of <subscriptionId> <instant>');
      return 2;
    }
    let instant: Date;
    try {
      instant = parseAsOf(instantText);
    } catch (error) {
      console.error((error as Error).message);
      return 2;
    }
    return withResources(async ({ store }) => {
      const { state, version } = await foldAsOf(store, subscriptionDecider, subscriptionStream(subscriptionId), instant);
      if (!state.exists) {
        console.error(`subscription ${subscriptionId} did not exist at ${instant.toISOString()}`);
        return 1;
      }
      console.log(JSON.stringify(subscriptionViewAt(state, version, instant.toISOString()), null, 2));
      return 0;
    });
  },
};
