export * from './request-ids';
export * from './request-meta.decorator';
export * from './command-context.factory';
