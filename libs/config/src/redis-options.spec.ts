import { redisOptionsFromUrl } from './redis-options';

describe('redisOptionsFromUrl', () => {
  it('reads host, port, credentials, db and tls', () => {
    expect(redisOptionsFromUrl('rediss://user:p%40ss@cache.internal:6380/3')).toEqual({
      host: 'cache.internal',
      port: 6380,
      username: 'user',
      password: 'p@ss',
      db: 3,
      tls: {},
    });
  });

  it('defaults the port and handles IPv6 hosts', () => {
    expect(redisOptionsFromUrl('redis://[::1]')).toEqual({ host: '::1', port: 6379 });
  });
});
