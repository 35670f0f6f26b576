import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { DispatcherSettings } from '../delivery/webhook-dispatcher';
import { WEBHOOK_SETTINGS_OVERRIDE } from '../webhook-settings';

/** Tests: `imports: [WebhookSettingsOverrideModule.with({ retry: { maxAttempts: 5, baseMs: 50 } })]`. */
@Global()
@Module({})
export class WebhookSettingsOverrideModule {
  static with(settings: Partial<DispatcherSettings>): DynamicModule {
    return {
      module: WebhookSettingsOverrideModule,
      providers: [{ provide: WEBHOOK_SETTINGS_OVERRIDE, useValue: settings }],
      exports: [WEBHOOK_SETTINGS_OVERRIDE],
    };
  }
}
