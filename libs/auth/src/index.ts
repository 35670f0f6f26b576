export * from './auth.types';
export * from './decorators';
