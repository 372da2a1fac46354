import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiKeyDto, ApiKeyIdParamDto, CreateApiKeyDto, CreatedApiKeyDto, CurrentApiKeyDto, ErrorResponseDto } from '../dtos';
import { Auth, type AuthenticatedKey, CurrentKey } from '../middleware';
import { ApiKeyService } from '../services';

@ApiTags('api keys')
@Auth('admin')
@Controller('keys')
export class ApiKeyController {
  constructor(private readonly service: ApiKeyService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key', description: 'The response holds the secret; it is shown this once, only its hash is kept.' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  create(@CurrentKey() auth: AuthenticatedKey, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.service.create(auth, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List the API keys, revoked ones included (without secrets)' })
  @ApiOkResponse({ type: [ApiKeyDto] })
  list(): Promise<ApiKeyDto[]> {
    return this.service.list();
  }

  @Get('me')
  @Auth()
  @ApiOperation({ summary: 'The key this request carries: its name and role' })
  @ApiOkResponse({ type: CurrentApiKeyDto })
  current(@CurrentKey() auth: AuthenticatedKey): CurrentApiKeyDto {
    return this.service.current(auth);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke an API key', description: 'It stops working at once. Revoking a revoked key changes nothing.' })
  @ApiNoContentResponse({ description: 'Revoked.' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No key with this id.' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'It is the last active admin key.' })
  revoke(@CurrentKey() auth: AuthenticatedKey, @Param() { id }: ApiKeyIdParamDto): Promise<void> {
    return this.service.revoke(auth, id);
  }
}
