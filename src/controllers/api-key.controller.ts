import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiKeyDto, ApiKeyIdParamDto, CreateApiKeyDto, CreatedApiKeyDto, CurrentApiKeyDto, INVALID_INPUT } from '../dtos';
import { Auth, type AuthenticatedKey, CurrentKey } from '../middleware';
import { ApiKeyService } from '../services';

// Each route declares its roles: GET me is open to every role, so a class-wide @Auth('admin')
// would document a 403 it cannot answer.
@ApiTags('api keys')
@Controller('keys')
export class ApiKeyController {
  constructor(private readonly service: ApiKeyService) {}

  @Post()
  @Auth('admin')
  @ApiOperation({ summary: 'Create an API key', description: 'The response holds the secret; it is shown this once, only its hash is kept.' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto, description: 'Created; `secret` is shown this once.' })
  @ApiErrors({
    400: { ...INVALID_INPUT, details: [{ field: 'role', messages: ['role must be one of the following values: analyst, client, owner, admin'] }] },
  })
  create(@CurrentKey() auth: AuthenticatedKey, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.service.create(auth, dto);
  }

  @Get()
  @Auth('admin')
  @ApiOperation({ summary: 'List the API keys, revoked ones included (without secrets)' })
  @ApiOkResponse({ type: [ApiKeyDto], description: 'Every key, oldest first.' })
  list(): Promise<ApiKeyDto[]> {
    return this.service.list();
  }

  @Get('me')
  @Auth()
  @ApiOperation({ summary: 'The key this request carries: its name and role' })
  @ApiOkResponse({ type: CurrentApiKeyDto, description: 'The key of this request.' })
  current(@CurrentKey() auth: AuthenticatedKey): CurrentApiKeyDto {
    return this.service.current(auth);
  }

  @Delete(':id')
  @Auth('admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke an API key', description: 'It stops working at once. Revoking a revoked key changes nothing.' })
  @ApiNoContentResponse({ description: 'Revoked.' })
  @ApiErrors({
    400: { description: 'The id is not a UUID.', details: [{ field: 'id', messages: ['id must be a UUID'] }] },
    404: { description: 'No key with this id.', message: 'Expected the id of an API key, found no key 0b6f7c1e-2f4a-4c55-9a43-8d1b2c3d4e5f' },
    409: {
      description: 'It is the last active admin key.',
      message: 'API key 0b6f7c1e-2f4a-4c55-9a43-8d1b2c3d4e5f is the last active admin key; create another admin key before revoking it',
    },
  })
  revoke(@CurrentKey() auth: AuthenticatedKey, @Param() { id }: ApiKeyIdParamDto): Promise<void> {
    return this.service.revoke(auth, id);
  }
}
