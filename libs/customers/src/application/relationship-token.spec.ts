import { issueToken, parseToken } from './relationship-token';

describe('relationship request tokens', () => {
  const requestId = '0b7e3c0a-8a55-4f1e-9a3d-2c4b5d6e7f80';

  it('embeds the request id and keeps only a hash of the secret', () => {
    const issued = issueToken(requestId);
    expect(issued.token.startsWith(`${requestId}.`)).toBe(true);
    expect(issued.token).not.toContain(issued.secretHash);
    expect(parseToken(issued.token)).toEqual({ requestId, secretHash: issued.secretHash });
  });

  it('issues a different secret each time', () => {
    expect(issueToken(requestId).secretHash).not.toBe(issueToken(requestId).secretHash);
  });

  it('rejects malformed tokens', () => {
    for (const token of ['', requestId, `${requestId}.short`, `not-a-uuid.${'a'.repeat(43)}`, `${requestId}.${'a'.repeat(43)}x`]) {
      expect(parseToken(token)).toBeNull();
    }
  });
});
