import { DEFAULT_RETRY_SCHEDULE, retryDelayMs, totalRetrySpanMs } from './retry-schedule';

describe('retry schedule', () => {
  it('R-HOOK-1: backs off exponentially from one minute, about 3 days in all', () => {
    const minutes = Array.from({ length: 12 }, (_, i) => retryDelayMs(DEFAULT_RETRY_SCHEDULE, i + 1) / 60_000);
    expect(minutes).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048]);
    const hours = totalRetrySpanMs(DEFAULT_RETRY_SCHEDULE) / 3_600_000;
    expect(hours).toBeCloseTo(68.25, 2);
    expect(hours).toBeGreaterThan(60);
    expect(hours).toBeLessThan(80);
  });

  it('scales with the base (tests use milliseconds)', () => {
    expect([1, 2, 3].map((attempt) => retryDelayMs({ maxAttempts: 4, baseMs: 20 }, attempt))).toEqual([20, 40, 80]);
    expect(totalRetrySpanMs({ maxAttempts: 4, baseMs: 20 })).toBe(140);
  });
});
