import { renderProgress } from './progress-bar';

describe('CLI progress bar', () => {
  it('draws the share done, counts and rate', () => {
    expect(renderProgress('p_v1', { done: 50, total: 200 }, 1000, 8)).toBe('p_v1 [##......]  25 %  50/200 events  50/s');
    expect(renderProgress('p_v1', { done: 0, total: 0 }, 0, 4)).toBe('p_v1 [####] 100 %  0/0 events  0/s');
  });

  it('never passes 100 % when events arrive during a rebuild, and copes with an unknown total', () => {
    expect(renderProgress('p_v1', { done: 250, total: 200 }, 1000, 4)).toBe('p_v1 [####] 100 %  250/250 events  250/s');
    expect(renderProgress('p_v1', { done: 7, total: null }, 1000)).toBe('p_v1 7 events  7/s');
  });
});
