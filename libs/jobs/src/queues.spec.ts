import { jobId, timerOccurrenceId } from './queues';
import { processRoles, runsWorker } from './process-roles';
import { jobsOptionsFromEnv } from './connection';

// BullMQ's own checks on custom ids (Job.validateOptions).
const acceptedByBullMq = (id: string) => `${parseInt(id, 10)}` !== id && (!id.includes(':') || id.split(':').length === 3);

describe('job ids', () => {
  it('are deterministic and never contain ":" nor are plain integers', () => {
    const id = timerOccurrenceId('subscription-renewal:42', '2025-03-01T00:00:00.000Z');
    expect(id).toBe(timerOccurrenceId('subscription-renewal:42', new Date('2025-03-01T00:00:00Z')));
    expect(id).toBe('timer-subscription-renewal%3A42-1740787200000');
    expect(acceptedByBullMq(id)).toBe(true);
    expect(acceptedByBullMq(jobId(123))).toBe(false); // a bare integer is the caller's mistake
    expect(acceptedByBullMq(jobId('x', 123))).toBe(true);
  });

  it('keep different timers and different due instants apart', () => {
    expect(timerOccurrenceId('a:b', '2025-01-01T00:00:00Z')).not.toBe(timerOccurrenceId('a%3Ab', '2025-01-01T00:00:00Z'));
    expect(timerOccurrenceId('a', '2025-01-01T00:00:00Z')).not.toBe(timerOccurrenceId('a', '2025-01-01T00:00:01Z'));
  });

  it('refuse an invalid instant', () => {
    expect(() => timerOccurrenceId('a', 'not a date')).toThrow(/invalid due instant/);
  });
});

describe('process roles', () => {
  it('default to api and worker', () => {
    expect([...processRoles(undefined)]).toEqual(['api', 'worker']);
    expect(runsWorker('api')).toBe(false);
    expect(runsWorker(' worker ')).toBe(true);
  });

  it('refuse an unknown role', () => {
    expect(() => processRoles('api,cron')).toThrow(/unknown role "cron"/);
  });
});

describe('jobs options', () => {
  it('come from REDIS_URL and REDIS_PREFIX with defaults', () => {
    expect(jobsOptionsFromEnv({})).toEqual({ redisUrl: 'redis://127.0.0.1:6379', prefix: 'csp' });
    expect(jobsOptionsFromEnv({ REDIS_URL: 'redis://r:1/2', REDIS_PREFIX: 'p' }, { prefix: 'q' })).toEqual({ redisUrl: 'redis://r:1/2', prefix: 'q' });
  });
});
