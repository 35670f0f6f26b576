import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsISO8601, Max, Min, ValidateIf } from 'class-validator';

/** Like apps/api's `Omittable()` (libs do not import apps): absent means "not sent"; an explicit null is validated and refused. */
const Omittable = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

export class SetClockDto {
  @ApiProperty({ example: '2025-01-31T00:00:00.000Z', description: 'ISO-8601 instant; earlier than now only sets the clock' })
  @IsISO8601({ strict: true, strictSeparator: true })
  now!: string;
}

export class AdvanceClockDto {
  @ApiPropertyOptional({ minimum: 0 })
  @Omittable()
  @IsInt()
  @Min(0)
  @Max(36_600)
  days?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @Omittable()
  @IsInt()
  @Min(0)
  @Max(878_400)
  hours?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @Omittable()
  @IsInt()
  @Min(0)
  @Max(52_704_000)
  minutes?: number;
}

export class ClockDto {
  @ApiProperty({ example: '2025-01-31T00:00:00.000Z' })
  now!: string;
}
