import { canonicalJson, requestHash } from './idempotency-key';

describe('request hashing for Idempotency-Key', () => {
  it('ignores object key order, keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(requestHash('POST', '/v1/x', { a: 1, b: 2 })).toBe(requestHash('POST', '/v1/x', { b: 2, a: 1 }));
    expect(requestHash('POST', '/v1/x', [1, 2])).not.toBe(requestHash('POST', '/v1/x', [2, 1]));
  });

  it('distinguishes path, query and body', () => {
    const base = requestHash('POST', '/v1/x', { a: 1 });
    expect(requestHash('POST', '/v1/y', { a: 1 })).not.toBe(base);
    expect(requestHash('POST', '/v1/x?dry=1', { a: 1 })).not.toBe(base);
    expect(requestHash('POST', '/v1/x', { a: '1' })).not.toBe(base);
    expect(requestHash('POST', '/v1/x', undefined)).toBe(requestHash('POST', '/v1/x', null));
  });
});
