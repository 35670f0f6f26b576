import type { RecordedEvent } from '../../core/src';

/** A future transition to run when business time reaches `dueAt` (ARCHITECTURE rule 6). */
export interface TimerSchedule {
  /** Stable id: scheduling the same id again replaces the row (e.g. `subscription-renewal-<id>`). */
  timerId: string;
  /** Selects the processor. */
  kind: string;
  /** ISO-8601 instant (or a Date). */
  dueAt: string | Date;
  /** JSON-safe data for the processor. */
  payload?: Record<string, unknown>;
}

export type TimerInstruction = { schedule: TimerSchedule } | { cancel: string };

/**
 * How a feature turns its events into due-timer rows. `apply` must be pure and deterministic:
 * the rows are a read model and are rebuilt from the events alone.
 */
export interface TimerRule {
  /** The timer kinds it may schedule; each needs a processor (checked at start-up). */
  readonly kinds: readonly string[];
  /** Event types it reacts to. */
  readonly eventTypes: readonly string[];
  apply(event: RecordedEvent): TimerInstruction[];
}

export function timerRule(
  kinds: readonly string[],
  eventTypes: readonly string[],
  apply: (event: RecordedEvent) => TimerInstruction[],
): TimerRule {
  return { kinds, eventTypes, apply };
}

/** A due-timer row as the projection writes it. */
export interface DueTimerRow {
  timerId: string;
  kind: string;
  dueAt: Date;
  payload: Record<string, unknown>;
  streamName: string;
  createdAt: Date;
}

/**
 * The net effect of a batch of events on the due-timers table: per timer id, the row to write
 * (last schedule wins) or null (cancelled). Later events override earlier ones.
 */
export function planTimerChanges(rules: readonly TimerRule[], events: readonly RecordedEvent[]): Map<string, DueTimerRow | null> {
  const changes = new Map<string, DueTimerRow | null>();
  const byType = rulesByEventType(rules);
  for (const event of events) {
    for (const rule of byType.get(event.type) ?? []) {
      for (const instruction of rule.apply(event)) {
        if ('cancel' in instruction) {
          changes.set(instruction.cancel, null);
          continue;
        }
        const { timerId, kind, dueAt, payload } = instruction.schedule;
        if (!rule.kinds.includes(kind)) {
          throw new Error(`timer rule for ${event.type} scheduled kind "${kind}" it does not declare (${rule.kinds.join(', ')})`);
        }
        const due = typeof dueAt === 'string' ? new Date(dueAt) : new Date(dueAt.getTime());
        if (Number.isNaN(due.getTime())) throw new Error(`timer ${timerId}: invalid dueAt ${String(dueAt)}`);
        changes.set(timerId, {
          timerId,
          kind,
          dueAt: due,
          payload: payload ?? {},
          streamName: event.streamName,
          createdAt: new Date(event.metadata.occurredAt),
        });
      }
    }
  }
  return changes;
}

export function rulesByEventType(rules: readonly TimerRule[]): Map<string, TimerRule[]> {
  const map = new Map<string, TimerRule[]>();
  for (const rule of rules) {
    for (const type of rule.eventTypes) map.set(type, [...(map.get(type) ?? []), rule]);
  }
  return map;
}

export function declaredKinds(rules: readonly TimerRule[]): Set<string> {
  return new Set(rules.flatMap((rule) => rule.kinds));
}
