import { Body, Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Min, MinLength, ValidateNested } from 'class-validator';
import { Public, Roles } from '../../../../libs/auth/src/decorators';
import { conflict, ruleViolation } from '../../../../libs/core/src';
import { WrongExpectedVersionError } from '../../../../libs/event-store/src/port';
import { CommandContextFactory } from '../request-context/command-context.factory';
import { RequestMeta } from '../request-context/request-meta.decorator';

class LineDto {
  @IsString()
  @MinLength(1)
  sku!: string;

  @IsInt()
  @Min(1)
  quantity!: number;
}

export class ProbeOrderDto {
  @IsString()
  customerId!: string;

  @IsIn(['monthly', 'annual'])
  billingCycle!: string;

  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => LineDto)
  lines!: LineDto[];

  @IsOptional()
  @IsString()
  note?: string;
}

class OutcomeDto {
  @IsIn(['ok', 'rule', 'conflict', 'version', 'crash'])
  outcome!: string;
}

/** A test-only controller exercising the HTTP edge (registered only by the tests). */
@Controller('v1/test-probe')
export class ProbeController {
  calls = 0;

  constructor(private readonly contexts: CommandContextFactory) {}

  @Post('orders')
  @Roles('admin-agent', 'sales-agent')
  create(@Body() body: ProbeOrderDto, @RequestMeta() meta: RequestMeta) {
    this.calls++;
    const context = this.contexts.forRequest(meta);
    return { call: this.calls, received: body, context: { ...context, now: context.now.toISOString() } };
  }

  @Post('outcomes')
  @HttpCode(202)
  async outcome(@Body() body: OutcomeDto) {
    this.calls++;
    switch (body.outcome) {
      case 'rule':
        throw ruleViolation('cancellation-window-closed', 'the cancellation window has closed', { windowHours: 168 });
      case 'conflict':
        throw conflict('already-cancelled', 'the subscription is already cancelled');
      case 'version':
        throw new WrongExpectedVersionError('subscription-1', 3, 4);
      case 'crash':
        throw new Error(`secret internal detail #${this.calls}`);
      default:
        return { call: this.calls };
    }
  }

  /** Resolves the pending `slow` request (the test holds it open to overlap a duplicate). */
  releaseSlow: () => void = () => undefined;

  @Post('slow')
  @Roles('admin-agent')
  async slow(@Body() body: OutcomeDto) {
    this.calls++;
    await new Promise<void>((resolve) => (this.releaseSlow = resolve));
    return { slow: body.outcome };
  }

  @Public()
  @Get('public')
  whoAmI(@RequestMeta() meta: RequestMeta) {
    return meta;
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
