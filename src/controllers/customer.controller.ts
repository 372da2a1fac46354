import type { ServerResponse } from 'node:http';
import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  ChannelActivityDto,
  ConsentDto,
  CustomerDto,
  CustomerExportDto,
  CustomerIdParamDto,
  CustomerPageDto,
  IdentifyCustomerDto,
  IdentifyResultDto,
  INVALID_INPUT,
  ListCustomersQueryDto,
  NO_SUCH_CUSTOMER,
  RevenueDto,
  UpsertCustomerDto,
} from '../dtos';
import { Auth, type AuthenticatedKey, CurrentKey } from '../middleware/auth.decorator';
import { CustomerPrivacyService, CustomerService } from '../services';

@ApiTags('customers')
@ApiExtraModels(ConsentDto, RevenueDto, ChannelActivityDto)
@ApiErrors({
  400: {
    ...INVALID_INPUT,
    details: [{ field: 'addresses.phone', messages: ['addresses.phone must be a phone number in E.164 form such as +34600111222, got "600 111 222"'] }],
  },
})
@Controller('customers')
export class CustomerController {
  constructor(
    private readonly service: CustomerService,
    private readonly privacy: CustomerPrivacyService,
  ) {}

  @Put(':externalId')
  @Auth('client')
  @ApiOperation({
    summary: 'Create or update a customer',
    description: 'Fields left out stay; null clears. Attributes and addresses merge key by key. Consent changes are kept in the history.',
  })
  @ApiCreatedResponse({ type: CustomerDto, description: 'Created.' })
  @ApiOkResponse({ type: CustomerDto, description: 'Updated (or unchanged).' })
  async upsert(
    @CurrentKey() auth: AuthenticatedKey,
    @Param() { externalId }: CustomerIdParamDto,
    @Body() dto: UpsertCustomerDto,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<CustomerDto> {
    const { created, customer } = await this.service.upsert(auth, externalId, dto);
    res.statusCode = created ? HttpStatus.CREATED : HttpStatus.OK;
    return customer;
  }

  @Get()
  @Auth('client', 'owner')
  @ApiOperation({ summary: 'List customers', description: 'In order of their last profile change; filters combine with and.' })
  @ApiOkResponse({ type: CustomerPageDto, description: 'A page of customers.' })
  list(@Query() query: ListCustomersQueryDto): Promise<CustomerPageDto> {
    return this.service.list(query);
  }

  @Get(':externalId')
  @Auth('client', 'owner')
  @ApiOperation({ summary: 'Read a customer', description: 'Profile, current consents and aggregates.' })
  @ApiOkResponse({ type: CustomerDto, description: 'The customer.' })
  @ApiErrors({ 404: NO_SUCH_CUSTOMER })
  get(@Param() { externalId }: CustomerIdParamDto): Promise<CustomerDto> {
    return this.service.get(externalId);
  }

  @Post(':externalId/identify')
  @Auth('client')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Identify an anonymous visitor as this customer',
    description:
      'Merges the anonymous (Ghost) profile into the customer: its events move, aggregates are recomputed, and later events for the anonymous id land on the customer. The customer is created if need be. Idempotent.',
  })
  @ApiOkResponse({ type: IdentifyResultDto, description: 'Identified (merged now, or before).' })
  @ApiErrors({
    409: {
      description: 'The anonymous id belongs to another customer, or the customer was erased.',
      message: 'Anonymous id anon-7f3a9c already belongs to another customer',
    },
  })
  identify(@Param() { externalId }: CustomerIdParamDto, @Body() dto: IdentifyCustomerDto): Promise<IdentifyResultDto> {
    return this.service.identify(externalId, dto);
  }

  @Get(':externalId/export')
  @Auth('client', 'owner')
  @ApiOperation({ summary: 'Export everything held about a customer (GDPR)', description: 'Profile, consents and their history, anonymous ids, events, aggregates, and what other parts hold.' })
  @ApiOkResponse({ type: CustomerExportDto, description: 'Everything held about the customer.' })
  @ApiErrors({ 404: NO_SUCH_CUSTOMER })
  export(@Param() { externalId }: CustomerIdParamDto): Promise<CustomerExportDto> {
    return this.privacy.export(externalId);
  }

  @Delete(':externalId')
  @Auth('client')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Erase a customer (GDPR)',
    description:
      'Deletes the profile, consents, anonymous ids and events; keeps only a hashed tombstone so that old events for the id are refused. Erasing again changes nothing.',
  })
  @ApiNoContentResponse({ description: 'Erased.' })
  @ApiErrors({
    404: { description: 'No such customer, and none was erased under this id.', message: NO_SUCH_CUSTOMER.message },
    503: {
      description: 'A running journey instance of the customer could not be cancelled; the profile is kept. Repeat the erasure.',
      message:
        'Could not cancel the journey instance 2251799813685251 of the customer before erasing them: 14 UNAVAILABLE: No connection established. Repeat the erasure.',
    },
  })
  erase(@CurrentKey() auth: AuthenticatedKey, @Param() { externalId }: CustomerIdParamDto): Promise<void> {
    return this.privacy.erase(auth, externalId);
  }
}
