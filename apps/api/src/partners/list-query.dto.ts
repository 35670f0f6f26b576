import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { Omittable } from '../common/field-decorators';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../../../libs/partners/src/read-models/paging';

/** `?limit=&continuationToken=` of list endpoints (`{items, continuationToken?}`). */
export class ListQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'The continuationToken of the previous page' })
  @Omittable()
  @IsString()
  @MaxLength(1000)
  continuationToken?: string;
}
