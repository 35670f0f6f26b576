export * from './idempotency.store';
export * from './idempotency-key';
export * from './idempotency.guard';
export * from './idempotency-cleanup.service';
