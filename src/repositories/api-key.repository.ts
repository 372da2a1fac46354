import { Injectable, Logger } from '@nestjs/common';
import { DataSource, IsNull, type Repository } from 'typeorm';
import { ApiKeyEntity } from '../entities/api-key.entity';
import { API_KEY_REVOKED_CHANNEL } from './api-key-revocations.repository';

/** Advisory lock taken while creating the first key; any constant shared by every Travesía process, not a secret. */
export const FIRST_KEY_LOCK = 7_340_002;
/** last_used_at is precise to this much, so that a busy key costs one write a minute, not one per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

export type NewApiKey = Pick<ApiKeyEntity, 'name' | 'role' | 'keyHash' | 'prefix'>;
export type RevokeResult = { status: 'revoked'; key: ApiKeyEntity } | { status: 'not-found' } | { status: 'last-admin' };

@Injectable()
export class ApiKeyRepository {
  private readonly logger = new Logger(ApiKeyRepository.name);
  private readonly keys: Repository<ApiKeyEntity>;
  /** When this process last wrote each key's last_used_at (epoch ms). */
  private readonly lastUseWritten = new Map<string, number>();

  constructor(private readonly dataSource: DataSource) {
    this.keys = dataSource.getRepository(ApiKeyEntity);
  }

  /** The key with this hash, unless revoked. */
  findActiveByHash(keyHash: string): Promise<ApiKeyEntity | null> {
    return this.keys.findOneBy({ keyHash, revokedAt: IsNull() });
  }

  async existsByHash(keyHash: string): Promise<boolean> {
    return this.keys.existsBy({ keyHash });
  }

  list(): Promise<ApiKeyEntity[]> {
    return this.keys.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async create(key: NewApiKey): Promise<ApiKeyEntity> {
    const { identifiers } = await this.keys.insert(key);
    return this.keys.findOneByOrFail({ id: identifiers[0].id as string });
  }

  /**
   * Creates the key only if the table is empty. Processes starting together serialise on an
   * advisory lock, so exactly one of them creates it. Null when there were keys already.
   */
  createIfNone(key: NewApiKey): Promise<ApiKeyEntity | null> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('select pg_advisory_xact_lock($1)', [FIRST_KEY_LOCK]);
      if (await manager.exists(ApiKeyEntity)) return null;
      const { identifiers } = await manager.insert(ApiKeyEntity, key);
      return manager.findOneByOrFail(ApiKeyEntity, { id: identifiers[0].id as string });
    });
  }

  /**
   * Revokes a key, refusing to revoke the last active admin key: without one, nobody could
   * manage keys any more. The active admin rows are locked, so two concurrent revocations cannot
   * each leave the other as the last admin and then revoke it too. Revoking a revoked key
   * changes nothing.
   */
  revokeKeepingAnAdmin(id: string): Promise<RevokeResult> {
    return this.dataSource.transaction(async (manager) => {
      const key = await manager.findOneBy(ApiKeyEntity, { id });
      if (!key) return { status: 'not-found' };
      if (key.revokedAt) return { status: 'revoked', key };
      if (key.role === 'admin') {
        const admins = await manager.find(ApiKeyEntity, {
          select: { id: true },
          where: { role: 'admin', revokedAt: IsNull() },
          lock: { mode: 'pessimistic_write' },
        });
        if (admins.length <= 1) return { status: 'last-admin' };
      }
      await manager.update(ApiKeyEntity, { id }, { revokedAt: () => 'now()' });
      // Every API process drops the key from its login cache when this commits.
      await manager.query('select pg_notify($1, $2)', [API_KEY_REVOKED_CHANNEL, id]);
      return { status: 'revoked', key: await manager.findOneByOrFail(ApiKeyEntity, { id }) };
    });
  }

  /**
   * Notes that the key was just used, writing at most once per {@link LAST_USED_RESOLUTION_MS}
   * per key and process (and, through the condition, across processes). A failed write is only
   * logged: it must not fail the request that used the key.
   */
  async recordUse(id: string, now = Date.now()): Promise<void> {
    const written = this.lastUseWritten.get(id);
    if (written !== undefined && now - written < LAST_USED_RESOLUTION_MS) return;
    this.lastUseWritten.set(id, now);
    try {
      await this.dataSource.query(
        `update travesia.api_key set last_used_at = now()
          where id = $1 and (last_used_at is null or last_used_at < now() - $2 * interval '1 millisecond')`,
        [id, LAST_USED_RESOLUTION_MS],
      );
    } catch (error) {
      this.logger.warn(`could not record when API key ${id} was last used: ${String(error)}`);
    }
  }
}
