import { Injectable } from '@nestjs/common';
import { Clock } from '../../../../libs/clock/src';
import type { CommandContext } from '../../../../libs/event-store/src/handle-command';
import type { RequestMeta } from './request-meta.decorator';

/** Builds handleCommand contexts from a request: `this.contexts.forRequest(meta)`. */
@Injectable()
export class CommandContextFactory {
  constructor(private readonly clock: Clock) {}

  forRequest(meta: RequestMeta): CommandContext {
    if (!meta.actor) throw new Error('a command needs an authenticated actor');
    return { actor: meta.actor, correlationId: meta.correlationId, causationId: meta.requestId, now: this.clock.now() };
  }
}
