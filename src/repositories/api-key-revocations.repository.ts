import { Injectable, Logger } from '@nestjs/common';
import { Client, type Notification } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

/** The PostgreSQL channel revocations are announced on. */
export const API_KEY_REVOKED_CHANNEL = 'travesia_api_key_revoked';
const RECONNECT_MS = [100, 500, 1_000, 5_000];

export interface RevocationListener {
  /** The key with this id was revoked (by any process). */
  revoked(id: string): void;
  /** The announcements may have been missed (the connection broke): forget every cached key. */
  missed(): void;
}

/**
 * Revocations across processes: ApiKeyRepository announces a revocation with NOTIFY in the
 * revoking transaction (so delivered when, and only if, it commits), and every API process LISTENs on a connection
 * of its own, so that a revoked key stops working in all of them at once instead of when their
 * login caches expire. When that connection breaks, listeners are told they may have missed
 * some, and it is reopened with backoff.
 */
@Injectable()
export class ApiKeyRevocationsRepository {
  private readonly logger = new Logger(ApiKeyRevocationsRepository.name);
  private client: Client | undefined;
  private listener: RevocationListener | undefined;
  private stopped = true;
  private attempt = 0;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly dataSource: DataSource) {}

  /** Starts listening; resolves once the first LISTEN is in place (or failed, then retried). */
  async listen(listener: RevocationListener): Promise<void> {
    this.listener = listener;
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: (this.dataSource.options as PostgresConnectionOptions).url, application_name: 'travesia-revocations' });
    client.on('notification', (message: Notification) => {
      if (message.channel === API_KEY_REVOKED_CHANNEL && message.payload) this.listener?.revoked(message.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`listen ${API_KEY_REVOKED_CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    if (this.attempt > 0) this.logger.log('listening for API key revocations again');
    this.attempt = 0;
  }

  private lost(client: Client, error?: unknown): void {
    if (this.stopped || (this.client !== undefined && this.client !== client) || this.retry) return;
    this.client = undefined;
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    this.listener?.missed();
    const delay = RECONNECT_MS[Math.min(this.attempt++, RECONNECT_MS.length - 1)];
    if (this.attempt === 1) {
      this.logger.warn(`not listening for API key revocations (${error instanceof Error ? error.message : 'connection closed'}); cached keys expire on their own, retrying`);
    }
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.stopped) void this.connect();
    }, delay);
  }
}
