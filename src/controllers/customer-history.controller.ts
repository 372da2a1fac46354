import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, CustomerHistoryPageDto, CustomerHistoryQueryDto, CustomerIdParamDto, NO_SUCH_CUSTOMER } from '../dtos';
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
  @ApiOkResponse({ type: CustomerHistoryPageDto, description: 'A page of the history, newest first.' })
  @ApiErrors({
    400: {
      description: 'Invalid query; `details` lists the problems per field.',
      details: [{ field: 'cursor', messages: ['cursor must be the nextCursor of a previous page'] }],
    },
    404: NO_SUCH_CUSTOMER,
  })
  history(@Param() { externalId }: CustomerIdParamDto, @Query() query: CustomerHistoryQueryDto): Promise<CustomerHistoryPageDto> {
    return this.service.history(externalId, query);
  }
}
