import type { RecordedEvent } from '../../../core/src';
import type { Projection } from './projection';
import { eventsOfInterest, instantiateProjections, positionReached } from './projection-runner';

const noop = async () => undefined;
class Counter implements Projection {
  readonly name = 'counter_v1';
  handle = noop;
  reset = noop;
}

describe('projection runner helpers', () => {
  it('instantiate classes and keep instances, refusing bad or duplicate names', () => {
    const instance: Projection = { name: 'list_v2', handle: noop, reset: noop };
    expect(instantiateProjections([Counter, instance]).map((p) => p.name)).toEqual(['counter_v1', 'list_v2']);
    expect(() => instantiateProjections([Counter, Counter])).toThrow(/registered twice/);
    expect(() => instantiateProjections([{ name: 'NoVersion', handle: noop, reset: noop }])).toThrow(/_v<N>/);
  });

  it('compare positions as strings, null being before everything', () => {
    expect(positionReached(null, null)).toBe(true);
    expect(positionReached('00000000000000000001', null)).toBe(true);
    expect(positionReached(null, '00000000000000000001')).toBe(false);
    expect(positionReached('00000000000000000010', '00000000000000000009')).toBe(true);
    expect(positionReached('00000000000000000009', '00000000000000000010')).toBe(false);
  });

  it('hand a projection only the event types it asked for (all when it names none)', () => {
    const events = ['A', 'B', 'A'].map((type, i) => ({ type, position: String(i) }) as RecordedEvent);
    expect(eventsOfInterest({ eventTypes: ['A'] }, events).map((e) => e.position)).toEqual(['0', '2']);
    expect(eventsOfInterest({ eventTypes: [] }, events)).toHaveLength(3);
    expect(eventsOfInterest({}, events)).toHaveLength(3);
  });
});
