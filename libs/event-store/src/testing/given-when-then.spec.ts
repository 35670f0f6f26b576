import { ruleViolation, type Decider } from '../../../core/src';
import { given } from './given-when-then';

type DoorCommand = { type: 'Open' } | { type: 'Close' };
type DoorEvent = { type: 'DoorOpened'; data: { by: string } } | { type: 'DoorClosed'; data: Record<string, never> };

const door: Decider<DoorCommand, { open: boolean }, DoorEvent> = {
  initialState: { open: false },
  decide(command, state) {
    if (command.type === 'Open') {
      if (state.open) throw ruleViolation('door-already-open', 'the door is already open');
      return [{ type: 'DoorOpened', data: { by: 'test' } }];
    }
    return state.open ? [{ type: 'DoorClosed', data: {} }] : [];
  },
  evolve: (state, event) => ({ open: event.type === 'DoorOpened' }),
};

const opened: DoorEvent = { type: 'DoorOpened', data: { by: 'test' } };

describe('given/when/then for deciders', () => {
  it('folds the history and compares the emitted events', () => {
    expect(given(door, []).when({ type: 'Open' }).then([opened])).toEqual([opened]);
    given(door, [opened]).when({ type: 'Close' }).then([{ type: 'DoorClosed', data: {} }]);
    given(door, [opened, { type: 'DoorClosed', data: {} }]).when({ type: 'Close' }).then([]);
  });

  it('fails when the events differ', () => {
    expect(() => given(door, []).when({ type: 'Close' }).then([opened])).toThrow();
  });

  it('checks the code of a refusal', () => {
    expect(given(door, [opened]).when({ type: 'Open' }).thenThrows('door-already-open').kind).toBe('rule');
    expect(() => given(door, [opened]).when({ type: 'Open' }).thenThrows('some-other-code')).toThrow();
  });

  it('fails when a refusal was expected but events were emitted', () => {
    expect(() => given(door, []).when({ type: 'Open' }).thenThrows('door-already-open')).toThrow(/expected the decider to refuse/);
  });

  it('lets errors that are not domain refusals through', () => {
    const broken: typeof door = { ...door, decide: () => { throw new RangeError('bug'); } };
    expect(() => given(broken, []).when({ type: 'Open' }).thenThrows('door-already-open')).toThrow(RangeError);
  });
});
