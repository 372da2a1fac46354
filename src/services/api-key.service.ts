import { ConflictException, Injectable, Logger, NotFoundException, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config';
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
import { ApiKeyRepository, ApiKeyRevocationsRepository, CryptoRepository } from '../repositories';

/**
 * API keys: creating, listing and revoking them, and telling which key a request carries.
 * Who may call what is decided by the routes' `@Auth(...)` roles, checked by the guard before
 * these methods run; key management is admin-only.
 */
@Injectable()
export class ApiKeyService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ApiKeyService.name);
  /**
   * Recently authenticated keys by secret hash, for API_KEY_CACHE_MS: a busy client (events at
   * hundreds per second) must not cost a database lookup per request. A revocation takes effect
   * at once in this process and, through ApiKeyRevocationsRepository, in every other one; only
   * while a process is reconnecting to PostgreSQL may it trust a revoked key until its cache
   * entry expires.
   */
  private readonly recent = new Map<string, { key: AuthenticatedKey; until: number }>();
  /**
   * Counts the revocations this process made or was told of. A lookup that began before a
   * revocation may have read the key as still active and finish after the revocation cleared the
   * cache; it must not put the key back.
   */
  private revocations = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly keys: ApiKeyRepository,
    private readonly crypto: CryptoRepository,
    private readonly revocationsFeed: ApiKeyRevocationsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.runs('api')) return;
    await this.revocationsFeed.listen({
      revoked: (id) => this.forget(id),
      missed: () => {
        this.revocations++;
        this.recent.clear();
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.revocationsFeed.stop();
  }

  /** The active key with this secret, or undefined; notes that it was used. */
  async authenticate(secret: string): Promise<AuthenticatedKey | undefined> {
    const hash = this.crypto.hashApiKey(secret);
    const cached = this.recent.get(hash);
    if (cached && cached.until > Date.now()) return cached.key;
    const revocationsBefore = this.revocations;
    const key = await this.keys.findActiveByHash(hash);
    if (!key) {
      this.recent.delete(hash);
      return undefined;
    }
    await this.keys.recordUse(key.id);
    const authenticated = mapAuthenticatedKey(key);
    if (this.revocations !== revocationsBefore) return authenticated;
    if (this.recent.size >= 10_000) this.recent.clear();
    if (this.config.auth.keyCacheMs > 0) this.recent.set(hash, { key: authenticated, until: Date.now() + this.config.auth.keyCacheMs });
    return authenticated;
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
    this.forget(id);
    this.logger.log(`API key ${id} revoked by key ${auth.id} (${auth.name})`);
  }

  /** The key was revoked: drop it from the cache, and keep lookups in flight from caching it again. */
  private forget(id: string): void {
    this.revocations++;
    for (const [hash, entry] of this.recent) if (entry.key.id === id) this.recent.delete(hash);
  }
}
