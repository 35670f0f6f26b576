import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { APP_CONFIG, type AppConfig } from '../../config/src/app-config';
import { AuthGuard } from './auth.guard';
import { JwtVerifier } from './jwt-verifier';

/** Registers the global auth guard; needs the APP_CONFIG provider. */
@Global()
@Module({
  providers: [
    { provide: JwtVerifier, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new JwtVerifier(config.auth) },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [JwtVerifier],
})
export class AuthModule {}
