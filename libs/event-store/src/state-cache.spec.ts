import { LruMap } from './state-cache';

describe('LruMap', () => {
  it('keeps the entries used recently and forgets those unused for two generations', () => {
    const map = new LruMap<string, number>(4);
    map.set('a', 1);
    map.set('b', 2); // the recent generation is full (max / 2): a and b become the older one
    map.set('c', 3);
    expect(map.get('a')).toBe(1); // a moves to the recent generation, full again: b is forgotten
    expect(map.get('b')).toBeUndefined();
    expect([map.get('a'), map.get('c')]).toEqual([1, 3]);
  });

  it('replaces a value, and forgets a deleted key', () => {
    const map = new LruMap<string, number>(10);
    map.set('a', 1);
    map.set('a', 2);
    expect(map.get('a')).toBe(2);
    map.delete('a');
    expect(map.get('a')).toBeUndefined();
  });

  it('never holds more than max entries', () => {
    const map = new LruMap<number, number>(10);
    for (let n = 0; n < 1000; n++) map.set(n, n);
    const kept = Array.from({ length: 1000 }, (_, n) => map.get(n)).filter((value) => value !== undefined);
    expect(kept.length).toBeLessThanOrEqual(10);
    expect(kept.length).toBeGreaterThanOrEqual(5);
    expect(map.get(999)).toBe(999);
  });
});
