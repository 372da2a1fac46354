import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CustomerHistoryPageDto, CustomerHistoryQueryDto, CustomerIdParamDto, ErrorResponseDto } from '../dtos';
import { Auth } from '../middleware/auth.decorator';
import { CustomerHistoryService } from '../services';

@ApiTags('history')
@Controller('customers')
export class CustomerHistoryController {
  constructor(private readonly service: CustomerHistoryService) {}

  @Get(':externalId/history')
  @Auth('owner')
  @ApiOperation({
    summary: 'History of a customer',
    description: 'Every journey instance of the customer and every touchpoint job of them, newest first, in pages.',
  })
  @ApiOkResponse({ type: CustomerHistoryPageDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid query; `details` lists the problems per field.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such customer.' })
  history(@Param() { externalId }: CustomerIdParamDto, @Query() query: CustomerHistoryQueryDto): Promise<CustomerHistoryPageDto> {
    return this.service.history(externalId, query);
  }
}
