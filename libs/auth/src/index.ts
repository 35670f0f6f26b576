export * from './auth.types';
export * from './decorators';
export * from './claims';
export * from './jwt-verifier';
export * from './auth.guard';
export * from './tenant';
export * from './sign-token';
export * from './auth.module';
