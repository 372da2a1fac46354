import type { ServerResponse } from 'node:http';
import { Body, Controller, Delete, Get, Headers, HttpCode, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  BulkEnrolDto,
  EnrolCustomerDto,
  EnrolmentDto,
  EnrolmentIdParamDto,
  EnrolmentJobDto,
  EnrolmentPageDto,
  EnrolResultDto,
  ErrorResponseDto,
  JourneyEnrolmentsParamDto,
  ListEnrolmentsQueryDto,
} from '../dtos';
import { Auth, type AuthenticatedKey, CurrentKey } from '../middleware/auth.decorator';
import { EnrolmentJobService, EnrolmentService } from '../services';

@ApiTags('enrolments')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid input; `details` lists the problems per field.' })
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
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Repeating a request with the same key (per journey) returns its enrolment instead of starting another.' })
  @ApiCreatedResponse({ type: EnrolResultDto, description: 'Enrolled: the instance runs.' })
  @ApiOkResponse({ type: EnrolResultDto, description: 'Enrolled already (existing: true): nothing new started.' })
  @ApiAcceptedResponse({ type: EnrolResultDto, description: 'Pending: the engine has not confirmed the instance in time; read the enrolment later.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such journey, version or customer.' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Archived journey, no live or deployed version, re-entry refused, or an Idempotency-Key used for another customer.' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The engine did not answer.' })
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
  @ApiAcceptedResponse({ type: EnrolmentJobDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such journey or version.' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Archived journey, or no live or deployed version.' })
  bulk(@CurrentKey() auth: AuthenticatedKey, @Param() { journeyId }: JourneyEnrolmentsParamDto, @Body() dto: BulkEnrolDto): Promise<EnrolmentJobDto> {
    return this.jobs.create(auth, journeyId, dto);
  }

  @Get('journeys/:journeyId/enrolments')
  @Auth('client', 'owner')
  @ApiOperation({ summary: "List a journey's enrolments", description: 'Newest first, by pages; statuses are brought up to date with the engine as they are read.' })
  @ApiOkResponse({ type: EnrolmentPageDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  list(@Param() { journeyId }: JourneyEnrolmentsParamDto, @Query() query: ListEnrolmentsQueryDto): Promise<EnrolmentPageDto> {
    return this.service.list(journeyId, query);
  }

  @Get('enrolments/:id')
  @Auth('client', 'owner')
  @ApiOperation({ summary: 'Read an enrolment', description: 'Its status is brought up to date with the engine first.' })
  @ApiOkResponse({ type: EnrolmentDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  get(@Param() { id }: EnrolmentIdParamDto): Promise<EnrolmentDto> {
    return this.service.get(id);
  }

  @Delete('enrolments/:id')
  @Auth('client')
  @ApiOperation({ summary: 'Cancel an enrolment', description: 'Cancels its instance in the engine; the enrolment becomes terminated.' })
  @ApiOkResponse({ type: EnrolmentDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The instance ended already (or has not started yet).' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The engine did not answer.' })
  cancel(@CurrentKey() auth: AuthenticatedKey, @Param() { id }: EnrolmentIdParamDto): Promise<EnrolmentDto> {
    return this.service.cancel(auth, id);
  }

  @Get('enrolment-jobs/:id')
  @Auth('client', 'owner')
  @ApiOperation({ summary: 'Read a bulk enrolment job', description: 'Its status and progress: total, enrolled, skipped, failed.' })
  @ApiOkResponse({ type: EnrolmentJobDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  job(@Param() { id }: EnrolmentIdParamDto): Promise<EnrolmentJobDto> {
    return this.jobs.get(id);
  }
}
