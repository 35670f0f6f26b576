import { Body, Controller, Get, HttpCode, Post, Put, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiGatewayTimeoutResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../../auth/src/decorators';
import { AdvanceClockDto, ClockDto, SetClockDto } from './test-clock.dto';
import { TestClockTimeoutFilter } from './test-clock.filter';
import { TestClockService, type ClockMove } from './test-clock.service';

/** Business time for end-to-end tests; mounted only when APP_ENV=test. */
@ApiTags('test clock')
@ApiBearerAuth()
@Controller('v1/test/clock')
@Roles('operator')
@UseFilters(TestClockTimeoutFilter)
export class TestClockController {
  constructor(private readonly testClock: TestClockService) {}

  @Get()
  @ApiOperation({ summary: 'Current business time' })
  @ApiOkResponse({ type: ClockDto })
  get(): ClockDto {
    return { now: this.testClock.now().toISOString() };
  }

  @Put()
  @ApiOperation({ summary: 'Set business time; answers once all work due by then has run' })
  @ApiOkResponse({ type: ClockDto })
  @ApiGatewayTimeoutResponse({ description: 'problem+json `test-clock-timeout` with the pending work' })
  set(@Body() body: SetClockDto): Promise<ClockMove> {
    return this.testClock.moveTo(new Date(body.now));
  }

  @Post('advance')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move business time forward; answers once all work due by then has run' })
  @ApiOkResponse({ type: ClockDto })
  @ApiGatewayTimeoutResponse({ description: 'problem+json `test-clock-timeout` with the pending work' })
  advance(@Body() body: AdvanceClockDto): Promise<ClockMove> {
    return this.testClock.advance(body);
  }
}
