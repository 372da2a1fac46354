import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config';
import { ApiKeyRepository, CryptoRepository, TerminalRepository } from '../repositories';

const INITIAL_ADMIN_KEY_NAME = 'initial admin';

/**
 * Makes sure a fresh installation can be administered: on the first start of the API (no key in
 * the database), creates an admin key — the one pinned by ADMIN_API_KEY, or a new one that is
 * printed once on stdout, since only its hash is kept.
 */
@Injectable()
export class ApiKeyBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ApiKeyBootstrapService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly keys: ApiKeyRepository,
    private readonly crypto: CryptoRepository,
    private readonly terminal: TerminalRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.runs('api')) await this.createInitialAdminKey();
  }

  /** Creates the first admin key unless there is a key already; safe to call from processes starting together. */
  async createInitialAdminKey(): Promise<void> {
    const pinned = this.config.auth.adminApiKey;
    const secret = pinned ?? this.crypto.newApiKeySecret();
    const keyHash = this.crypto.hashApiKey(secret);
    const created = await this.keys.createIfNone({ name: INITIAL_ADMIN_KEY_NAME, role: 'admin', keyHash, prefix: this.crypto.apiKeyPrefix(secret) });
    if (!created) {
      if (pinned && !(await this.keys.existsByHash(keyHash))) {
        this.logger.warn('ADMIN_API_KEY is ignored: it only sets the first key, and the database has keys already');
      }
      return;
    }
    if (pinned) {
      this.logger.log(`created the initial admin API key ${created.id} (${created.prefix}…) from ADMIN_API_KEY`);
      return;
    }
    this.terminal.print(initialKeyBanner(secret));
    this.logger.log(`created the initial admin API key ${created.id} (${created.prefix}…); its secret was printed once on stdout`);
  }
}

function initialKeyBanner(secret: string): string[] {
  const rule = '='.repeat(78);
  return [
    rule,
    `Travesía admin API key (shown once): ${secret}`,
    'Keep it now: only its hash is stored, it cannot be shown again. Send it in the x-api-key header.',
    rule,
  ];
}
