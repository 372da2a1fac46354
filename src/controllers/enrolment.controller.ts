import type { ServerResponse } from 'node:http';
import { Body, Controller, Delete, Get, Headers, HttpCode, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  BulkEnrolDto,
  ENGINE_FAILED,
  ENGINE_UNAVAILABLE,
  EnrolCustomerDto,
  EnrolmentDto,
  EnrolmentIdParamDto,
  EnrolmentJobDto,
  EnrolmentJobIdParamDto,
  EnrolmentPageDto,
  EnrolResultDto,
  INVALID_INPUT,
  JourneyEnrolmentsParamDto,
  ListEnrolmentsQueryDto,
  NO_SUCH_ENROLMENT,
  NO_SUCH_JOURNEY,
} from '../dtos';
import { Auth, type AuthenticatedKey, CurrentKey } from '../middleware/auth.decorator';
import { EnrolmentJobService, EnrolmentService } from '../services';

@ApiTags('enrolments')
@ApiErrors({
  400: {
    ...INVALID_INPUT,
    details: [{ field: 'variables', messages: ['variables must not set customerId: Travesía sets customer, customerId, enrolmentId itself'] }],
  },
})
@Controller()
export class EnrolmentController {
  constructor(
    private readonly service: EnrolmentService,
    private readonly jobs: EnrolmentJobService,
  ) {}

  @Post('journeys/:journeyId/enrolments')
  @Auth('client')
  @ApiOperation({
    summary: 'Enrol a customer into a journey',
    description:
      "Starts the journey's live version (or `version`) for the customer, with the customer's profile as the variables `customer` and `customerId`. " +
      'Re-entry never / after_exit: a customer with an open enrolment gets it back (200, existing: true); never refuses a customer enrolled before (409). ' +
      'Re-entry always: a new instance per request; send an Idempotency-Key to retry safely.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Repeating a request with the same key (per journey) returns its enrolment instead of starting another. 1 to 255 visible ASCII characters.',
    example: 'signup-crm-000123',
  })
  @ApiCreatedResponse({ type: EnrolResultDto, description: 'Enrolled: the instance runs.' })
  @ApiOkResponse({ type: EnrolResultDto, description: 'Enrolled already (existing: true): nothing new started.' })
  @ApiAcceptedResponse({ type: EnrolResultDto, description: 'Pending: the engine has not confirmed the instance in time; read the enrolment later.' })
  @ApiErrors({
    404: { description: 'No such journey, version or customer.', message: 'Expected the external id of a customer, found no customer crm-000123' },
    409: {
      description: 'Archived journey, no live or deployed version, re-entry refused, or an Idempotency-Key used for another customer.',
      message: 'Customer crm-000123 was enrolled into journey 5b1d7a3e-2c4f-4e8a-9b6d-0f1e2d3c4b5a (welcome) before, and its re-entry rule is never',
    },
    502: { ...ENGINE_FAILED, message: 'Could not start journey 5b1d7a3e-2c4f-4e8a-9b6d-0f1e2d3c4b5a version 2 (welcome v2 in the engine): 13 INTERNAL: Unexpected error' },
    503: { ...ENGINE_UNAVAILABLE, message: 'Could not start journey 5b1d7a3e-2c4f-4e8a-9b6d-0f1e2d3c4b5a version 2 (welcome v2 in the engine): 14 UNAVAILABLE: No connection established' },
  })
  async enrol(
    @CurrentKey() auth: AuthenticatedKey,
    @Param() { journeyId }: JourneyEnrolmentsParamDto,
    @Body() dto: EnrolCustomerDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<EnrolResultDto> {
    const { status, body } = await this.service.enrol(auth, journeyId, dto, idempotencyKey);
    res.statusCode = status;
    return body;
  }

  @Post('journeys/:journeyId/enrolments/bulk')
  @Auth('client')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Enrol every customer of a segment or query',
    description: 'Creates a background job (GET /api/enrolment-jobs/:id shows its progress) that enrols every matching customer by the same rules; customers enrolled already are skipped.',
  })
  @ApiAcceptedResponse({ type: EnrolmentJobDto, description: 'The job, queued.' })
  @ApiErrors({
    404: { description: 'No such journey or version.', message: NO_SUCH_JOURNEY.message },
    409: {
      description: 'Archived journey, or no live or deployed version.',
      message: 'Journey 5b1d7a3e-2c4f-4e8a-9b6d-0f1e2d3c4b5a (welcome) has no live version yet: deploy a version before enrolling customers',
    },
  })
  bulk(@CurrentKey() auth: AuthenticatedKey, @Param() { journeyId }: JourneyEnrolmentsParamDto, @Body() dto: BulkEnrolDto): Promise<EnrolmentJobDto> {
    return this.jobs.create(auth, journeyId, dto);
  }

  @Get('journeys/:journeyId/enrolments')
  @Auth('client', 'owner')
  @ApiOperation({ summary: "List a journey's enrolments", description: 'Newest first, by pages; statuses are brought up to date with the engine as they are read.' })
  @ApiOkResponse({ type: EnrolmentPageDto, description: 'A page of enrolments.' })
  @ApiErrors({ 404: NO_SUCH_JOURNEY })
  list(@Param() { journeyId }: JourneyEnrolmentsParamDto, @Query() query: ListEnrolmentsQueryDto): Promise<EnrolmentPageDto> {
    return this.service.list(journeyId, query);
  }

  @Get('enrolments/:id')
  @Auth('client', 'owner')
  @ApiOperation({ summary: 'Read an enrolment', description: 'Its status is brought up to date with the engine first.' })
  @ApiOkResponse({ type: EnrolmentDto, description: 'The enrolment.' })
  @ApiErrors({ 404: NO_SUCH_ENROLMENT })
  get(@Param() { id }: EnrolmentIdParamDto): Promise<EnrolmentDto> {
    return this.service.get(id);
  }

  @Delete('enrolments/:id')
  @Auth('client')
  @ApiOperation({ summary: 'Cancel an enrolment', description: 'Cancels its instance in the engine; the enrolment becomes terminated.' })
  @ApiOkResponse({ type: EnrolmentDto, description: 'The enrolment, terminated.' })
  @ApiErrors({
    404: NO_SUCH_ENROLMENT,
    409: {
      description: 'The instance ended already (or has not started yet).',
      message: 'Enrolment 9d3f2a1b-6c5e-4f70-8a9b-1c2d3e4f5a6b is completed since 2025-11-26T09:42:17.480Z: there is no instance to cancel',
    },
    502: ENGINE_FAILED,
    503: ENGINE_UNAVAILABLE,
  })
  cancel(@CurrentKey() auth: AuthenticatedKey, @Param() { id }: EnrolmentIdParamDto): Promise<EnrolmentDto> {
    return this.service.cancel(auth, id);
  }

  @Get('enrolment-jobs/:id')
  @Auth('client', 'owner')
  @ApiOperation({ summary: 'Read a bulk enrolment job', description: 'Its status and progress: total, enrolled, skipped, failed.' })
  @ApiOkResponse({ type: EnrolmentJobDto, description: 'The job.' })
  @ApiErrors({ 404: { description: 'No such job.', message: 'Expected the id of a bulk enrolment job, found no job e2a4c6d8-1b3f-4a5c-9e7d-2f4b6d8a0c1e' } })
  job(@Param() { id }: EnrolmentJobIdParamDto): Promise<EnrolmentJobDto> {
    return this.jobs.get(id);
  }
}
