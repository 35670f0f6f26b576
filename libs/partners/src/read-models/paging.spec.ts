import { DomainError } from '../../../core/src';
import { decodeContinuationToken, encodeContinuationToken, toPage } from './paging';

describe('continuation tokens', () => {
  it('round-trips a page key', () => {
    const key = { createdAt: '2026-03-01T10:00:00.000Z', id: 'abc' };
    expect(decodeContinuationToken(encodeContinuationToken(key))).toEqual(key);
    expect(decodeContinuationToken(undefined)).toBeNull();
  });

  it('refuses a token it did not issue with a 400-kind error', () => {
    for (const token of ['nope', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('["x","y"]').toString('base64url')]) {
      expect(() => decodeContinuationToken(token)).toThrow(DomainError);
      expect(() => decodeContinuationToken(token)).toThrow(expect.objectContaining({ kind: 'invalid', code: 'invalid-continuation-token' }));
    }
  });

  it('offers a token only when another page exists', () => {
    const rows = [1, 2, 3].map((n) => ({ n, at: `2026-03-0${n}T00:00:00.000Z` }));
    const key = (row: { n: number; at: string }) => ({ createdAt: row.at, id: String(row.n) });
    expect(toPage(rows, 3, key, (r) => r.n)).toEqual({ items: [1, 2, 3] });
    const first = toPage(rows, 2, key, (r) => r.n);
    expect(first.items).toEqual([1, 2]);
    expect(decodeContinuationToken(first.continuationToken)).toEqual({ createdAt: '2026-03-02T00:00:00.000Z', id: '2' });
  });
});
