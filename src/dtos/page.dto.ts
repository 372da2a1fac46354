import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/** The paging of list endpoints: a page size and the cursor the previous page handed out. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50, example: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 50;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page (of the same list: each list has cursors of its own).', example: 'MTc2NDE0OTI4MDAwMDAwMC40Mg' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: '$property must be the nextCursor of a previous page' })
  cursor?: string;
}
