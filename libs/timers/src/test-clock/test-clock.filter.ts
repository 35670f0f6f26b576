import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { TestClockTimeoutError } from './test-clock.service';

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): unknown;
}

/** A clock move that ran out of time answers 504 problem+json listing what is still pending. */
@Catch(TestClockTimeoutError)
export class TestClockTimeoutFilter implements ExceptionFilter {
  catch(error: TestClockTimeoutError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<ReplyLike>();
    const request = host.switchToHttp().getRequest<{ url?: string }>();
    reply
      .status(504)
      .header('content-type', 'application/problem+json')
      .send({
        type: 'urn:csp-commerce:problem:test-clock-timeout',
        title: 'Gateway Timeout',
        status: 504,
        detail: error.message,
        code: 'test-clock-timeout',
        instance: request.url?.split('?')[0],
        target: error.target.toISOString(),
        pending: error.pending,
      });
  }
}
