import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import {
  type ApiKeyDto,
  type AuthenticatedKey,
  type CreateApiKeyDto,
  type CreatedApiKeyDto,
  type CurrentApiKeyDto,
  mapApiKey,
  mapAuthenticatedKey,
  mapCreatedApiKey,
  mapCurrentApiKey,
} from '../dtos';
import { ApiKeyRepository, CryptoRepository } from '../repositories';

/**
 * API keys: creating, listing and revoking them, and telling which key a request carries.
 * Who may call what is decided by the routes' `@Auth(...)` roles, checked by the guard before
 * these methods run; key management is admin-only.
 */
@Injectable()
export class ApiKeyService {
  private readonly logger = new Logger(ApiKeyService.name);

  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly crypto: CryptoRepository,
  ) {}

  /** The active key with this secret, or undefined; notes that it was used. */
  async authenticate(secret: string): Promise<AuthenticatedKey | undefined> {
    const key = await this.keys.findActiveByHash(this.crypto.hashApiKey(secret));
    if (!key) return undefined;
    await this.keys.recordUse(key.id);
    return mapAuthenticatedKey(key);
  }

  async create(auth: AuthenticatedKey, dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const secret = this.crypto.newApiKeySecret();
    const key = await this.keys.create({
      name: dto.name,
      role: dto.role,
      keyHash: this.crypto.hashApiKey(secret),
      prefix: this.crypto.apiKeyPrefix(secret),
    });
    this.logger.log(`API key ${key.id} (${key.prefix}…, role ${key.role}) created by key ${auth.id} (${auth.name})`);
    return mapCreatedApiKey(key, secret);
  }

  async list(): Promise<ApiKeyDto[]> {
    return (await this.keys.list()).map(mapApiKey);
  }

  current(auth: AuthenticatedKey): CurrentApiKeyDto {
    return mapCurrentApiKey(auth);
  }

  async revoke(auth: AuthenticatedKey, id: string): Promise<void> {
    const result = await this.keys.revokeKeepingAnAdmin(id);
    if (result.status === 'not-found') throw new NotFoundException(`Expected the id of an API key, found no key ${id}`);
    if (result.status === 'last-admin') {
      throw new ConflictException(`API key ${id} is the last active admin key; create another admin key before revoking it`);
    }
    this.logger.log(`API key ${id} revoked by key ${auth.id} (${auth.name})`);
  }
}
