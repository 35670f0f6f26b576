export * from './idempotency.store';
export * from './idempotency.interceptor';
export * from './idempotency-cleanup.service';
