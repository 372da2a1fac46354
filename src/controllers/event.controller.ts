import type { ServerResponse } from 'node:http';
import { Body, Controller, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiErrors,
  INGEST_EVENT_BATCH_EXAMPLES,
  INGEST_EVENT_EXAMPLES,
  IngestedBatchDto,
  IngestedEventDto,
  IngestEventBatchDto,
  IngestEventDto,
  MAX_EVENTS_PER_BATCH,
} from '../dtos';
import { Auth } from '../middleware/auth.decorator';
import { EventService } from '../services';

/**
 * Bodies arrive as plain JSON (`Record<string, unknown>` is not validated by the global pipe)
 * and are checked by the event parser instead; see IngestEventDto for why.
 */
@ApiTags('events')
@ApiErrors({
  400: {
    description: 'Invalid input; `details` lists the problems per field (`events.3.type`).',
    details: [{ field: 'occurredAt', messages: ['occurredAt must be an ISO 8601 date-time with a time zone, e.g. 2025-11-26T09:30:00Z'] }],
  },
})
@Controller('events')
export class EventController {
  constructor(private readonly service: EventService) {}

  @Post()
  @Auth('client')
  @ApiOperation({
    summary: 'Send a customer event',
    description: 'Stored with the customer’s aggregates, then published as a BPMN message (name = type, correlation key = customer id).',
  })
  @ApiBody({ type: IngestEventDto, examples: INGEST_EVENT_EXAMPLES })
  @ApiCreatedResponse({ type: IngestedEventDto, description: 'Stored.' })
  @ApiOkResponse({ type: IngestedEventDto, description: 'Received before (same source and eventId): nothing changed, `duplicate` is true.' })
  @ApiErrors({
    409: {
      description: 'The customer or anonymous id was erased.',
      message: 'Event shop/ord-2025-000042 refused: the customer (or anonymous id) was erased; events from before the erasure, or for an id not created again since, are refused',
    },
  })
  async ingest(@Body() body: Record<string, unknown>, @Res({ passthrough: true }) res: ServerResponse): Promise<IngestedEventDto> {
    const result = await this.service.ingestOne(body);
    res.statusCode = result.duplicate ? HttpStatus.OK : HttpStatus.CREATED;
    return result;
  }

  @Post('batch')
  @Auth('client')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: `Send up to ${MAX_EVENTS_PER_BATCH} customer events at once`,
    description: 'One transaction: invalid input rejects the whole batch (400); otherwise each event gets a status (accepted, duplicate, refused).',
  })
  @ApiBody({ type: IngestEventBatchDto, examples: INGEST_EVENT_BATCH_EXAMPLES })
  @ApiOkResponse({ type: IngestedBatchDto, description: 'A status per event, in the order posted.' })
  ingestBatch(@Body() body: Record<string, unknown>): Promise<IngestedBatchDto> {
    return this.service.ingestBatch(body);
  }
}
