import type { ProjectionDefinition } from '../../../libs/event-store/src/projections/projection-runner';
import { DueTimersProjection } from '../../../libs/timers/src/due-timers.projection';
import { FEATURE_PROJECTIONS, FEATURE_TIMER_RULES } from './app.module';

/**
 * Every projection of the application: the features' (FEATURE_PROJECTIONS in app.module.ts) and
 * the due-timers projection built from their timer rules. The CLI rebuilds from this list.
 */
export const ALL_PROJECTIONS: readonly ProjectionDefinition[] = [...FEATURE_PROJECTIONS, new DueTimersProjection(FEATURE_TIMER_RULES)];
